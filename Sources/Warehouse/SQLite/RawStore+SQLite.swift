/// The raw layer on SQLite: one TEXT column per vendor column; a file's rows are the rowid
/// range the manifest keeps (migration 3), so the tables need no index.
extension RawStore {
    /// Creates `table` with the lineage columns and `columns` (TEXT).
    package static func create(_ table: String, columns: [String], database: Database) throws {
        let definitions = (["_file_id INTEGER NOT NULL", "_record_no INTEGER NOT NULL"] + columns.map { Database.quote($0) + " TEXT" })
            .joined(separator: ", ")
        try database.execute("CREATE TABLE \(Database.quote(table)) (\(definitions))")
    }

    /// Adds the TEXT column `column` to `table` (a later export's new column).
    package static func addColumn(_ column: String, to table: String, database: Database) throws {
        try database.execute("ALTER TABLE \(Database.quote(table)) ADD COLUMN \(Database.quote(column)) TEXT")
    }

    static func sqliteRows(of file: FileRows, columns: [String?], table: String, database: any WarehouseConnection,
                           _ body: (any WarehouseRow) throws -> Void) throws {
        let list = columns.map { $0.map(Database.quote) ?? "NULL" }.joined(separator: ", ")
        try database.stream("""
            SELECT _record_no\(list.isEmpty ? "" : ", " + list) FROM \(Database.quote(table))
            WHERE rowid BETWEEN ? AND ? AND _file_id = ? ORDER BY rowid
            """, [.integer(file.firstRowID), .integer(file.lastRowID), .integer(file.fileID)], body)
    }

    static func sqliteDelete(_ file: FileRows, from table: String, database: any WarehouseConnection) throws {
        try database.run("DELETE FROM \(Database.quote(table)) WHERE rowid BETWEEN ? AND ? AND _file_id = ?",
                         [.integer(file.firstRowID), .integer(file.lastRowID), .integer(file.fileID)])
    }

    static func sqliteDelete(fileID: Int64, from table: String, database: any WarehouseConnection) throws {
        try database.run("""
            DELETE FROM \(Database.quote(table))
            WHERE rowid BETWEEN (SELECT raw_first_rowid FROM etl_source_file WHERE file_id = ?)
                            AND (SELECT raw_last_rowid FROM etl_source_file WHERE file_id = ?)
              AND _file_id = ?
            """, [.integer(fileID), .integer(fileID), .integer(fileID)])
    }

    static func sqliteSharedValues(of number: String, across id: String, in file: FileRows, table: String) -> (String, [SQLValue]) {
        let numberColumn = Database.quote(number), idColumn = Database.quote(id)
        return ("""
            SELECT trim(\(numberColumn)), \(distinctList(idColumn, .sqlite)) FROM \(Database.quote(table))
            WHERE rowid BETWEEN ? AND ? AND _file_id = ? AND \(idColumn) IS NOT NULL
            GROUP BY trim(\(numberColumn)) HAVING count(DISTINCT \(idColumn)) > 1
            """, [.integer(file.firstRowID), .integer(file.lastRowID), .integer(file.fileID)])
    }
}
