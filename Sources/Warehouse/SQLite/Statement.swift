import CSQLite

/// A prepared statement (`sqlite3_stmt`). Bind, step, read columns, reset.
///
/// Every C return code is checked where it is returned and becomes a `WarehouseError`
/// carrying SQLite's code, message and this statement's SQL.
package final class Statement {
    let handle: OpaquePointer
    package let sql: String
    private let database: Database

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        // sqlite3_prepare_v2
        let rc = sql.withCString { sqlite3_prepare_v2(database.handle, $0, -1, &statement, nil) }
        guard rc == SQLITE_OK, let statement else {
            throw database.error(rc, sql: sql)
        }
        self.handle = statement
        self.sql = sql
        self.database = database
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `value` to the 1-based parameter `index` (sqlite3_bind_*).
    package func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v):
            var copy = v
            rc = copy.withUTF8 { buffer in
                sqlite3_bind_text(
                    handle, index, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                    Int32(buffer.count), ambassador_sqlite_transient())
            }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Binds UTF-8 bytes as text without building a `String` (sqlite3_bind_text, copied).
    /// The hot path of extract.
    package func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
        try bindText(bytes, at: index, destructor: ambassador_sqlite_transient())
    }

    /// Binds UTF-8 bytes as text without copying them (sqlite3_bind_text, SQLITE_STATIC).
    /// The bytes must stay valid until `step` has returned, and the parameter must be bound
    /// again before the next `step` — the bulk path rebinds every parameter per row.
    package func bindTextNoCopy(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws {
        try bindText(bytes, at: index, destructor: ambassador_sqlite_static())
    }

    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32, destructor: sqlite3_destructor_type?) throws {
        // Optional: SQLITE_STATIC is the null destructor.
        let rc: Int32
        if let base = bytes.baseAddress, bytes.count > 0 {
            rc = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), destructor)
        } else {
            // An empty buffer may have no base address; bind an empty string, not NULL.
            rc = sqlite3_bind_text(handle, index, "", 0, destructor)
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Binds `values` to parameters 1...n.
    package func bind(_ values: [SQLValue]) throws {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Runs one step (sqlite3_step): `true` when a row is available, `false` when done.
    @discardableResult
    package func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc, sql: sql)
        }
    }

    /// Resets for another execution, keeping the bindings (sqlite3_reset). The bulk path
    /// rebinds every parameter per row, so it has no need to clear them.
    package func reset() {
        // sqlite3_reset repeats the last step's error, which step already threw.
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL (sqlite3_clear_bindings).
    package func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// Binds, steps to completion and resets: one execution of a write statement.
    /// Parameters not in `values` are NULL.
    package func execute(_ values: [SQLValue] = []) throws {
        defer {
            reset()
            clearBindings()
        }
        try bind(values)
        while try step() {}
    }

    /// Number of result columns.
    package var columnCount: Int32 { sqlite3_column_count(handle) }

    package func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    package func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    package func int(_ index: Int32) -> Int {
        Int(sqlite3_column_int64(handle, index))
    }

    package func double(_ index: Int32) -> Double {
        sqlite3_column_double(handle, index)
    }

    /// The text of column `index`, or `nil` when it is NULL.
    package func text(_ index: Int32) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL,
              let pointer = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The bytes of text column `index` without copying them, or `nil` when it is NULL
    /// (sqlite3_column_text). Valid until the statement steps, resets or is finalized.
    package func textBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL, let pointer = sqlite3_column_text(handle, index) else {
            return nil
        }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, index)))
    }

    /// The column's value with its stored type.
    package func value(_ index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        default: return .text(text(index) ?? "")
        }
    }
}
