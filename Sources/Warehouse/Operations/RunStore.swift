import AmbassadorCore

/// The run ledger's tables: `etl_run` (one row per command) and `etl_stage_run` (one row per
/// stage and source). Written in small autocommitted statements so that a crash leaves what
/// was done; read by `status`, `status --json` and the run results file.
package enum RunStore {
    /// One run as the ledger holds it.
    package struct Run: Sendable {
        package var runID: Int64
        package var command: String, arguments: String, runDate: String, startedAt: String
        package var endedAt: String?
        package var status: String
        package var exitCode: Int?
        package var message: String?
    }

    /// One stage's counts for one source.
    package struct Stage: Sendable {
        package var stage: String, source: String, status: String, startedAt: String
        package var endedAt: String?
        package var read: Int, written: Int, rejected: Int
        package var filesDone: Int, filesUnchanged: Int, filesFailed: Int
        package var message: String?
    }

    /// Records a new run as `running`; runs left `running` by a killed process become `interrupted`.
    package static func begin(command: String, arguments: [String], runDate: CivilDate, startedAt: String, pid: Int32,
                              database: any WarehouseConnection) throws -> Int64 {
        try database.transaction {
            try database.run("UPDATE etl_run SET status = 'interrupted', message = 'the process ended without finishing (killed or crashed)' WHERE status = 'running'", [])
            return try database.insertReturningKey("""
                INSERT INTO etl_run (command, arguments, run_date, pid, started_at, status) VALUES (?, ?, ?, ?, ?, 'running') RETURNING run_id
                """, [.text(command), .text(arguments.joined(separator: " ")), .text(runDate.description), .integer(Int64(pid)), .text(startedAt)])
        }
    }

    /// Records one stage's counts per source (one row with an empty source when none).
    package static func stage(runID: Int64, stage: String, counts: [StageCounts], startedAt: String, endedAt: String, status: String,
                              database: any WarehouseConnection) throws {
        try database.transaction {
            for c in counts.isEmpty ? [StageCounts(source: "")] : counts {
                try database.run("""
                    INSERT INTO etl_stage_run (run_id, stage, source, started_at, ended_at, status, rows_read, rows_written,
                                               rows_rejected, files_done, files_skipped, files_failed, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [
                    .integer(runID), .text(stage), .text(c.source), .text(startedAt), .text(endedAt), .text(status),
                    .integer(Int64(c.rowsRead)), .integer(Int64(c.rowsWritten)), .integer(Int64(c.rowsRejected)),
                    .integer(Int64(c.filesDone)), .integer(Int64(c.filesSkipped)), .integer(Int64(c.filesFailed)),
                    SQLValue(c.messages.isEmpty ? nil : c.messages.joined(separator: "\n")),
                ])
            }
        }
    }

    /// Closes the run with its final status and exit code.
    package static func finish(runID: Int64, status: String, exitCode: Int32, endedAt: String, message: String?,
                               database: any WarehouseConnection) throws {
        try database.run("UPDATE etl_run SET status = ?, exit_code = ?, ended_at = ?, message = ? WHERE run_id = ?",
                         [.text(status), .integer(Int64(exitCode)), .text(endedAt), SQLValue(message), .integer(runID)])
    }

    private static let runColumns = "run_id, command, arguments, run_date, started_at, ended_at, status, exit_code, message"

    private static func run(_ row: any WarehouseRow) -> Run {
        Run(runID: row.int64(0), command: row.text(1) ?? "", arguments: row.text(2) ?? "", runDate: row.text(3) ?? "",
            startedAt: row.text(4) ?? "", endedAt: row.text(5), status: row.text(6) ?? "", exitCode: row.isNull(7) ? nil : row.int(7),
            message: row.text(8))
    }

    /// The latest `limit` runs, newest first.
    package static func latest(_ limit: Int, database: any WarehouseConnection) throws -> [Run] {
        try database.rows("SELECT \(runColumns) FROM etl_run ORDER BY run_id DESC LIMIT ?", [.integer(Int64(limit))], run)
    }

    /// The run `id`, if the ledger has it.
    package static func run(_ id: Int64, database: any WarehouseConnection) throws -> Run? {
        try database.rows("SELECT \(runColumns) FROM etl_run WHERE run_id = ?", [.integer(id)], run).first
    }

    /// The stages of run `id`, in the order they were recorded.
    package static func stages(of id: Int64, database: any WarehouseConnection) throws -> [Stage] {
        try database.rows("""
            SELECT stage, source, status, started_at, ended_at, rows_read, rows_written, rows_rejected, files_done, files_skipped,
                   files_failed, message
            FROM etl_stage_run WHERE run_id = ? ORDER BY stage_run_id
            """, [.integer(id)]) { row in
            Stage(stage: row.text(0) ?? "", source: row.text(1) ?? "", status: row.text(2) ?? "", startedAt: row.text(3) ?? "",
                  endedAt: row.text(4), read: row.int(5), written: row.int(6), rejected: row.int(7), filesDone: row.int(8),
                  filesUnchanged: row.int(9), filesFailed: row.int(10), message: row.text(11))
        }
    }
}
