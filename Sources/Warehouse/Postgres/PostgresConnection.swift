import AmbassadorCore
import CPostgres
import Foundation

/// One synchronous connection to a PostgreSQL server through libpq. Every return code is
/// checked; an error carries the SQLSTATE, the server's message and the SQL. Values are
/// always bound (text format), never spliced; identifiers go through libpq's escaping.
/// The connection string is the warehouse URL: the password in it, if any, never appears
/// in an error (libpq's own messages do not repeat it, and ours show `redacted`).
/// `PG*` variables and `~/.pgpass` work as they do for `psql`, since libpq reads them.
package final class PostgresConnection {
    package let location: WarehouseLocation
    private let connection: OpaquePointer

    /// Opens a connection to `location` (a `postgresql://` URL) and sets the session up:
    /// UTC, ISO dates, an application name that says who holds a lock.
    package init(_ location: WarehouseLocation, applicationName: String = "ambassador") throws {
        guard case let .postgres(url) = location else {
            throw WarehouseError.postgresConnect(target: location.redacted, message: "not a postgresql:// URL")
        }
        self.location = location
        guard let handle = PQconnectdb(url) else {
            throw WarehouseError.postgresConnect(target: location.redacted, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = PostgresConnection.text(PQerrorMessage(handle))
            PQfinish(handle)
            throw WarehouseError.postgresConnect(target: location.redacted, message: message)
        }
        connection = handle
        // Notices (e.g. "schema already exists, skipping") are not errors: keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET application_name = \(literal(applicationName))")
    }

    deinit {
        PQfinish(connection)
    }

    /// Rows fetched per round trip by `stream`.
    static let streamBatch = 5_000
    private var cursors = 0

    /// A number for the next cursor of this connection.
    func nextCursorNumber() -> Int {
        cursors += 1
        return cursors
    }

    /// The server's version number (e.g. 150018 for 15.18).
    package var serverVersion: Int { Int(PQserverVersion(connection)) }

    /// The schema this connection's warehouse lives in (the URL's `search_path`, else `public`).
    package func currentSchema() throws -> String {
        try scalar("SELECT current_schema()").stringValue ?? "public"
    }

    /// Runs one or more statements with no parameters (DDL, SET, transaction control).
    package func execute(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result, sql: sql, accept: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
    }

    /// Runs one statement with bound values; returns the rows it changed.
    @discardableResult
    package func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let result = try executeParams(sql, values)
        defer { PQclear(result) }
        return Int(PostgresConnection.text(PQcmdTuples(result))) ?? 0
    }

    /// Runs a query and maps every row.
    package func query<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (PostgresRow) throws -> T) throws -> [T] {
        let result = try executeParams(sql, values)
        defer { PQclear(result) }
        let rows = PQntuples(result)
        var out: [T] = []
        out.reserveCapacity(Int(rows))
        for index in 0..<rows {
            out.append(try map(PostgresRow(result: result, row: index)))
        }
        return out
    }

    /// The first column of the first row, or `.null`.
    package func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue {
        try query(sql, values) { $0.value(0) }.first ?? .null
    }

    /// Whether a transaction is open on this connection.
    package var isInTransaction: Bool { PQtransactionStatus(connection) != PQTRANS_IDLE }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Inside an open transaction it is a savepoint: its failure undoes only its own work.
    @discardableResult
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        let nested = isInTransaction
        try execute(nested ? "SAVEPOINT ambassador_nested" : "BEGIN")
        do {
            let value = try body()
            try execute(nested ? "RELEASE SAVEPOINT ambassador_nested" : "COMMIT")
            return value
        } catch {
            for undo in nested ? ["ROLLBACK TO SAVEPOINT ambassador_nested", "RELEASE SAVEPOINT ambassador_nested"] : ["ROLLBACK"] {
                try? execute(undo)
            }
            throw error
        }
    }

    /// `name` quoted as an identifier by libpq (doubles embedded quotes).
    package func identifier(_ name: String) throws -> String {
        guard let escaped = PQescapeIdentifier(connection, name, name.utf8.count) else {
            throw WarehouseError.postgres(target: location.redacted, sqlState: "", message: PostgresConnection.text(PQerrorMessage(connection)),
                                          sql: "escape identifier")
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// `value` as a string literal by libpq; only for statements that take no parameters
    /// (SET), everything else binds.
    func literal(_ value: String) -> String {
        guard let escaped = PQescapeLiteral(connection, value, value.utf8.count) else { return "''" }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// `COPY table (columns) FROM STDIN` in text format: `rows` is called with a writer that
    /// takes one row of values at a time. Returns the rows the server took. An error in the
    /// middle ends the COPY with that error, so the server keeps none of it.
    @discardableResult
    package func copy(into table: String, columns: [String], _ rows: (PostgresCopyWriter) throws -> Void) throws -> Int {
        let names = try columns.map(identifier).joined(separator: ", ")
        let sql = "COPY \(try qualified(table)) (\(names)) FROM STDIN"
        let start = PQexec(connection, sql)
        let status = PQresultStatus(start)
        guard status == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql: sql, accept: [PGRES_COPY_IN])
            return 0
        }
        PQclear(start)
        let writer = PostgresCopyWriter(connection: connection, columns: columns.count)
        var failure: Error?
        do {
            try rows(writer)
            try writer.flush()
        } catch {
            failure = error
        }
        let ended = failure == nil ? PQputCopyEnd(connection, nil) : PQputCopyEnd(connection, "ambassador: \(failure.map { "\($0)" } ?? "")")
        guard ended == 1 else {
            throw WarehouseError.postgres(target: location.redacted, sqlState: "", message: PostgresConnection.text(PQerrorMessage(connection)), sql: sql)
        }
        // Drain every result; the first error wins.
        var taken = 0
        var serverError: Error?
        while let result = PQgetResult(connection) {
            do {
                try check(result, sql: sql, accept: [PGRES_COMMAND_OK])
                taken += Int(PostgresConnection.text(PQcmdTuples(result))) ?? 0
            } catch {
                if serverError == nil { serverError = error }
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if let serverError { throw serverError }
        return taken
    }

    /// `schema.table` or `table`, each part quoted.
    func qualified(_ name: String) throws -> String {
        try name.split(separator: ".", maxSplits: 1).map { try identifier(String($0)) }.joined(separator: ".")
    }

    // MARK: - Internals

    private func executeParams(_ sql: String, _ values: [SQLValue]) throws -> OpaquePointer? {
        // Text format: every value as its text form, NULL as a null pointer.
        let texts: [String?] = values.map(PostgresConnection.parameterText)
        let numbered = numberedParameters(sql)
        let result: OpaquePointer? = withCStrings(texts) { pointers in
            PQexecParams(connection, numbered, Int32(values.count), nil, pointers, nil, nil, 0)
        }
        do {
            try check(result, sql: sql, accept: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        } catch {
            PQclear(result)
            throw error
        }
        return result
    }

    static func parameterText(_ value: SQLValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let v): return String(v)
        // Shortest text that reads back as the same double (Swift's description round-trips).
        case .real(let v): return v.isNaN ? "NaN" : v.isInfinite ? (v > 0 ? "Infinity" : "-Infinity") : "\(v)"
        case .text(let v): return v
        }
    }

    private func check(_ result: OpaquePointer?, sql: String, accept: [ExecStatusType]) throws {
        guard let result else {
            throw WarehouseError.postgres(target: location.redacted, sqlState: "", message: PostgresConnection.text(PQerrorMessage(connection)), sql: sql)
        }
        let status = PQresultStatus(result)
        guard !accept.contains(status) else { return }
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue ?? 0)).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        // The server's DETAIL and HINT often say what the message alone does not: which key
        // already exists, which view depends on a table a migration drops.
        var message = field("M") ?? PostgresConnection.text(PQresultErrorMessage(result))
        if let detail = field("D") { message += " — " + detail }
        if let hint = field("H") { message += " (hint: " + hint + ")" }
        throw WarehouseError.postgres(target: location.redacted, sqlState: field("C") ?? "", message: message, sql: sql)
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Calls `body` with C strings for `strings` (nil stays a null pointer), alive for the call.
private func withCStrings<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { for pointer in owned { free(pointer) } }
    let pointers: [UnsafePointer<CChar>?] = owned.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// One row of a result, read by column number.
package struct PostgresRow {
    let result: OpaquePointer?
    let row: Int32

    package func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) == 1 }

    package func text(_ column: Int32) -> String? {
        guard !isNull(column), let value = PQgetvalue(result, row, column) else { return nil }
        return String(cString: value)
    }

    package func int(_ column: Int32) -> Int { Int(int64(column)) }

    /// The value as an integer; a boolean reads as 1 or 0, as SQLite stores one.
    package func int64(_ column: Int32) -> Int64 {
        guard let text = text(column) else { return 0 }
        if PQftype(result, column) == PostgresRow.boolean { return text == "t" ? 1 : 0 }
        return Int64(text) ?? 0
    }

    /// PostgreSQL's type number of `boolean`.
    static let boolean: Oid = 16

    /// The value's bytes as libpq holds them (no copy), valid while the result lives.
    package func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(column), let value = PQgetvalue(result, row, column) else { return nil }
        let count = Int(PQgetlength(result, row, column))
        // CChar and UInt8 may alias each other; the pointer is libpq's and outlives this call.
        return UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: count)
    }

    package func double(_ column: Int32) -> Double {
        guard let text = text(column) else { return 0 }
        if PQftype(result, column) == PostgresRow.boolean { return text == "t" ? 1 : 0 }
        return Double(text) ?? 0
    }

    /// The column as a typed value by its PostgreSQL type (integers, floats, numerics, text).
    package func value(_ column: Int32) -> SQLValue {
        guard let text = text(column) else { return .null }
        switch PQftype(result, column) {
        case 20, 21, 23: return Int64(text).map { .integer($0) } ?? .text(text)  // int8, int2, int4
        case 700, 701, 1700: return Double(text).map { .real($0) } ?? .text(text)  // float4, float8, numeric
        case PostgresRow.boolean: return .integer(text == "t" ? 1 : 0)
        default: return .text(text)
        }
    }

    package var columnCount: Int32 { PQnfields(result) }
}

