import AmbassadorCore
import Warehouse

/// Customer behaviour after each resolved ticket (SCORING.md §2), written to
/// `fact_ticket_outcome`. An outcome whose window is not complete at the data cut-off is
/// NULL, never 0: the cut-off is the latest ticket timestamp for ticket-based outcomes and
/// the latest customer event for event-based ones.
enum Outcomes {
    /// The outcomes' names in their fixed order (the order of `LinkageData.Ticket.outcomes`).
    static let names = Outcome.allCases.map(\.rawValue)

    /// Customer-survey items per role (csat, effort, nps, cx_emp): from `score.survey_items`,
    /// else found by their question text in the customer survey sources.
    static func surveyItems(database: any WarehouseConnection, config: PipelineConfig) throws -> [String: [(source: String, item: String)]] {
        let customerSources = config.sources.filter { $0.kind == .survey && $0.respondent != .employee }.map(\.name)
        var out: [String: [(source: String, item: String)]] = [:]
        for role in ScoreConfig.surveyItemRoles {
            if let items = config.score.surveyItems[role] {
                out[role] = customerSources.flatMap { source in items.map { (source, $0) } }
            }
        }
        let labelled = try OutcomeStore.itemLabels(database: database).filter { customerSources.contains($0.source) }
        func find(_ role: String, _ words: [String]) {
            guard out[role] == nil else { return }
            out[role] = labelled.filter { row in words.contains { row.label.contains($0) } }.map { ($0.source, $0.item) }
        }
        find("cx_emp", ["cared about", "took ownership", "take ownership"])
        find("nps", ["recommend"])
        find("effort", ["easy", "effort"])
        find("csat", ["satisf"])
        return out
    }

    /// Builds the temporary per-ticket ratings table (`temp.ticket_rating`).
    static func buildRatings(database: any WarehouseConnection, config: PipelineConfig) throws {
        let items = try surveyItems(database: database, config: config)
        try OutcomeStore.buildRatings(roles: ScoreConfig.surveyItemRoles.map { ($0, items[$0] ?? []) }, database: database)
    }

    /// The data cut-offs outcome windows are judged at: for tickets, the latest ticket activity
    /// (a ticket's `max(created_at, updated_at)`), for customer events the latest event, that
    /// is *supported* — at least m = max(2, ⌈n / 5000⌉) timestamps (itself included) fall in the
    /// seven days up to it. A timestamp far ahead of the rest (a typo'd year that still passed
    /// validation) stands alone and is passed over; the dense end of the data is kept whole.
    /// It depends on the data alone, not on the run date (a rerun on another day agrees).
    struct Cutoffs: Equatable {
        var tickets: String?
        var events: String?
        /// The latest timestamps seen, when they lie beyond the cut-off (what was passed over).
        var ticketOutlier: String?
        var eventOutlier: String?
    }

    static func cutoffs(database: any WarehouseConnection) throws -> Cutoffs {
        func cutoff(_ activity: OutcomeStore.Activity) throws -> (cutoff: String?, outlier: String?) {
            let n = try OutcomeStore.count(activity, database: database)
            guard n > 0 else { return (nil, nil) }
            let support = max(2, (n + 4999) / 5000)
            // The latest timestamps, newest first; the cut-off is found among the first few
            // thousand unless the data is all outliers.
            let latest = try OutcomeStore.latest(activity, limit: support + 5000, database: database).map { text -> (String, Int64) in
                guard let time = UTCTimestamp(text) else { throw ScoreError.timestamp(table: activity.table, value: text) }
                return (text, time.epochSeconds)
            }
            guard !latest.isEmpty else { return (nil, nil) }
            // With no supported timestamp (a handful of tickets spread over months) there is
            // no bulk to stand apart from: the latest one is the cut-off.
            var chosen = latest[0].0
            search: for i in latest.indices {
                var j = i, count = 0
                while j < latest.count, latest[j].1 > latest[i].1 - 7 * 86_400 {
                    count += 1
                    if count >= support {
                        chosen = latest[i].0
                        break search
                    }
                    j += 1
                }
            }
            let maximum = try OutcomeStore.maximum(activity, database: database)
            return (chosen, maximum.flatMap { $0 > chosen ? $0 : nil })
        }
        let tickets = try cutoff(.tickets)
        let events = try cutoff(.customerEvents)
        return Cutoffs(tickets: tickets.cutoff, events: events.cutoff, ticketOutlier: tickets.outlier, eventOutlier: events.outlier)
    }

    /// Rebuilds `fact_ticket_outcome` with the configured windows, judged at `cutoffs` (see
    /// `cutoffs(database:)`); returns the rows written. Needs `temp.ticket_rating` and
    /// `temp.relationship_recommended` (`CustomerScores.buildRecommended`). What each outcome
    /// counts: `OutcomeStore.rebuild`.
    static func rebuild(database: any WarehouseConnection, config: PipelineConfig, cutoffs: Cutoffs) throws -> Int {
        try OutcomeStore.rebuild(window: { config.score.window(for: $0) }, ticketCutoff: cutoffs.tickets, eventCutoff: cutoffs.events,
                                 database: database)
    }
}
