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
        guard let ledger = try RunStore.run(runID, database: database) else { return nil }
        var run: [String: Any] = ["run_id": Int(ledger.runID), "command": ledger.command, "arguments": ledger.arguments,
                                  "run_date": ledger.runDate, "started_at": ledger.startedAt, "status": ledger.status]
        run["ended_at"] = ledger.endedAt ?? NSNull()
        run["exit_code"] = ledger.exitCode ?? NSNull()
        run["message"] = ledger.message ?? NSNull()
        run["stages"] = try RunStore.stages(of: runID, database: database).map { stage -> [String: Any] in
            ["stage": stage.stage, "source": stage.source, "status": stage.status, "started_at": stage.startedAt,
             "ended_at": stage.endedAt ?? NSNull(), "rows_read": stage.read, "rows_written": stage.written, "rows_rejected": stage.rejected,
             "files_done": stage.filesDone, "files_unchanged": stage.filesUnchanged, "files_failed": stage.filesFailed,
             "message": stage.message ?? NSNull()]
        }
        // The largest groups; a reason naming its value makes one group per value, and a file
        // of 200 000 rejected dates once made this file 66 MB and its writer 500 MB.
        run["rejects"] = try RejectLog.largestGroups(run: runID, limit: listedRejectGroups, database: database).map { group -> [String: Any] in
            ["source": group.source, "stage": group.stage, "field": group.field, "reason": group.reason, "rows": group.rows]
        }
        let groups = try RejectLog.totals(run: runID, database: database)
        let listedRows = (run["rejects"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["rows"] as? Int) ?? 0) }
        run["rejects_not_listed"] = ["groups": max(0, groups.0 - listedRejectGroups), "rows": groups.1 - listedRows]
        run["checks"] = try DataChecks.recorded(run: runID, database: database).map { check -> [String: Any] in
            ["name": check.name, "table": check.table, "severity": check.severity, "failing_rows": check.failingRows,
             "sample_keys": check.sampleKeys]
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
        object["schema_version"] = try Migrator.currentVersion(database)
        let ids = try RunStore.latest(runs, database: database).map(\.runID)
        object["runs"] = try ids.compactMap { id -> [String: Any]? in
            guard var run = try RunResults.object(database: database, runID: id) else { return nil }
            // The list keeps each run's headline; the latest carries everything.
            for key in ["stages", "rejects", "checks"] { run.removeValue(forKey: key) }
            return run
        }
        if let latest = ids.first { object["latest"] = try RunResults.object(database: database, runID: latest) ?? NSNull() }
        object["files"] = try Manifest(database).tallies().map { tally -> [String: Any] in
            ["source": tally.source, "status": tally.state, "files": tally.files, "records": tally.records, "rejected": tally.rejected]
        }
        return try RunResults.text(object)
    }
}
