import AmbassadorCore
import Warehouse

/// `ambassador trace linkage_estimate OUTCOME/MODEL/PREDICTOR`: where one linkage estimate
/// came from — the stored row, the run that fitted it, the survey waves and windows it was
/// fitted over (with how many teams each wave gave an index and how many it suppressed), the
/// other estimates of the same model, the loaded files behind the facts, and how to refit it
/// elsewhere from the exact rows. What an analyst asks when an estimate looks wrong.
enum LinkageTrace {
    static let table = "linkage_estimate"

    static func render(config: PipelineConfig, database: any WarehouseConnection, key: String) throws -> String {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let known = try database.relationExists(table)
            ? try database.rows("SELECT outcome || '/' || model || '/' || predictor FROM linkage_estimate ORDER BY 1", []) { $0.text(0) ?? "" }
            : []
        guard parts.count == 3 else {
            throw PipelineError.usage(message: "trace: '\(LogText.escaped(key))' is not a linkage estimate's key; expected OUTCOME/MODEL/PREDICTOR, e.g. \(known.first ?? "REPEAT/confirmatory/team_self_index")")
        }
        guard !known.isEmpty else {
            throw PipelineError.noInput(message: "\(database.target): no linkage estimates yet; expected a warehouse the score stage has written (ambassador run)")
        }
        let outcome = parts[0].uppercased(), model = parts[1], predictor = parts[2]
        let columns = try database.columnInfo(of: table).map(\.name)
        let rows = try database.rows("""
            SELECT \(columns.map { database.quoted($0) }.joined(separator: ", ")) FROM linkage_estimate
            WHERE outcome = ? AND model = ? AND predictor = ?
            """, [.text(outcome), .text(model), .text(predictor)]) { row in (0..<columns.count).map { row.value(Int32($0)) } }
        guard let row = rows.first else {
            throw PipelineError.noInput(message: "trace: linkage_estimate has no estimate '\(LogText.escaped(key))'; expected one of: \(known.joined(separator: ", "))")
        }
        let stored = Dictionary(uniqueKeysWithValues: zip(columns, row))
        var out = "linkage_estimate \(outcome)/\(model)/\(predictor)\n\n"
        out += "stored row:\n" + zip(columns, row).map { "  \($0): \(RowTrace.describe($1))" }.joined(separator: "\n") + "\n"

        // The run that fitted it (the linkage is refitted as a whole when its inputs change).
        let fitted = try database.rows("""
            SELECT s.scored_run_id, coalesce(r.command, ''), coalesce(r.run_date, ''), coalesce(r.started_at, '')
            FROM score_state s LEFT JOIN etl_run r ON r.run_id = s.scored_run_id WHERE s.scope = 'linkage'
            """, []) { row in
            row.isNull(0) ? "fitted by a run the ledger does not name"
                : "fitted by run \(row.int64(0)) (\(row.text(1) ?? ""), run date \(row.text(2) ?? ""), started \(row.text(3) ?? ""))"
        }
        out += "\n" + (fitted.first ?? "no record of the run that fitted it (score_state has no linkage entry)") + "\n"
        out += "  rows: \(number(stored["tickets"])) tickets, \(number(stored["agents"])) agents, \(number(stored["teams"])) teams (the clusters), "
            + "\(number(stored["events"])) with \(outcome) = 1; \(number(stored["parameters"])) parameters\n"

        // The waves: each closed employee survey whose team index is the exposure.
        let waves = try database.rows("""
            SELECT period, wave_closed_at, count(*), sum(CASE WHEN suppressed = 1 THEN 1 ELSE 0 END),
                   sum(CASE WHEN suppressed = 0 AND ambassador_index IS NOT NULL THEN 1 ELSE 0 END), sum(respondents)
            FROM score_team_period WHERE wave_closed_at IS NOT NULL
            GROUP BY period, wave_closed_at ORDER BY wave_closed_at, period
            """, []) { row in
            "  \(row.text(0) ?? ""), closed \(row.text(1) ?? ""): \(row.int(4)) of \(row.int(2)) teams with an index, "
                + "\(row.int(3)) suppressed (under the anonymity threshold of \(config.score.anonymityThreshold)), \(row.int(5)) respondents"
        }
        out += "\nsurvey waves (score_team_period; a ticket belongs to the latest wave that closed at least the lag before it opened):\n"
        out += waves.isEmpty ? "  none\n" : waves.joined(separator: "\n") + "\n"

        let siblings = try database.rows("""
            SELECT predictor, estimate, std_error, p_value, q_value, confirmatory, status FROM linkage_estimate
            WHERE outcome = ? AND model = ? AND predictor <> ? ORDER BY predictor
            """, [.text(outcome), .text(model), .text(predictor)]) { row in
            "  \(row.text(0) ?? ""): estimate \(RowTrace.describe(row.value(1))), SE \(RowTrace.describe(row.value(2))), "
                + "p \(RowTrace.describe(row.value(3))), q \(RowTrace.describe(row.value(4)))\(row.int(5) == 1 ? ", confirmatory" : ""), \(row.text(6) ?? "")"
        }
        if !siblings.isEmpty { out += "\nthe other estimates of this model (fitted together):\n" + siblings.joined(separator: "\n") + "\n" }

        // The loaded files the facts and survey answers come from, by source.
        let files = try database.rows("""
            SELECT source, count(*), coalesce(min(partition_date), ''), coalesce(max(partition_date), ''), sum(coalesce(records, 0))
            FROM etl_source_file WHERE status = \(Manifest.FileState.loaded.sql) GROUP BY source ORDER BY source
            """, []) { row in
            let span = (row.text(2) ?? "").isEmpty ? "" : ", partitions \(row.text(2) ?? "") to \(row.text(3) ?? "")"
            return "  \(row.text(0) ?? ""): \(row.int(1)) file(s)\(span), \(row.int64(4)) records"
        }
        out += "\nloaded files behind the facts (etl_source_file):\n" + (files.isEmpty ? "  none\n" : files.joined(separator: "\n") + "\n")

        // The regressions' rows can be written out and refitted; the correlation and the
        // reverse check are team-level summaries with no design of their own.
        let regression = ["confirmatory", "behaviour", "joint"].contains(model)
        let hash = stored["input_hash"]?.stringValue ?? ""
        out += "\nthe rows themselves:\n"
        if regression {
            out += hash.isEmpty ? "  no input_hash: the model was not fitted (see its status)\n"
                : "  input_hash \(hash): the SHA-256 of the design matrix, the outcomes and each row's ticket and team\n"
            out += """
                  ambassador score --export-designs DIR writes them as DIR/design_\(outcome)_\(model).csv (y, cluster, predictors)
                  to refit elsewhere, e.g. python3 Tests/ScoreTests/Golden/statsmodels_fit.py DIR/design_\(outcome)_\(model).csv

                """
        } else {
            out += "  a team-level \(model == "reverse" ? "check of the reverse direction" : "correlation"), not a regression: no design to export\n"
        }
        return out
    }

    private static func number(_ value: SQLValue?) -> String {
        value?.intValue.map(String.init) ?? "?"
    }
}
