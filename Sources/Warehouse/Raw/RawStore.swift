/// The raw layer: `raw_<source>`, the vendor's columns as read, one row per record with
/// `_file_id` and `_record_no`. Extract creates and widens a source's table and writes it;
/// normalize reads a file's rows back and drops them once staged. On SQLite a table has one
/// TEXT column per vendor column and a file's rows are its manifest rowid range; on
/// PostgreSQL each record is one `jsonb` document (`record`, the vendor's names as keys),
/// since export headers outgrow its 63-byte identifiers and 1 600 columns. Each engine's SQL
/// is in its own folder (`SQLite/RawStore+SQLite.swift`, `Postgres/RawStore+Postgres.swift`);
/// what is here is what the two share.
package enum RawStore {
    /// Where one file's rows are: its id and, on SQLite, its rowid range.
    package struct FileRows: Sendable {
        package var fileID: Int64
        package var firstRowID: Int64
        package var lastRowID: Int64

        package init(fileID: Int64, firstRowID: Int64, lastRowID: Int64) {
            self.fileID = fileID
            self.firstRowID = firstRowID
            self.lastRowID = lastRowID
        }
    }

    /// Streams one file's rows of `table` in record order: `_record_no`, then the named
    /// columns (NULL for a nil name).
    package static func rows(of file: FileRows, columns: [String?], table: String, database: any WarehouseConnection,
                             _ body: (any WarehouseRow) throws -> Void) throws {
        switch database.engine {
        case .sqlite: try sqliteRows(of: file, columns: columns, table: table, database: database, body)
        case .postgresql: try postgresRows(of: file, columns: columns, table: table, database: database, body)
        }
    }

    /// Deletes one file's rows of `table` (once staged, unless the source keeps them).
    package static func delete(_ file: FileRows, from table: String, database: any WarehouseConnection) throws {
        switch database.engine {
        case .sqlite: try sqliteDelete(file, from: table, database: database)
        case .postgresql: try postgresDelete(fileID: file.fileID, from: table, database: database)
        }
    }

    /// Deletes the rows the manifest's file `fileID` has in `table`, wherever the manifest says
    /// they are (a file read again, or superseded), in the caller's transaction.
    package static func delete(fileID: Int64, from table: String, database: any WarehouseConnection) throws {
        switch database.engine {
        case .sqlite: try sqliteDelete(fileID: fileID, from: table, database: database)
        case .postgresql: try postgresDelete(fileID: fileID, from: table, database: database)
        }
    }

    /// The values of column `number` (spaces trimmed) that more than one distinct value of
    /// column `id` carries among one file's rows of `table`, each with those ids, sorted.
    package static func sharedValues(of number: String, across id: String, in file: FileRows, table: String,
                                     database: any WarehouseConnection) throws -> [String: [String]] {
        let (sql, values) = database.engine == .sqlite
            ? sqliteSharedValues(of: number, across: id, in: file, table: table)
            : postgresSharedValues(of: number, across: id, in: file, table: table, database: database)
        return sharedLists(try database.rows(sql, values) { ($0.text(0) ?? "", $0.text(1) ?? "") })
    }

    /// `group_concat(DISTINCT x)` in the engine's words (the values joined by commas).
    static func distinctList(_ expression: String, _ engine: WarehouseEngine) -> String {
        engine == .sqlite ? "group_concat(DISTINCT \(expression))" : "string_agg(DISTINCT \(expression), ',')"
    }

    private static func sharedLists(_ rows: [(String, String)]) -> [String: [String]] {
        Dictionary(rows.map { ($0.0, $0.1.split(separator: ",").map(String.init).sorted()) }, uniquingKeysWith: { first, _ in first })
    }

    /// `sharedValues` for a file whose rows are not stored: the caller writes each record's
    /// `(number, id)` — the number already trimmed — with the writer `pairs` hands it, in a
    /// temporary table of this connection emptied before and after.
    package static func sharedValues(database: any WarehouseConnection, _ pairs: (TableWriter) throws -> Void) throws -> [String: [String]] {
        // A temporary table (both engines look it up before the warehouse's own tables).
        let text = database.engine.text
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS file_pair (number \(text), id \(text)); DELETE FROM file_pair;")
        defer { try? database.execute("DELETE FROM file_pair") }
        let writer = try TableWriter(database, table: "file_pair", columns: ["number", "id"])
        try pairs(writer)
        try writer.finish()
        return sharedLists(try database.rows("""
            SELECT number, \(distinctList("id", database.engine)) FROM file_pair GROUP BY number HAVING count(DISTINCT id) > 1
            """, []) { ($0.text(0) ?? "", $0.text(1) ?? "") })
    }
}
