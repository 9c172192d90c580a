import AmbassadorCore
import Warehouse

/// Renders `report.md` from the warehouse: data health, then agent behaviour by team.
/// Pure: reads the database, returns text; writing the file is `ReportStage`'s job.
package enum MarkdownReport {
    package static func render(database: Database, context: StageContext) throws -> String {
        var out = "# \(escape(context.config.report.title))\n\n"
        out += "Run date: \(context.runDate). Warehouse: `\(context.config.warehouse)`.\n\n"

        out += "## Data health\n\n"
        out += "| source | files loaded | files failed | records | rejected rows |\n|---|---:|---:|---:|---:|\n"
        for source in context.config.sources {
            let row = try database.query("""
                SELECT coalesce(sum(status = 'loaded'), 0), coalesce(sum(status = 'failed'), 0),
                       coalesce(sum(CASE WHEN status <> 'superseded' THEN records END), 0),
                       coalesce(sum(CASE WHEN status <> 'superseded' THEN rejected END), 0)
                FROM etl_source_file WHERE source = ?
                """, [.text(source.name)]) { [$0.int(0), $0.int(1), $0.int(2), $0.int(3)] }.first ?? [0, 0, 0, 0]
            out += "| \(escape(source.name)) | \(row[0]) | \(row[1]) | \(row[2]) | \(row[3]) |\n"
        }
        let failing = try database.query("""
            SELECT name, table_name, severity, failing_rows FROM etl_check
            WHERE run_id = (SELECT max(run_id) FROM etl_check) AND failing_rows > 0 ORDER BY severity, name
            """) { "- **\($0.text(2) ?? "")** `\($0.text(0) ?? "")` on `\($0.text(1) ?? "")`: \($0.int(3)) rows\n" }
        out += failing.isEmpty ? "\nAll data checks pass.\n\n" : "\nFailing checks:\n\n" + failing.joined() + "\n"

        let employees = try database.count("SELECT count(DISTINCT employee_id) FROM dim_employee")
        let tickets = try database.count("SELECT count(*) FROM fact_ticket")
        let teams = try database.count("SELECT count(*) FROM dim_team")
        out += "Warehouse: \(employees) employees in \(teams) teams, \(tickets) tickets.\n\n"

        out += "## Agent behaviour by team and period\n\n"
        out += "Ownership (OWN: first assignee resolved with no reassignment) and transfers (XFER), "
        out += "shrunk toward the team mean with \(format(context.config.score.shrinkagePseudoTickets, 0)) pseudo-tickets.\n\n"
        let rows = try database.query("""
            SELECT period, team_id, count(*), sum(tickets), avg(own_shrunk), avg(xfer_shrunk)
            FROM score_agent_period GROUP BY period, team_id ORDER BY period, team_id
            """) { row in
            "| \(row.text(0) ?? "") | \(escape(row.text(1) ?? "")) | \(row.int(2)) | \(row.int(3)) | \(format(row.double(4), 3)) | \(format(row.double(5), 3)) |\n"
        }
        if rows.isEmpty {
            out += "No scored tickets yet.\n"
        } else {
            out += "| period | team | agents | tickets | mean OWN | mean XFER |\n|---|---|---:|---:|---:|---:|\n"
            out += rows.joined()
        }
        return out
    }

    /// Escapes text for a Markdown table cell.
    package static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|", "\\", "*", "_", "`", "[", "]", "<", ">": out.append("\\"); out.append(ch)
            case "\n", "\r": out.append(" ")
            default: out.append(ch)
            }
        }
        return out
    }

    /// Fixed-point formatting without Foundation's locale.
    package static func format(_ value: Double, _ digits: Int) -> String {
        fixedPoint(value, digits)
    }
}
