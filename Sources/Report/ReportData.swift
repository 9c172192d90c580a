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

    /// An outcome's rate in one group of tickets, as the linkage wrote it.
    package typealias LiftRow = LinkageStore.SegmentLift
    /// A measure's AUC for an outcome, as the linkage wrote it.
    package typealias PredictiveRow = LinkageStore.Predictive

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
        let manifest = Manifest(database)
        for source in config.sources {
            let health = try manifest.health(source: source.name)
            data.sources.append(SourceHealth(name: source.name, kind: source.kind.rawValue, loaded: health.loaded, failed: health.failed,
                                             records: health.records, rejected: health.rejected, latestPartition: health.latestPartition,
                                             lastLoadedAt: health.lastLoadedAt))
        }
        data.unmappedValues = try FileMetadata(database).unmappedValues(limit: 20)
        data.failingChecks = try DataChecks.recorded(run: nil, database: database).filter { $0.failingRows > 0 }
            .sorted { ($0.severity, $0.name) < ($1.severity, $1.name) }
            .map { ($0.name, $0.table, $0.severity, $0.failingRows) }
        data.employees = try FactStore.employeeCount(database: database)
        data.teams = try WarehouseCatalog.rowCount(of: "dim_team", database: database) ?? 0
        data.tickets = try WarehouseCatalog.rowCount(of: "fact_ticket", database: database) ?? 0
        data.outcomeTickets = try WarehouseCatalog.rowCount(of: "fact_ticket_outcome", database: database) ?? 0

        var summaries: [String: PeriodSummary] = [:]
        var weighted: [String: (sum: Double, n: Double)] = [:]
        for stored in try SurveyScoreStore.teamPeriods(database: database) {
            let period = stored.period, row = stored.row
            let suppressed = row.suppressed || row.respondents < data.threshold
            func shown(_ value: Double?) -> Double? { suppressed ? nil : value }
            data.teamCells.append(TeamCell(period: period, team: row.team, respondents: suppressed ? nil : row.respondents, index: shown(row.index),
                                           legs: row.legs.map(shown), netAmbassadorship: shown(row.netAmbassadorship),
                                           shares: row.shares.map(shown), rwg: shown(row.rwg)))
            var summary = summaries[period] ?? PeriodSummary(period: period)
            if suppressed {
                summary.teamsSuppressed += 1
            } else {
                summary.teamsShown += 1
                summary.respondentsShown += row.respondents
                if let index = row.index {
                    let current = weighted[period] ?? (0, 0)
                    weighted[period] = (current.sum + index * Double(row.respondents), current.n + Double(row.respondents))
                }
            }
            summary.icc1 = stored.icc1
            summary.icc2 = stored.icc2
            summary.rwgMedian = stored.rwgMedian
            summaries[period] = summary
        }
        data.periods = summaries.keys.sorted().compactMap { period in
            guard var summary = summaries[period] else { return nil }
            if let w = weighted[period], w.n > 0 { summary.meanIndex = w.sum / w.n }
            return summary
        }

        // The confirmatory test first, then by outcome, model and predictor.
        let outcomeOrder = Outcome.allCases.map(\.rawValue)
        let modelOrder = ["confirmatory", "behaviour", "joint", "correlation"]
        func rank(_ e: LinkageStore.Estimate) -> (Int, Int, Int) {
            (e.confirmatory ? 0 : 1, outcomeOrder.firstIndex(of: e.outcome) ?? outcomeOrder.count, modelOrder.firstIndex(of: e.model) ?? modelOrder.count)
        }
        data.estimates = try LinkageStore.estimates(database: database).sorted { a, b in
            rank(a) != rank(b) ? rank(a) < rank(b) : (a.predictor, a.model) < (b.predictor, b.model)
        }.map { e in
            EstimateRow(outcome: e.outcome, model: e.model, predictor: e.predictor, estimate: e.estimate, oddsRatio: e.oddsRatio,
                        standardError: e.standardError, low: e.low, high: e.high, p: e.pValue, q: e.qValue, confirmatory: e.confirmatory,
                        tickets: e.tickets, agents: e.agents, teams: e.teams, events: e.events, parameters: e.parameters, method: e.method,
                        exposure: e.exposureWindow, outcomeWindow: e.outcomeWindow, underpowered: e.underpowered, powerR20: e.powerR20,
                        powerR30: e.powerR30, status: e.status, note: e.note ?? "", inputHash: e.inputHash ?? "", settingsHash: e.settingsHash)
        }
        data.lift = try LinkageStore.segmentLifts(database: database)
        data.predictive = try LinkageStore.predictive(database: database)
        data.advocacy = try SurveyScoreStore.customerSegments(database: database)
        data.repeatTrend = try OutcomeStore.repeatRateByMonth(database: database)
        return data
    }
}
