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
        let labelled = try database.rows("SELECT source, item, lower(coalesce(label, item)) FROM dim_survey_item ORDER BY source, item") {
            (source: $0.text(0) ?? "", item: $0.text(1) ?? "", label: $0.text(2) ?? "")
        }.filter { customerSources.contains($0.source) }
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
        try database.execute("DROP TABLE IF EXISTS \(database.engine.temporary)ticket_rating")
        var parameters: [SQLValue] = []
        var averages: [String] = []
        for role in ScoreConfig.surveyItemRoles {
            let pairs = items[role] ?? []
            // Typed: PostgreSQL would make a bare NULL column text, which the outcome table's
            // double column will not take (SQLite reads DOUBLE PRECISION as REAL).
            guard !pairs.isEmpty else { averages.append("CAST(NULL AS DOUBLE PRECISION) AS \(role)"); continue }
            let condition = pairs.map { _ in "(a.source = ? AND a.item = ?)" }.joined(separator: " OR ")
            for pair in pairs { parameters += [.text(pair.source), .text(pair.item)] }
            averages.append("avg(CASE WHEN \(condition) THEN a.numeric_value END) AS \(role)")
        }
        try database.run("""
            CREATE TEMP TABLE ticket_rating AS
            SELECT r.ticket_id AS ticket_id, \(averages.joined(separator: ", ")), max(r.submitted_at) AS rated_at
            FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
            WHERE r.respondent_kind = 'customer' AND r.ticket_id IS NOT NULL AND a.answered = 1
            GROUP BY r.ticket_id
            """, parameters)
        try database.execute("CREATE UNIQUE INDEX \(database.engine.temporaryIndex("ticket_rating_ticket")) ON ticket_rating (ticket_id)")
        try analyzeTemporary(database, "ticket_rating")
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
        func cutoff(_ activity: String, from table: String) throws -> (cutoff: String?, outlier: String?) {
            let n = try database.count("SELECT count(*) FROM \(table)")
            guard n > 0 else { return (nil, nil) }
            let support = max(2, (n + 4999) / 5000)
            // The latest timestamps, newest first; the cut-off is found among the first few
            // thousand unless the data is all outliers.
            let latest = try database.rows("""
                SELECT ts FROM (SELECT \(activity) AS ts FROM \(table)) AS activity
                WHERE ts IS NOT NULL ORDER BY ts DESC LIMIT ?
                """, [.integer(Int64(support + 5000))]) { row -> (String, Int64) in
                let text = row.text(0) ?? ""
                guard let time = UTCTimestamp(text) else { throw ScoreError.timestamp(table: table, value: text) }
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
            let maximum = try database.scalar("SELECT max(\(activity)) FROM \(table)").stringValue
            return (chosen, maximum.flatMap { $0 > chosen ? $0 : nil })
        }
        let tickets = try cutoff("CASE WHEN updated_at > created_at THEN updated_at ELSE created_at END", from: "fact_ticket")
        let events = try cutoff("occurred_at", from: "fact_customer_event")
        return Cutoffs(tickets: tickets.cutoff, events: events.cutoff, ticketOutlier: tickets.outlier, eventOutlier: events.outlier)
    }

    /// Rebuilds `fact_ticket_outcome`; returns the rows written. REOPEN is timed where it
    /// can be: a ticket whose event log records reopens counts a reopen event up to the
    /// window after its resolution, and only that; a ticket whose log records none (a log of
    /// messages only, or no log) falls back to the export's reopen count, which has no time,
    /// so it counts "reopened at all" (the window then decides only completeness). REFERRAL counts a referral
    /// event or a relationship-survey answer saying the customer recommended us (needs
    /// `temp.relationship_recommended`, see `CustomerScores.buildRecommended`). Outcome windows
    /// end at `cutoffs` (see `cutoffs(database:)`).
    /// `temp.outcome_contact`: every ticket of a known customer, indexed for "did this customer
    /// come back" (REPEAT) and "how often before" (the linkage's prior contacts). Temporary
    /// tables belong to one connection: each connection that reads it builds its own.
    static func createContacts(database: any WarehouseConnection) throws {
        try database.execute("""
            DROP TABLE IF EXISTS \(database.engine.temporary)outcome_contact;
            CREATE TEMP TABLE outcome_contact AS
                SELECT customer_id, category, created_at, ticket_id FROM fact_ticket WHERE customer_id IS NOT NULL;
            CREATE INDEX \(database.engine.temporaryIndex("outcome_contact_key")) ON outcome_contact (customer_id, category, created_at);
            """)
        try analyzeTemporary(database, "outcome_contact")
    }

    /// PostgreSQL's autovacuum never analyses temporary tables: without statistics the
    /// planner guesses their size, so the stage gives it them. SQLite plans without.
    static func analyzeTemporary(_ database: any WarehouseConnection, _ table: String) throws {
        if database.engine == .postgresql { try database.execute("ANALYZE \(table)") }
    }

    static func rebuild(database: any WarehouseConnection, config: PipelineConfig, cutoffs: Cutoffs) throws -> Int {
        func window(_ outcome: Outcome) -> Int { config.score.window(for: outcome) }
        func plusDays(_ column: String, _ days: Int) -> String { database.engine.plusDays(column, days) }
        try createContacts(database: database)
        try database.execute("DELETE FROM fact_ticket_outcome")
        // Bound once each (never spliced): ?1 the ticket cut-off, ?2 the customer-event cut-off
        // (typed, as PostgreSQL cannot tell the type of a parameter only tested for NULL).
        let ticketCutoff = "coalesce(CAST(?1 AS TEXT), '')"
        let eventCutoff = "CAST(?2 AS TEXT)"
        /// 1 when one of `kinds` of customer event follows the resolution within `days` (or
        /// `alternative` holds), 0 when not, NULL when the window is not complete at the cut-off.
        func eventWithin(_ kinds: [CustomerEvent], _ days: Int, orElse alternative: String = "FALSE") -> String {
            let list = kinds.sqlList
            return """
                CASE WHEN \(eventCutoff) IS NULL OR \(plusDays("t.resolved_at", days)) > \(eventCutoff) THEN NULL
                     ELSE CAST((EXISTS (SELECT 1 FROM fact_customer_event e WHERE e.customer_id = t.customer_id AND e.event IN (\(list))
                                  AND e.occurred_at > t.resolved_at AND e.occurred_at <= \(plusDays("t.resolved_at", days)))
                                OR \(alternative)) AS INTEGER) END
                """
        }
        func ticketWindow(_ days: Int, _ condition: String) -> String {
            "CASE WHEN \(plusDays("t.resolved_at", days)) > \(ticketCutoff) THEN NULL ELSE CAST((\(condition)) AS INTEGER) END"
        }
        let repeatDays = window(.repeat)
        let reopenDays = window(.reopen)
        let escalateDays = window(.escalate)
        return try database.run("""
            INSERT INTO fact_ticket_outcome (ticket_id, customer_id, employee_id, team_id, created_at, resolved_at, category,
                repeat, reopen, escalate, churn, renew, referral, csat, effort, nps, cx_emp)
            SELECT t.ticket_id, t.customer_id, t.first_assignee_employee_id, t.team_id, t.created_at, t.resolved_at, t.category,
                CASE WHEN t.customer_id IS NULL THEN NULL ELSE \(ticketWindow(repeatDays, """
                    EXISTS (SELECT 1 FROM outcome_contact c WHERE c.customer_id = t.customer_id AND c.category IS NOT DISTINCT FROM t.category
                            AND c.created_at > t.resolved_at AND c.created_at <= \(plusDays("t.resolved_at", repeatDays))
                            AND c.ticket_id <> t.ticket_id)
                    """)) END,
                \(ticketWindow(reopenDays, """
                    CASE WHEN EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                                      AND v.event = '\(TicketEvent.reopened.rawValue)')
                         THEN EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                                      AND v.event = '\(TicketEvent.reopened.rawValue)' AND v.occurred_at <= \(plusDays("t.resolved_at", reopenDays)))
                         ELSE coalesce(t.reopens, 0) > 0 END
                    """)),
                \(ticketWindow(escalateDays, """
                    coalesce(t.escalated, 0) = 1 OR EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                        AND v.event = '\(TicketEvent.escalated.rawValue)'
                        AND v.occurred_at <= \(plusDays("t.resolved_at", escalateDays)))
                    """)),
                CASE WHEN t.customer_id IS NULL THEN NULL ELSE \(eventWithin([.cancellation], window(.churn))) END,
                CASE WHEN t.customer_id IS NULL THEN NULL ELSE \(eventWithin([.renewal, .purchase], window(.renew))) END,
                CASE WHEN t.customer_id IS NULL THEN NULL ELSE \(eventWithin([.referral], window(.referral), orElse: """
                    EXISTS (SELECT 1 FROM relationship_recommended m WHERE m.customer = lower(t.customer_id) AND m.submitted_at > t.resolved_at
                            AND m.submitted_at <= \(plusDays("t.resolved_at", window(.referral))))
                    """)) END,
                r.csat, r.effort, r.nps, r.cx_emp
            FROM fact_ticket t LEFT JOIN ticket_rating r ON r.ticket_id = t.ticket_id
            WHERE t.resolved_at IS NOT NULL AND t.resolved_at >= t.created_at
            ORDER BY t.ticket_id
            """, [SQLValue(cutoffs.tickets), SQLValue(cutoffs.events)])
    }
}
