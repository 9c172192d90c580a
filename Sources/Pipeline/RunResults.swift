import AmbassadorCore
import Foundation
import Warehouse

/// The machine-readable result of a run (what dbt's `run_results.json` is to its users):
/// the run, every stage with timings and counts, rejected rows by source and reason, the
/// data checks and the exit code. Written after every run — succeeded, data rejected,
/// failed or interrupted — to `<warehouse folder>/runs/run-<id>.json` and `latest.json`,
/// and printed by `ambassador status --json`. Read from the run ledger, so the file and the
/// warehouse never disagree.
package enum RunResults {
    /// At most this many reject groups (source, stage, field, reason) are listed, the largest
    /// first; `rejects_not_listed` counts the others and their rows (etl_reject has them all).
    package static let listedRejectGroups = 100

    /// The results folder of a pipeline's warehouse (`runs/` in its local directory).
    package static func directory(config: PipelineConfig) -> String {
        config.localDirectory + "/runs"
    }

    /// One run's results as a JSON-ready dictionary; nil when the run is not in the ledger.
    package static func object(database: any WarehouseConnection, runID: Int64) throws -> [String: Any]? {
        let runs = try database.rows("""
            SELECT run_id, command, arguments, run_date, started_at, ended_at, status, exit_code, message FROM etl_run WHERE run_id = ?
            """, [.integer(runID)]) { row -> [String: Any] in
            var run: [String: Any] = ["run_id": row.int(0), "command": row.text(1) ?? "", "arguments": row.text(2) ?? "",
                                      "run_date": row.text(3) ?? "", "started_at": row.text(4) ?? "", "status": row.text(6) ?? ""]
            run["ended_at"] = row.text(5) ?? NSNull()
            run["exit_code"] = row.isNull(7) ? NSNull() : row.int(7)
            run["message"] = row.text(8) ?? NSNull()
            return run
        }
        guard var run = runs.first else { return nil }
        run["stages"] = try database.rows("""
            SELECT stage, source, status, started_at, ended_at, rows_read, rows_written, rows_rejected, files_done, files_skipped,
                   files_failed, message
            FROM etl_stage_run WHERE run_id = ? ORDER BY stage_run_id
            """, [.integer(runID)]) { row -> [String: Any] in
            ["stage": row.text(0) ?? "", "source": row.text(1) ?? "", "status": row.text(2) ?? "", "started_at": row.text(3) ?? "",
             "ended_at": row.text(4) ?? NSNull(), "rows_read": row.int(5), "rows_written": row.int(6), "rows_rejected": row.int(7),
             "files_done": row.int(8), "files_unchanged": row.int(9), "files_failed": row.int(10), "message": row.text(11) ?? NSNull()]
        }
        // The largest groups; a reason naming its value makes one group per value, and a file
        // of 200 000 rejected dates once made this file 66 MB and its writer 500 MB.
        run["rejects"] = try RejectLog.largestGroups(run: runID, limit: listedRejectGroups, database: database).map { group -> [String: Any] in
            ["source": group.source, "stage": group.stage, "field": group.field, "reason": group.reason, "rows": group.rows]
        }
        let groups = try RejectLog.totals(run: runID, database: database)
        let listedRows = (run["rejects"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["rows"] as? Int) ?? 0) }
        run["rejects_not_listed"] = ["groups": max(0, groups.0 - listedRejectGroups), "rows": groups.1 - listedRows]
        run["checks"] = try database.rows("""
            SELECT name, table_name, severity, failing_rows, coalesce(sample_keys, '') FROM etl_check WHERE run_id = ? ORDER BY check_id
            """, [.integer(runID)]) { row -> [String: Any] in
            ["name": row.text(0) ?? "", "table": row.text(1) ?? "", "severity": row.text(2) ?? "", "failing_rows": row.int(3),
             "sample_keys": row.text(4) ?? ""]
        }
        return run
    }

    /// Pretty, key-sorted JSON text of `object`.
    package static func text(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes `run-<id>.json` and `latest.json` (each replaced atomically, mode 0600 in a 0700
    /// folder: the arguments and messages may name paths). Returns the run file's path.
    @discardableResult
    package static func write(database: any WarehouseConnection, runID: Int64, folder: String) throws -> String? {
        guard let object = try object(database: database, runID: runID) else { return nil }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let text = try text(object)
        let path = folder + "/run-\(runID).json"
        for target in [path, folder + "/latest.json"] {
            let temporary = target + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw WarehouseError.fileSystem(path: temporary, message: "cannot write the run results; expected a writable folder beside the warehouse")
            }
            guard rename(temporary, target) == 0 else {
                throw WarehouseError.fileSystem(path: target, message: "cannot replace the run results (\(String(cString: strerror(errno))))")
            }
        }
        return path
    }
}

extension StatusReport {
    /// `status --json`: the warehouse, its schema version, the last runs, the latest run's
    /// full results (as in its results file) and the files by source and status.
    package static func json(warehouse location: String, runs: Int = 10) throws -> String {
        let database = try openForReading(location)
        var object: [String: Any] = ["warehouse": database.target]
        guard try database.relationExists("etl_run") else {
            object["runs"] = [Any]()
            return try RunResults.text(object)
        }
        object["schema_version"] = try database.count("SELECT coalesce(max(version), 0) FROM etl_schema_version")
        let ids = try database.rows("SELECT run_id FROM etl_run ORDER BY run_id DESC LIMIT ?", [.integer(Int64(runs))]) { $0.int64(0) }
        object["runs"] = try ids.compactMap { id -> [String: Any]? in
            guard var run = try RunResults.object(database: database, runID: id) else { return nil }
            // The list keeps each run's headline; the latest carries everything.
            for key in ["stages", "rejects", "checks"] { run.removeValue(forKey: key) }
            return run
        }
        if let latest = ids.first { object["latest"] = try RunResults.object(database: database, runID: latest) ?? NSNull() }
        object["files"] = try database.rows("""
            SELECT source, status, count(*), CAST(coalesce(sum(records), 0) AS BIGINT), CAST(coalesce(sum(rejected), 0) AS BIGINT)
            FROM etl_source_file GROUP BY source, status ORDER BY source, status
            """, []) { row -> [String: Any] in
            ["source": row.text(0) ?? "", "status": row.text(1) ?? "", "files": row.int(2), "records": row.int(3), "rejected": row.int(4)]
        }
        return try RunResults.text(object)
    }
}
