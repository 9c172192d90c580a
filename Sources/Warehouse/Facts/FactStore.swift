/// What the load stage asks of the staging and fact layers besides the merges themselves
/// (`TicketMerge`, `EventMerge`, `SurveyMerge`, `EmployeeHistory`): how many rows a file
/// staged, and which employee history the facts are attributed with. The load stage names
/// no table and writes no SQL; every statement on these layers lives in `Warehouse/Facts`.
package enum FactStore {
    /// Rows the files `fileIDs` staged in `table` (a staging table a merge type names).
    package static func stagedRows(in table: String, files fileIDs: [Int64], database: any WarehouseConnection) throws -> Int {
        guard !fileIDs.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: fileIDs.count).joined(separator: ", ")
        return try database.count("SELECT count(*) FROM \(table) WHERE file_id IN (\(marks))", fileIDs.map { .integer($0) })
    }

    /// The loaded files whose staged rows in `staging` hold a key a retraction took back — the
    /// `keys` columns, among the rows of the query `retracted` — in file order: the files a
    /// correction's taken-back rows come back from (tickets, events and survey responses alike).
    package static func loadedFiles(staging: String, holding keys: [String], in retracted: String,
                                    database: any WarehouseConnection) throws -> [Int64] {
        try database.rows("""
            SELECT DISTINCT s.file_id FROM \(staging) s JOIN etl_source_file f ON f.file_id = s.file_id
            WHERE f.status = \(Manifest.FileState.loaded.sql) AND (\(keys.map { "s." + $0 }.joined(separator: ", "))) IN (\(retracted))
            ORDER BY s.file_id
            """, []) { $0.int64(0) }
    }

    /// Distinct employees the roster history knows.
    package static func employeeCount(database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT count(DISTINCT employee_id) FROM dim_employee")
    }

    /// The fingerprint of the employee history tickets are attributed with (0: none yet).
    package static func employeeHistoryVersion(database: any WarehouseConnection) throws -> Int64 {
        try database.scalar(
            "SELECT CAST(value AS BIGINT) FROM etl_state WHERE source = 'load' AND key = 'employee_history_version'", []).intValue ?? 0
    }

    /// Records `fingerprint` as the current employee history, in the caller's transaction
    /// (the one that rebuilt it): tickets attributed with another are re-attributed.
    package static func recordEmployeeHistoryVersion(_ fingerprint: Int64, database: any WarehouseConnection) throws {
        try database.run("""
            INSERT INTO etl_state (source, key, value) VALUES ('load', 'employee_history_version', ?)
            ON CONFLICT (source, key) DO UPDATE SET value = excluded.value
            """, [.text(String(fingerprint))])
    }
}
