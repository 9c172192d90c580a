/// Appends many rows to one table on either engine: SQLite binds and steps one prepared
/// statement per row (`BulkInserter`, whose zero-copy binding stays available as `sqlite`);
/// PostgreSQL buffers rows and sends each batch by COPY. The caller's transaction holds them
/// all, and the caller must `finish()` before it reads the table or commits — a row still in
/// the buffer is not in the table.
package final class TableWriter {
    /// The SQLite path, for callers that bind values without copying them.
    package let sqlite: BulkInserter?
    private let postgres: PostgresConnection?
    private let table: String
    private let columns: [String]
    /// PostgreSQL: the rows not yet sent, encoded.
    private var pending = CopyRows()
    /// Rows per COPY.
    package static let batch = 5_000
    package private(set) var rowsWritten = 0

    package init(_ connection: any WarehouseConnection, table: String, columns: [String]) throws {
        self.table = table
        self.columns = columns
        if let database = connection as? Database {
            sqlite = try BulkInserter(database: database, table: table, columns: columns)
            postgres = nil
        } else if let server = connection as? PostgresConnection {
            sqlite = nil
            postgres = server
        } else {
            throw WarehouseError.notSupported(target: connection.target, message: "no table writer for this engine; expected SQLite or PostgreSQL")
        }
    }

    /// Appends one row (values in column order).
    package func insert(_ values: [SQLValue]) throws {
        rowsWritten += 1
        if let sqlite {
            try sqlite.insert(values)
            return
        }
        pending.append(values)
        if pending.count >= TableWriter.batch { try flush() }
    }

    /// Appends one row on PostgreSQL, its values encoded by `values` straight into the COPY
    /// text in column order (no `SQLValue` per value); the SQLite path binds instead.
    package func insertEncoded(_ values: (inout CopyRows) -> Void) throws {
        guard postgres != nil else {
            throw WarehouseError.notSupported(target: table, message: "rows encoded for COPY on a SQLite table writer; expected its binding path")
        }
        rowsWritten += 1
        values(&pending)
        pending.endRow()
        if pending.count >= TableWriter.batch { try flush() }
    }

    /// Sends what waits (PostgreSQL); nothing to do on SQLite.
    package func finish() throws {
        try flush()
    }

    private func flush() throws {
        guard let postgres, !pending.isEmpty else { return }
        defer { pending.removeAll() }
        try postgres.copy(into: table, columns: columns) { writer in
            try writer.write(pending)
        }
    }
}
