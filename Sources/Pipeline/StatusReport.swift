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
        var out = "Warehouse \(warehouse) (schema version \(try database.count("SELECT coalesce(max(version), 0) FROM etl_schema_version")))\n\n"
        out += "Last runs:\n"
        out += table(["run", "command", "run date", "started", "ended", "status", "exit"], try database.rows("""
            SELECT run_id, command, run_date, started_at, coalesce(ended_at, '-'), status, coalesce(CAST(exit_code AS TEXT), '-')
            FROM etl_run ORDER BY run_id DESC LIMIT ?
            """, [.integer(Int64(runs))]) { row in (0..<7).map { row.value(Int32($0)).stringValue ?? "" } })
        if let last = try database.scalar("SELECT max(run_id) FROM etl_run", []).intValue {
            out += "\nStages of run \(last):\n"
            out += table(["stage", "source", "status", "read", "written", "rejected", "files done/unchanged/failed"], try database.rows("""
                SELECT stage, source, status, rows_read, rows_written, rows_rejected,
                       CAST(files_done AS TEXT) || '/' || CAST(files_skipped AS TEXT) || '/' || CAST(files_failed AS TEXT)
                FROM etl_stage_run WHERE run_id = ? ORDER BY stage_run_id
                """, [.integer(last)]) { row in (0..<7).map { row.value(Int32($0)).stringValue ?? "" } })
            if let message = try database.scalar("SELECT message FROM etl_run WHERE run_id = ?", [.integer(last)]).stringValue {
                out += "  message: \(message)\n"
            }
        }
        out += "\nFiles by source and status:\n"
        out += table(["source", "status", "files", "records", "rejected"], try database.rows("""
            SELECT source, status, count(*), CAST(sum(records) AS BIGINT), CAST(sum(rejected) AS BIGINT) FROM etl_source_file GROUP BY source, status ORDER BY source, status
            """, []) { row in (0..<5).map { row.value(Int32($0)).stringValue ?? "" } })
        let failed = try database.rows("SELECT path, error FROM etl_source_file WHERE status = \(Manifest.FileState.failed.sql) ORDER BY file_id DESC LIMIT 10", []) {
            "  \($0.text(0) ?? ""): \($0.text(1) ?? "")"
        }
        if !failed.isEmpty { out += "Failed files:\n" + failed.joined(separator: "\n") + "\n" }
        // Extracted files normalize could not stage yet for a reason not their own (a file to
        // read again that is gone from the inbox, a correction waiting for another file).
        let waiting = try database.rows("""
            SELECT path, error FROM etl_source_file WHERE status = \(Manifest.FileState.extracted.sql) AND error IS NOT NULL
            ORDER BY file_id DESC LIMIT 10
            """, []) { "  \($0.text(0) ?? ""): \($0.text(1) ?? "")" }
        if !waiting.isEmpty { out += "Files waiting to be staged:\n" + waiting.joined(separator: "\n") + "\n" }
        out += "\nRejected rows by reason (top 10):\n"
        out += table(["source", "stage", "field", "reason", "rows"], try RejectLog.largestGroups(run: nil, limit: 10, database: database).map {
            [$0.source, $0.stage, $0.field, $0.reason, String($0.rows)]
        })
        out += "\nData checks (latest):\n"
        out += table(["check", "table", "severity", "failing", "sample keys"], try database.rows("""
            SELECT name, table_name, severity, failing_rows, coalesce(sample_keys, '') FROM etl_check
            WHERE run_id = (SELECT max(run_id) FROM etl_check) ORDER BY failing_rows = 0, severity, name
            """, []) { row in (0..<5).map { row.value(Int32($0)).stringValue ?? "" } })
        // Columns nothing maps, per source (its latest normalized file).
        let columns = try database.rows("""
            SELECT f.source, m.value FROM etl_file_metadata m JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.key = 'columns/unmapped' AND f.file_id = (SELECT max(g.file_id) FROM etl_source_file g
                JOIN etl_file_metadata n ON n.file_id = g.file_id AND n.key = 'columns/unmapped' WHERE g.source = f.source)
            ORDER BY f.source
            """, []) { "  \($0.text(0) ?? ""): \($0.text(1) ?? "")" }
        if !columns.isEmpty {
            out += "\nColumns nothing maps (count: names; map one under sources.<name>.fields if it is needed):\n" + columns.joined(separator: "\n") + "\n"
        }
        // Vendor words the canonical vocabularies do not know, in the files that count.
        let unmapped = try database.rows("""
            SELECT f.source, substr(m.key, 10) AS what, sum(CAST(m.value AS INTEGER)) FROM etl_file_metadata m
            JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.key LIKE 'unmapped/%' AND f.status IN (\(Manifest.FileState.sqlList([.normalized, .loaded])))
            GROUP BY f.source, what ORDER BY 3 DESC, 1, 2 LIMIT 20
            """, []) { row -> [String] in
            let what = row.text(1) ?? ""
            let slash = what.firstIndex(of: "/") ?? what.endIndex
            return [row.text(0) ?? "", String(what[..<slash]), slash < what.endIndex ? String(what[what.index(after: slash)...]) : "", String(row.int(2))]
        }
        if !unmapped.isEmpty {
            out += "\nValues not in the canonical vocabulary (stored as NULL, event kinds as other; map them under sources.<name>.values):\n"
            out += table(["source", "field", "value", "rows"], unmapped)
        }
        let changes = try database.rows("""
            SELECT c.source, c.column_name, f.path FROM etl_schema_change c LEFT JOIN etl_source_file f ON f.file_id = c.file_id
            ORDER BY c.change_id DESC LIMIT 20
            """, []) { "  \($0.text(0) ?? ""): new column '\($0.text(1) ?? "")' from \($0.text(2) ?? "")" }
        if !changes.isEmpty { out += "\nSchema changes:\n" + changes.joined(separator: "\n") + "\n" }
        out += "\nRows:\n"
        var sizes: [[String]] = []
        for name in ["dim_employee", "dim_team", "dim_agent_identity", "dim_customer", "fact_ticket", "fact_ticket_event",
                     "fact_customer_event", "fact_survey_response", "fact_survey_answer", "score_agent_period", "etl_reject"] {
            if try database.relationExists(name) {
                sizes.append([name, String(try database.count("SELECT count(*) FROM \(database.quoted(name))"))])
            }
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
