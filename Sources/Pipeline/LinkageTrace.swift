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
        let estimates = try database.relationExists(table) ? try LinkageStore.estimates(database: database) : []
        let known = estimates.map { "\($0.outcome)/\($0.model)/\($0.predictor)" }.sorted()
        guard parts.count == 3 else {
            throw PipelineError.usage(message: "trace: '\(LogText.escaped(key))' is not a linkage estimate's key; expected OUTCOME/MODEL/PREDICTOR, e.g. \(known.first ?? "REPEAT/confirmatory/team_self_index")")
        }
        guard !known.isEmpty else {
            throw PipelineError.noInput(message: "\(database.target): no linkage estimates yet; expected a warehouse the score stage has written (ambassador run)")
        }
        let outcome = parts[0].uppercased(), model = parts[1], predictor = parts[2]
        guard let row = try Lineage.storedRow(of: table, matching: [("outcome", outcome), ("model", model), ("predictor", predictor)],
                                              database: database) else {
            throw PipelineError.noInput(message: "trace: linkage_estimate has no estimate '\(LogText.escaped(key))'; expected one of: \(known.joined(separator: ", "))")
        }
        let stored = Dictionary(row, uniquingKeysWith: { first, _ in first })
        var out = "linkage_estimate \(outcome)/\(model)/\(predictor)\n\n"
        out += "stored row:\n" + row.map { "  \($0.column): \(RowTrace.describe($0.value))" }.joined(separator: "\n") + "\n"

        // The run that fitted it (the linkage is refitted as a whole when its inputs change).
        let fitted = try Lineage.scoredBy(scope: "linkage", database: database).map { run in
            run.runID.map { "fitted by run \($0) (\(run.command), run date \(run.runDate), started \(run.startedAt))" }
                ?? "fitted by a run the ledger does not name"
        }
        out += "\n" + (fitted ?? "no record of the run that fitted it (score_state has no linkage entry)") + "\n"
        out += "  rows: \(number(stored["tickets"])) tickets, \(number(stored["agents"])) agents, \(number(stored["teams"])) teams (the clusters), "
            + "\(number(stored["events"])) with \(outcome) = 1; \(number(stored["parameters"])) parameters\n"

        // The waves: each closed employee survey whose team index is the exposure.
        let waves = try Lineage.waves(database: database).map { wave in
            "  \(wave.period), closed \(wave.closedAt): \(wave.indexed) of \(wave.teams) teams with an index, "
                + "\(wave.suppressed) suppressed (under the anonymity threshold of \(config.score.anonymityThreshold)), \(wave.respondents) respondents"
        }
        out += "\nsurvey waves (score_team_period; a ticket belongs to the latest wave that closed at least the lag before it opened):\n"
        out += waves.isEmpty ? "  none\n" : waves.joined(separator: "\n") + "\n"

        let siblings = estimates.filter { $0.outcome == outcome && $0.model == model && $0.predictor != predictor }
            .sorted { $0.predictor < $1.predictor }.map { e in
            "  \(e.predictor): estimate \(RowTrace.describe(SQLValue(e.estimate))), SE \(RowTrace.describe(SQLValue(e.standardError))), "
                + "p \(RowTrace.describe(SQLValue(e.pValue))), q \(RowTrace.describe(SQLValue(e.qValue)))\(e.confirmatory ? ", confirmatory" : ""), \(e.status)"
        }
        if !siblings.isEmpty { out += "\nthe other estimates of this model (fitted together):\n" + siblings.joined(separator: "\n") + "\n" }

        // The loaded files the facts and survey answers come from, by source.
        let files = try Lineage.loadedFiles(database: database).map { source in
            let first = source.firstPartition ?? "", last = source.lastPartition ?? ""
            let span = first.isEmpty ? "" : ", partitions \(first) to \(last)"
            return "  \(source.source): \(source.files) file(s)\(span), \(source.records) records"
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
