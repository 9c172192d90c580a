/// `etl_reject`: the records a stage could not keep — run, stage, source, file, record
/// number, field, raw value and reason. A stage writes one file's rejects through one log;
/// what a reject may keep of its value (privacy) is the stage's decision, made before `add`.
package final class RejectLog {
    /// The stage that rejected the record.
    package enum Stage: String, CaseIterable, Sendable {
        case extract, normalize, load
    }

    private let writer: TableWriter
    /// run, stage, source, file and path: the same for every reject of the log.
    private let file: [SQLValue]
    package private(set) var count = 0

    /// Raw values are cut to this many characters (a whole ragged row can be one value).
    package static let rawValueLimit = 2_000

    package init(_ database: any WarehouseConnection, runID: Int64, stage: Stage, source: String, fileID: Int64, path: String) throws {
        writer = try TableWriter(database, table: "etl_reject", columns: [
            "run_id", "stage", "source", "file_id", "file_path", "record_no", "field", "raw_value", "reason",
        ])
        file = [.integer(runID), .text(stage.rawValue), .text(source), .integer(fileID), .text(path)]
    }

    /// One rejected record: its number in the file (line or element), the field at fault
    /// (nil: the record as a whole), the raw value kept (nil: none, or withheld) and why.
    package func add(recordNo: Int64, field: String?, raw: String?, reason: String) throws {
        try writer.insert(file + [.integer(recordNo), SQLValue(field), SQLValue(raw.map { String($0.prefix(RejectLog.rawValueLimit)) }),
                                  .text(reason)])
        count += 1
    }

    /// Sends the rejects that wait (PostgreSQL): before the file's transaction commits.
    package func finish() throws {
        try writer.finish()
    }

    /// Rejects found by a query over the stage's own tables, written in one statement: `select`
    /// gives source, file id, file path, record number, field, raw value and reason for each,
    /// in that order; its parameters are `values` (numbered from ?2: ?1 is the run). They are
    /// written in file and record order. Returns how many.
    @discardableResult
    package static func add(selected select: String, _ values: [SQLValue], runID: Int64, stage: Stage,
                            database: any WarehouseConnection) throws -> Int {
        try database.run("""
            INSERT INTO etl_reject (run_id, stage, source, file_id, file_path, record_no, field, raw_value, reason)
            SELECT CAST(?1 AS BIGINT), '\(stage.rawValue)', found.* FROM (\(select)) AS found ORDER BY 4, 6
            """, [.integer(runID)] + values)
    }

    /// Rejects counted by source, stage, field and reason.
    package struct Group: Sendable {
        package let source: String, stage: String, field: String, reason: String, rows: Int
    }

    /// The largest groups (of one run, or of all runs), most rows first.
    package static func largestGroups(run: Int64?, limit: Int, database: any WarehouseConnection) throws -> [Group] {
        try database.rows("""
            SELECT source, stage, coalesce(field, ''), reason, count(*) FROM etl_reject \(run == nil ? "" : "WHERE run_id = ?")
            GROUP BY source, stage, field, reason ORDER BY count(*) DESC, source, reason LIMIT \(limit)
            """, run.map { [.integer($0)] } ?? []) {
            Group(source: $0.text(0) ?? "", stage: $0.text(1) ?? "", field: $0.text(2) ?? "", reason: $0.text(3) ?? "", rows: $0.int(4))
        }
    }

    /// How many groups a run's rejects make, and how many rows they hold.
    package static func totals(run: Int64, database: any WarehouseConnection) throws -> (groups: Int, rows: Int) {
        try database.rows("""
            SELECT count(*), coalesce(sum(rows), 0) FROM (
                SELECT count(*) AS rows FROM etl_reject WHERE run_id = ? GROUP BY source, stage, field, reason) AS grouped
            """, [.integer(run)]) { (groups: $0.int(0), rows: $0.int(1)) }.first ?? (0, 0)
    }

    /// Forgets a file's rejects (it is read again, or replaced by its correction).
    package static func forget(file: Int64, database: any WarehouseConnection) throws {
        try database.run("DELETE FROM etl_reject WHERE file_id = ?", [.integer(file)])
    }
}
