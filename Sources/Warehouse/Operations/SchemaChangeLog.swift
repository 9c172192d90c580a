/// `etl_schema_change`: a column a source's export gained (a later export with a new column
/// is never fatal; it is recorded here and shown by `status`).
package enum SchemaChangeLog {
    /// Records that `source`'s `table` (a raw table, or `archive` for a source kept as files)
    /// gained `column` with `file`.
    package static func record(runID: Int64, source: String, table: String, column: String, file: Int64,
                               database: any WarehouseConnection) throws {
        try database.run("INSERT INTO etl_schema_change (run_id, source, table_name, column_name, file_id) VALUES (?, ?, ?, ?, ?)",
                         [.integer(runID), .text(source), .text(table), .text(column), .integer(file)])
    }

    /// The latest `limit` changes, newest first: `(source, column, path of the file)`.
    package static func latest(_ limit: Int, database: any WarehouseConnection) throws -> [(source: String, column: String, path: String)] {
        try database.rows("""
            SELECT c.source, c.column_name, f.path FROM etl_schema_change c LEFT JOIN etl_source_file f ON f.file_id = c.file_id
            ORDER BY c.change_id DESC LIMIT ?
            """, [.integer(Int64(limit))]) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "") }
    }
}
