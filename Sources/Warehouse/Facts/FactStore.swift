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
