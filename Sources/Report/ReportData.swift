import AmbassadorCore
import Warehouse

/// Everything the report shows, read once from the warehouse with the anonymity rule
/// already applied: a team-period under the threshold carries no figure (not even its
/// respondent count), and every aggregate over teams is taken over the published teams
/// only, so that no suppressed value can be recovered by subtraction from a total.
package struct ReportData {
    package struct SourceHealth {
        package var name: String
        package var kind: String
        package var loaded = 0, failed = 0, records = 0, rejected = 0
        package var latestPartition: String?
        package var lastLoadedAt: String?
    }

    package struct TeamCell {
        package var period: String
        package var team: String
        /// nil when suppressed.
        package var respondents: Int?
        package var index: Double?
        package var legs: [Double?]
        package var netAmbassadorship: Double?
        package var shares: [Double?]
        package var rwg: Double?
        package var suppressed: Bool { respondents == nil }
    }

    package struct PeriodSummary {
        package var period: String
        package var teamsShown = 0, teamsSuppressed = 0, respondentsShown = 0
        /// Respondent-weighted mean index over the published teams.
        package var meanIndex: Double?
        package var icc1: Double?, icc2: Double?, rwgMedian: Double?
    }

    package struct EstimateRow {
        package var outcome: String, model: String, predictor: String
        package var estimate: Double?, oddsRatio: Double?, standardError: Double?, low: Double?, high: Double?
        package var p: Double?, q: Double?
        package var confirmatory: Bool
        package var tickets = 0, agents = 0, teams = 0, events = 0, parameters = 0
        package var method: String, exposure: String, outcomeWindow: String
        package var underpowered: Bool
        package var powerR20: Double?, powerR30: Double?
        package var status: String, note: String
        package var inputHash: String, settingsHash: String
    }

    package struct LiftRow {
        package var outcome: String, grouping: String, level: String
        package var teams = 0, tickets = 0, events = 0
        package var rate: Double?, low: Double?, high: Double?
    }

    package struct PredictiveRow {
        package var outcome: String, measure: String
        package var tickets = 0
        package var auc: Double?, low: Double?, high: Double?
    }

    package var threshold: Int
    package var sources: [SourceHealth] = []
    /// No source has a loaded file: a report of nothing, which must say so.
    package var nothingLoaded: Bool { sources.allSatisfy { $0.loaded == 0 } }
    /// What the data-health section says when nothing is loaded.
    package static let nothingLoadedNote = "No data is loaded yet: no source has a loaded file, so there is nothing to check or score — run `ambassador run` on the inbox first."
    /// Vendor words no vocabulary knew, in the files that count: (source, field, word, rows).
    package var unmappedValues: [(source: String, field: String, word: String, rows: Int)] = []
    package var failingChecks: [(name: String, table: String, severity: String, rows: Int)] = []
    package var employees = 0, teams = 0, tickets = 0, outcomeTickets = 0
    package var teamCells: [TeamCell] = []
    package var periods: [PeriodSummary] = []
    package var estimates: [EstimateRow] = []
    package var lift: [LiftRow] = []
    package var predictive: [PredictiveRow] = []
    /// Customer advocacy segments per period (relationship survey).
    package var advocacy: [(period: String, segment: String, customers: Int, share: Double)] = []
    /// REPEAT rate by month of resolution (tickets with a complete window).
    package var repeatTrend: [(period: String, rate: Double?, tickets: Int)] = []

    package var confirmatory: EstimateRow? { estimates.first { $0.confirmatory } }

    package static func load(database: any WarehouseConnection, config: PipelineConfig) throws -> ReportData {
        var data = ReportData(threshold: config.score.anonymityThreshold)
        for source in config.sources {
            var health = SourceHealth(name: source.name, kind: source.kind.rawValue)
            try database.stream("""
                SELECT count(CASE WHEN f.status = \(Manifest.FileState.loaded.sql) THEN 1 END), count(CASE WHEN f.status = \(Manifest.FileState.failed.sql) THEN 1 END),
                       coalesce(sum(CASE WHEN f.status <> \(Manifest.FileState.superseded.sql) THEN f.records END), 0),
                       coalesce(sum(CASE WHEN f.status <> \(Manifest.FileState.superseded.sql) THEN f.rejected END), 0),
                       max(CASE WHEN f.status = \(Manifest.FileState.loaded.sql) THEN f.partition_date END),
                       max(CASE WHEN f.status = \(Manifest.FileState.loaded.sql) THEN r.started_at END)
                FROM etl_source_file f LEFT JOIN etl_run r ON r.run_id = f.run_id WHERE f.source = ?
                """, [.text(source.name)]) { row in
                health.loaded = row.int(0)
                health.failed = row.int(1)
                health.records = row.int(2)
                health.rejected = row.int(3)
                health.latestPartition = row.text(4)
                health.lastLoadedAt = row.text(5)
            }
            data.sources.append(health)
        }
        data.unmappedValues = try database.rows("""
            SELECT f.source, substr(m.key, 10), sum(CAST(m.value AS INTEGER)) FROM etl_file_metadata m
            JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.key LIKE 'unmapped/%' AND f.status IN (\(Manifest.FileState.sqlList([.normalized, .loaded])))
            GROUP BY f.source, m.key ORDER BY 3 DESC, 1, 2 LIMIT 20
            """) { row in
            let what = row.text(1) ?? ""
            let slash = what.firstIndex(of: "/") ?? what.endIndex
            return (row.text(0) ?? "", String(what[..<slash]), slash < what.endIndex ? String(what[what.index(after: slash)...]) : "", row.int(2))
        }
        data.failingChecks = try database.rows("""
            SELECT name, table_name, severity, failing_rows FROM etl_check
            WHERE run_id = (SELECT max(run_id) FROM etl_check) AND failing_rows > 0 ORDER BY severity, name
            """) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", $0.int(3)) }
        data.employees = try database.count("SELECT count(DISTINCT employee_id) FROM dim_employee")
        data.teams = try database.count("SELECT count(*) FROM dim_team")
        data.tickets = try database.count("SELECT count(*) FROM fact_ticket")
        data.outcomeTickets = try database.count("SELECT count(*) FROM fact_ticket_outcome")

        var summaries: [String: PeriodSummary] = [:]
        var weighted: [String: (sum: Double, n: Double)] = [:]
        try database.stream("""
            SELECT period, team_id, respondents, suppressed, ambassador_index, company, value_proposition, customer,
                   net_ambassadorship, share_ambassador, share_positive, share_ambivalent, share_saboteur, rwg, icc1, icc2, rwg_median
            FROM score_team_period ORDER BY period, team_id
            """) { row in
            let period = row.text(0) ?? "", team = row.text(1) ?? ""
            let suppressed = row.int(3) == 1 || row.int(2) < data.threshold
            func value(_ i: Int32) -> Double? { suppressed || row.isNull(i) ? nil : row.double(i) }
            data.teamCells.append(TeamCell(period: period, team: team, respondents: suppressed ? nil : row.int(2), index: value(4),
                                           legs: [value(5), value(6), value(7)], netAmbassadorship: value(8),
                                           shares: [value(9), value(10), value(11), value(12)], rwg: value(13)))
            var summary = summaries[period] ?? PeriodSummary(period: period)
            if suppressed {
                summary.teamsSuppressed += 1
            } else {
                summary.teamsShown += 1
                summary.respondentsShown += row.int(2)
                if let index = value(4) {
                    let current = weighted[period] ?? (0, 0)
                    weighted[period] = (current.sum + index * Double(row.int(2)), current.n + Double(row.int(2)))
                }
            }
            summary.icc1 = row.isNull(14) ? nil : row.double(14)
            summary.icc2 = row.isNull(15) ? nil : row.double(15)
            summary.rwgMedian = row.isNull(16) ? nil : row.double(16)
            summaries[period] = summary
        }
        data.periods = summaries.keys.sorted().compactMap { period in
            guard var summary = summaries[period] else { return nil }
            if let w = weighted[period], w.n > 0 { summary.meanIndex = w.sum / w.n }
            return summary
        }

        data.estimates = try database.rows("""
            SELECT outcome, predictor, estimate, odds_ratio, std_error, ci_low, ci_high, p_value, q_value, confirmatory, tickets, agents,
                   teams, events, parameters, method, exposure_window, outcome_window, underpowered, power_r20, power_r30, status,
                   coalesce(note, ''), coalesce(input_hash, ''), coalesce(settings_hash, ''), model
            FROM linkage_estimate
            ORDER BY confirmatory DESC, CASE outcome WHEN 'REPEAT' THEN 0 WHEN 'REOPEN' THEN 1 WHEN 'ESCALATE' THEN 2 WHEN 'CHURN' THEN 3
                     WHEN 'RENEW' THEN 4 ELSE 5 END,
                     CASE model WHEN 'confirmatory' THEN 0 WHEN 'behaviour' THEN 1 WHEN 'joint' THEN 2 WHEN 'correlation' THEN 3 ELSE 4 END,
                     predictor, model
            """) { row in
            func optional(_ i: Int32) -> Double? { row.isNull(i) ? nil : row.double(i) }
            return EstimateRow(outcome: row.text(0) ?? "", model: row.text(25) ?? "", predictor: row.text(1) ?? "", estimate: optional(2), oddsRatio: optional(3),
                               standardError: optional(4), low: optional(5), high: optional(6), p: optional(7), q: optional(8),
                               confirmatory: row.int(9) == 1, tickets: row.int(10), agents: row.int(11), teams: row.int(12),
                               events: row.int(13), parameters: row.int(14), method: row.text(15) ?? "", exposure: row.text(16) ?? "",
                               outcomeWindow: row.text(17) ?? "", underpowered: row.int(18) == 1, powerR20: optional(19),
                               powerR30: optional(20), status: row.text(21) ?? "", note: row.text(22) ?? "",
                               inputHash: row.text(23) ?? "", settingsHash: row.text(24) ?? "")
        }
        data.lift = try database.rows("""
            SELECT outcome, grouping, level, teams, tickets, events, rate, ci_low, ci_high FROM linkage_segment_lift ORDER BY outcome, grouping, level
            """) { row in
            LiftRow(outcome: row.text(0) ?? "", grouping: row.text(1) ?? "", level: row.text(2) ?? "", teams: row.int(3), tickets: row.int(4),
                    events: row.int(5), rate: row.isNull(6) ? nil : row.double(6), low: row.isNull(7) ? nil : row.double(7),
                    high: row.isNull(8) ? nil : row.double(8))
        }
        data.predictive = try database.rows("SELECT outcome, measure, tickets, auc, ci_low, ci_high FROM linkage_predictive ORDER BY outcome, auc DESC, measure") { row in
            PredictiveRow(outcome: row.text(0) ?? "", measure: row.text(1) ?? "", tickets: row.int(2), auc: row.isNull(3) ? nil : row.double(3),
                          low: row.isNull(4) ? nil : row.double(4), high: row.isNull(5) ? nil : row.double(5))
        }
        data.advocacy = try database.rows("""
            SELECT period, segment, customers, share FROM score_customer_period
            ORDER BY period, CASE segment WHEN 'Advocates' THEN 0 WHEN 'Allegiants' THEN 1 WHEN 'Ambivalents' THEN 2 ELSE 3 END
            """) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.int(2), $0.double(3)) }
        data.repeatTrend = try database.rows("""
            SELECT substr(resolved_at, 1, 7), avg(CAST(repeat AS DOUBLE PRECISION)), count(repeat) FROM fact_ticket_outcome GROUP BY 1 ORDER BY 1
            """) { ($0.text(0) ?? "", $0.isNull(1) ? nil : $0.double(1), $0.int(2)) }
        return data
    }
}