/// Writes COPY rows in PostgreSQL's text format: tab between columns, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped. Buffered; sent in 256 KB chunks.
package final class PostgresCopyWriter {
    private let connection: OpaquePointer
    private let columns: Int
    /// Rows not yet sent.
    private var buffer = CopyRows()
    package private(set) var rows = 0

    init(connection: OpaquePointer, columns: Int) {
        self.connection = connection
        self.columns = columns
    }

    /// Appends one row; `values.count` must be the column count.
    package func write(_ values: [SQLValue]) throws {
        guard values.count == columns else {
            throw WarehouseError.postgres(target: "COPY", sqlState: "", message: "a row of \(values.count) values for \(columns) columns", sql: "COPY")
        }
        buffer.append(values)
        rows += 1
        if buffer.bytes.count >= 1 << 18 { try flush() }
    }

    /// Appends rows already encoded (each of the column count's values).
    package func write(_ encoded: CopyRows) throws {
        buffer.append(encoded)
        rows += encoded.count
        if buffer.bytes.count >= 1 << 18 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.bytes.withUnsafeBufferPointer { bytes in
            bytes.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { PQputCopyData(connection, $0, Int32(bytes.count)) }
            } ?? 1
        }
        guard sent == 1 else {
            throw WarehouseError.postgres(target: "COPY", sqlState: "", message: PostgresConnection.text(PQerrorMessage(connection)), sql: "COPY")
        }
        buffer.removeAll()
    }
}
