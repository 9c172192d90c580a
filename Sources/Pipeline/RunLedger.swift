import AmbassadorCore
import Warehouse

/// The run ledger: `etl_run` (one row per command) and `etl_stage_run` (one row per stage
/// and source). Written in small autocommitted statements so a crash leaves what was done.
package struct RunLedger {
    let database: any WarehouseConnection

    package init(database: any WarehouseConnection) {
        self.database = database
    }

    /// Records a new run as `running`; runs left `running` by a killed process become `interrupted`.
    package func begin(command: String, arguments: [String], runDate: CivilDate, startedAt: String, pid: Int32) throws -> Int64 {
        try database.transaction {
            try database.run("UPDATE etl_run SET status = 'interrupted', message = 'the process ended without finishing (killed or crashed)' WHERE status = 'running'", [])
            return try database.insertReturningKey("""
                INSERT INTO etl_run (command, arguments, run_date, pid, started_at, status) VALUES (?, ?, ?, ?, ?, 'running') RETURNING run_id
                """, [.text(command), .text(arguments.joined(separator: " ")), .text(runDate.description), .integer(Int64(pid)), .text(startedAt)])
        }
    }

    /// Records one stage's counts per source.
    package func stage(runID: Int64, stage: String, counts: [StageCounts], startedAt: String, endedAt: String, status: String) throws {
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
    package func finish(runID: Int64, status: String, exitCode: Int32, endedAt: String, message: String?) throws {
        try database.run("UPDATE etl_run SET status = ?, exit_code = ?, ended_at = ?, message = ? WHERE run_id = ?",
                         [.text(status), .integer(Int64(exitCode)), .text(endedAt), SQLValue(message), .integer(runID)])
    }
}
