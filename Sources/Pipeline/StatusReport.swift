import AmbassadorCore
import Foundation
import Warehouse

/// `ambassador status`: the last runs, their counts, the manifest, rejects, checks,
/// schema changes and table sizes, read without taking the lock (WAL lets it read during a run).
package enum StatusReport {
    /// A connection for reading the warehouse at `warehouse` (a SQLite path or a PostgreSQL
    /// URL); a SQLite file that is not there is no input (66), never created by reading.
    package static func openForReading(_ warehouse: String, command: String = "status") throws -> any WarehouseConnection {
        let location = WarehouseLocation(warehouse)
        if location.isPostgres { return try PostgresConnection(location, applicationName: "ambassador \(command)") }
        guard FileManager.default.fileExists(atPath: warehouse) else {
            throw PipelineError.noInput(message: "\(warehouse): no warehouse yet; expected one made by `ambassador run` (or `make nightly`)")
        }
        return try Database(path: warehouse, readOnly: true)
    }

    package static func render(warehouse location: String, runs: Int = 10) throws -> String {
        let database = try openForReading(location)
        let warehouse = database.target
        guard try database.relationExists("etl_run") else {
            return "\(warehouse): empty warehouse (no run yet)\n"
        }
        var out = "Warehouse \(warehouse) (schema version \(try Migrator.currentVersion(database)))\n\n"
        out += "Last runs:\n"
        let runs = try RunStore.latest(runs, database: database)
        out += table(["run", "command", "run date", "started", "ended", "status", "exit"], runs.map { run in
            [String(run.runID), run.command, run.runDate, run.startedAt, run.endedAt ?? "-", run.status, run.exitCode.map(String.init) ?? "-"]
        })
        if let last = try RunStore.latest(1, database: database).first {
            out += "\nStages of run \(last.runID):\n"
            out += table(["stage", "source", "status", "read", "written", "rejected", "files done/unchanged/failed"],
                         try RunStore.stages(of: last.runID, database: database).map { stage in
                [stage.stage, stage.source, stage.status, String(stage.read), String(stage.written), String(stage.rejected),
                 "\(stage.filesDone)/\(stage.filesUnchanged)/\(stage.filesFailed)"]
            })
            if let message = last.message { out += "  message: \(message)\n" }
        }
        let manifest = Manifest(database)
        out += "\nFiles by source and status:\n"
        out += table(["source", "status", "files", "records", "rejected"], try manifest.tallies().map {
            [$0.source, $0.state, String($0.files), String($0.records), String($0.rejected)]
        })
        let failed = try manifest.withReasons(in: .failed, limit: 10).map { "  \($0.path): \($0.reason)" }
        if !failed.isEmpty { out += "Failed files:\n" + failed.joined(separator: "\n") + "\n" }
        // Extracted files normalize could not stage yet for a reason not their own (a file to
        // read again that is gone from the inbox, a correction waiting for another file).
        let waiting = try manifest.withReasons(in: .extracted, limit: 10, reasonsOnly: true).map { "  \($0.path): \($0.reason)" }
        if !waiting.isEmpty { out += "Files waiting to be staged:\n" + waiting.joined(separator: "\n") + "\n" }
        out += "\nRejected rows by reason (top 10):\n"
        out += table(["source", "stage", "field", "reason", "rows"], try RejectLog.largestGroups(run: nil, limit: 10, database: database).map {
            [$0.source, $0.stage, $0.field, $0.reason, String($0.rows)]
        })
        out += "\nData checks (latest):\n"
        // Failing checks first, then by severity and name.
        let checks = try DataChecks.recorded(run: nil, database: database).sorted {
            ($0.failingRows == 0 ? 1 : 0, $0.severity, $0.name) < ($1.failingRows == 0 ? 1 : 0, $1.severity, $1.name)
        }
        out += table(["check", "table", "severity", "failing", "sample keys"], checks.map {
            [$0.name, $0.table, $0.severity, String($0.failingRows), $0.sampleKeys]
        })
        // Columns nothing maps, per source (its latest normalized file).
        let metadata = FileMetadata(database)
        let columns = try metadata.latestPerSource(key: "columns/unmapped").map { "  \($0.source): \($0.value)" }
        if !columns.isEmpty {
            out += "\nColumns nothing maps (count: names; map one under sources.<name>.fields if it is needed):\n" + columns.joined(separator: "\n") + "\n"
        }
        // Vendor words the canonical vocabularies do not know, in the files that count.
        let unmapped = try metadata.unmappedValues(limit: 20).map { [$0.source, $0.field, $0.word, String($0.rows)] }
        if !unmapped.isEmpty {
            out += "\nValues not in the canonical vocabulary (stored as NULL, event kinds as other; map them under sources.<name>.values):\n"
            out += table(["source", "field", "value", "rows"], unmapped)
        }
        let changes = try SchemaChangeLog.latest(20, database: database).map { "  \($0.source): new column '\($0.column)' from \($0.path)" }
        if !changes.isEmpty { out += "\nSchema changes:\n" + changes.joined(separator: "\n") + "\n" }
        out += "\nRows:\n"
        var sizes: [[String]] = []
        for name in ["dim_employee", "dim_team", "dim_agent_identity", "dim_customer", "fact_ticket", "fact_ticket_event",
                     "fact_customer_event", "fact_survey_response", "fact_survey_answer", "score_agent_period", "etl_reject"] {
            if let rows = try WarehouseCatalog.rowCount(of: name, database: database) { sizes.append([name, String(rows)]) }
        }
        out += table(["table", "rows"], sizes)
        return out
    }

    /// A plain aligned text table.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "  (none)\n" }
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], min(cell.count, 60)) }
        }
        func line(_ cells: [String]) -> String {
            "  " + cells.enumerated().map { i, cell in
                let text = cell.count > 60 ? String(cell.prefix(59)) + "…" : cell
                return i == cells.count - 1 ? text : text.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
