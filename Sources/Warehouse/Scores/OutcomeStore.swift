import AmbassadorCore

/// The score stage's first layer: customer behaviour after each resolved ticket
/// (`fact_ticket_outcome`, SCORING.md §2) and the temporary relations it is built from —
/// per-ticket ratings, every customer's contacts, the relationship survey's "I recommended
/// you". Temporary relations belong to one connection: each connection that reads one
/// builds its own. The stage chooses items, windows and cut-offs; the SQL is here.
package enum OutcomeStore {
    /// A customer survey's item: the source and the item's key.
    package typealias Item = (source: String, item: String)

    /// Every survey item with its label (or key) lower-cased, by source and item.
    package static func itemLabels(database: any WarehouseConnection) throws -> [(source: String, item: String, label: String)] {
        try database.rows("SELECT source, item, lower(coalesce(label, item)) FROM dim_survey_item ORDER BY source, item") {
            (source: $0.text(0) ?? "", item: $0.text(1) ?? "", label: $0.text(2) ?? "")
        }
    }

    /// PostgreSQL's autovacuum never analyses temporary tables: without statistics the
    /// planner guesses their size, so they are given them. SQLite plans without.
    static func analyzeTemporary(_ database: any WarehouseConnection, _ table: String) throws {
        if database.engine == .postgresql { try database.execute("ANALYZE \(table)") }
    }

    /// Builds `temp.ticket_rating(ticket_id, <role>…, rated_at)`: per ticket, the average
    /// answer to each role's items (NULL for a role without items) and when it was rated.
    package static func buildRatings(roles: [(role: String, items: [Item])], database: any WarehouseConnection) throws {
        try database.execute("DROP TABLE IF EXISTS \(database.engine.temporary)ticket_rating")
        var parameters: [SQLValue] = []
        var averages: [String] = []
        for (role, pairs) in roles {
            // Typed: PostgreSQL would make a bare NULL column text, which the outcome table's
            // double column will not take (SQLite reads DOUBLE PRECISION as REAL).
            guard !pairs.isEmpty else { averages.append("CAST(NULL AS DOUBLE PRECISION) AS \(role)"); continue }
            let condition = pairs.map { _ in "(a.source = ? AND a.item = ?)" }.joined(separator: " OR ")
            for pair in pairs { parameters += [.text(pair.source), .text(pair.item)] }
            averages.append("avg(CASE WHEN \(condition) THEN a.numeric_value END) AS \(role)")
        }
        let columns = ["r.ticket_id AS ticket_id"] + averages + ["max(r.submitted_at) AS rated_at"]
        try database.run("""
            CREATE TEMP TABLE ticket_rating AS
            SELECT \(columns.joined(separator: ", "))
            FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
            WHERE r.respondent_kind = 'customer' AND r.ticket_id IS NOT NULL AND a.answered = 1
            GROUP BY r.ticket_id
            """, parameters)
        try database.execute("CREATE UNIQUE INDEX \(database.engine.temporaryIndex("ticket_rating_ticket")) ON ticket_rating (ticket_id)")
        try analyzeTemporary(database, "ticket_rating")
    }

    /// Builds `temp.relationship_recommended(customer, submitted_at)`: customers who told the
    /// relationship survey they recommended us (answer 1 to one of `items`), lower-cased ids.
    /// Empty without items.
    package static func buildRecommended(items: [Item], database: any WarehouseConnection) throws {
        try database.execute("DROP TABLE IF EXISTS \(database.engine.temporary)relationship_recommended")
        let text = database.engine.text
        try database.execute("CREATE TEMP TABLE relationship_recommended (customer \(text) NOT NULL, submitted_at \(text) NOT NULL)")
        if !items.isEmpty {
            let (did, parameters) = SurveyScoreStore.itemCondition(items)
            try database.run("""
                INSERT INTO relationship_recommended (customer, submitted_at)
                SELECT lower(r.respondent_id), r.submitted_at FROM fact_survey_response r
                JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
                WHERE (\(did)) AND a.numeric_value = 1 AND r.respondent_id IS NOT NULL AND r.submitted_at IS NOT NULL
                """, parameters)
        }
        try database.execute("CREATE INDEX \(database.engine.temporaryIndex("relationship_recommended_key")) ON relationship_recommended (customer, submitted_at)")
        try analyzeTemporary(database, "relationship_recommended")
    }

    /// What an outcome window is judged against: the tickets' activity (a ticket's
    /// `max(created_at, updated_at)`) or the customer events' times.
    package enum Activity: CaseIterable, Sendable {
        case tickets, customerEvents

        /// The table the timestamps come from (named in messages).
        package var table: String { self == .tickets ? "fact_ticket" : "fact_customer_event" }
        var expression: String { self == .tickets ? "CASE WHEN updated_at > created_at THEN updated_at ELSE created_at END" : "occurred_at" }
    }

    /// Rows that carry `activity`.
    package static func count(_ activity: Activity, database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT count(*) FROM \(activity.table)")
    }

    /// The latest `limit` timestamps of `activity`, newest first (NULLs left out).
    package static func latest(_ activity: Activity, limit: Int, database: any WarehouseConnection) throws -> [String] {
        try database.rows("""
            SELECT ts FROM (SELECT \(activity.expression) AS ts FROM \(activity.table)) AS activity
            WHERE ts IS NOT NULL ORDER BY ts DESC LIMIT ?
            """, [.integer(Int64(limit))]) { $0.text(0) ?? "" }
    }

    /// The latest timestamp of `activity`, if any.
    package static func maximum(_ activity: Activity, database: any WarehouseConnection) throws -> String? {
        try database.scalar("SELECT max(\(activity.expression)) FROM \(activity.table)").stringValue
    }

    /// The REPEAT rate by month of resolution over the tickets whose window is complete, and
    /// how many those are: `(month, rate, tickets)` by month (rate nil when none is complete).
    package static func repeatRateByMonth(database: any WarehouseConnection) throws -> [(period: String, rate: Double?, tickets: Int)] {
        try database.rows("""
            SELECT substr(resolved_at, 1, 7), avg(CAST(repeat AS DOUBLE PRECISION)), count(repeat) FROM fact_ticket_outcome GROUP BY 1 ORDER BY 1
            """) { ($0.text(0) ?? "", $0.isNull(1) ? nil : $0.double(1), $0.int(2)) }
    }

    /// What `temp.outcome_contact` is built for, which decides its index.
    package enum ContactUse {
        /// The outcome table (`rebuild`): "did this customer come back with the same category"
        /// (REPEAT), and a pass in customer order; the index holds the ticket and its
        /// resolution too, so that the pass reads nothing else.
        case outcomes
        /// The linkage's "how often before": the customer's contacts in a time range.
        case priorContacts
    }

    /// Builds `temp.outcome_contact`: every ticket of a known customer, indexed for `use`.
    /// Either index leads with the customer, so either serves the other's queries (more
    /// slowly): the linkage reads on a second connection with an index of its own, or — on
    /// PostgreSQL, or when that connection does not open — with the outcome table's.
    package static func createContacts(database: any WarehouseConnection, for use: ContactUse) throws {
        let key = use == .outcomes ? "customer_id, category, created_at, ticket_id, resolved_at" : "customer_id, created_at"
        try database.execute("""
            DROP TABLE IF EXISTS \(database.engine.temporary)outcome_contact;
            CREATE TEMP TABLE outcome_contact AS
                SELECT customer_id, category, created_at, ticket_id, resolved_at FROM fact_ticket WHERE customer_id IS NOT NULL;
            CREATE INDEX \(database.engine.temporaryIndex("outcome_contact_key")) ON outcome_contact (\(key));
            """)
        try analyzeTemporary(database, "outcome_contact")
    }

    /// Rebuilds `fact_ticket_outcome` (needs `temp.ticket_rating` and
    /// `temp.relationship_recommended`); returns the rows written. `window` gives each
    /// outcome's window in days; an outcome whose window ends after its cut-off
    /// (`ticketCutoff` for ticket-based outcomes, `eventCutoff` for customer events; no
    /// cut-off: no data) is NULL, never 0.
    ///
    /// REOPEN is timed where it can be: a ticket whose event log records reopens counts a
    /// reopen event up to the window after its resolution, and only that; a ticket whose log
    /// records none (a log of messages only, or no log) falls back to the export's reopen
    /// count, which has no time, so it counts "reopened at all" (the window then decides
    /// only completeness). REFERRAL counts a referral event or a relationship-survey answer
    /// saying the customer recommended us.
    package static func rebuild(window: (Outcome) -> Int, ticketCutoff: String?, eventCutoff: String?, database: any WarehouseConnection) throws -> Int {
        // Bound, never spliced: ?1 the ticket cut-off, ?2 the customer-event cut-off (typed, as
        // PostgreSQL cannot tell the type of a parameter only tested for NULL), ?3 … ?8 the
        // outcomes' windows in days, in `Outcome.allCases` order (every outcome has a window).
        let windowed = Outcome.allCases
        func days(_ outcome: Outcome) -> String { "?\((windowed.firstIndex(of: outcome) ?? windowed.count) + 3)" }
        func plusDays(_ column: String, _ outcome: Outcome) -> String { database.engine.plusDays(column, days: days(outcome)) }
        try createContacts(database: database, for: .outcomes)
        try database.execute("DELETE FROM fact_ticket_outcome")
        let ticketCutoffSQL = "coalesce(CAST(?1 AS TEXT), '')"
        let eventCutoffSQL = "CAST(?2 AS TEXT)"
        /// 1 when one of `kinds` of customer event follows the resolution within `days` (or
        /// `alternative` holds), 0 when not, NULL when the window is not complete at the cut-off.
        func eventWithin(_ kinds: [CustomerEvent], _ days: Outcome, orElse alternative: String = "FALSE") -> String {
            let list = kinds.sqlList
            return """
                CASE WHEN \(eventCutoffSQL) IS NULL OR \(plusDays("t.resolved_at", days)) > \(eventCutoffSQL) THEN NULL
                     ELSE CAST((EXISTS (SELECT 1 FROM fact_customer_event e WHERE e.customer_id = t.customer_id AND e.event IN (\(list))
                                  AND e.occurred_at > t.resolved_at AND e.occurred_at <= \(plusDays("t.resolved_at", days)))
                                OR \(alternative)) AS INTEGER) END
                """
        }
        func ticketWindow(_ days: Outcome, _ condition: String) -> String {
            "CASE WHEN \(plusDays("t.resolved_at", days)) > \(ticketCutoffSQL) THEN NULL ELSE CAST((\(condition)) AS INTEGER) END"
        }
        /// What each outcome counts, for the ticket `t` (the customer's outcomes assume a customer).
        func counted(_ outcome: Outcome) -> String {
            switch outcome {
            case .repeat:
                return ticketWindow(.repeat, """
                    EXISTS (SELECT 1 FROM outcome_contact c WHERE c.customer_id = t.customer_id AND c.category IS NOT DISTINCT FROM t.category
                            AND c.created_at > t.resolved_at AND c.created_at <= \(plusDays("t.resolved_at", .repeat))
                            AND c.ticket_id <> t.ticket_id)
                    """)
            case .reopen:
                return ticketWindow(.reopen, """
                    CASE WHEN EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                                      AND v.event = '\(TicketEvent.reopened.rawValue)')
                         THEN EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                                      AND v.event = '\(TicketEvent.reopened.rawValue)' AND v.occurred_at <= \(plusDays("t.resolved_at", .reopen)))
                         ELSE coalesce(t.reopens, 0) > 0 END
                    """)
            case .escalate:
                return ticketWindow(.escalate, """
                    coalesce(t.escalated, 0) = 1 OR EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                        AND v.event = '\(TicketEvent.escalated.rawValue)'
                        AND v.occurred_at <= \(plusDays("t.resolved_at", .escalate)))
                    """)
            case .churn:
                return eventWithin([.cancellation], .churn)
            case .renew:
                return eventWithin([.renewal, .purchase], .renew)
            case .referral:
                return eventWithin([.referral], .referral, orElse: """
                    EXISTS (SELECT 1 FROM relationship_recommended m WHERE m.customer = lower(t.customer_id) AND m.submitted_at > t.resolved_at
                            AND m.submitted_at <= \(plusDays("t.resolved_at", .referral)))
                    """)
            }
        }
        // The outcomes that follow the customer (NULL without one) rather than the ticket.
        let followCustomer: [Outcome] = [.repeat, .churn, .renew, .referral]
        let parameters: [SQLValue] = [SQLValue(ticketCutoff), SQLValue(eventCutoff)] + windowed.map { .integer(Int64(window($0))) }
        let resolved = "t.resolved_at IS NOT NULL AND t.resolved_at >= t.created_at"
        let inCustomerOrder = database.engine == .sqlite
        if inCustomerOrder {
            // On SQLite they are worked out first in customer order — a pass over
            // `outcome_contact`'s index, whose probes of the customer's later contacts and
            // events then follow the indexes' order — and joined to the tickets by id. Probed per
            // ticket in ticket order, each probe landed on a page of its own: at 10 M tickets
            // the outcome table took 12× its 1 M time, 38% of it in the kernel reading pages
            // SQLite's cache did not hold (15% at 1 M).
            try database.execute("DROP TABLE IF EXISTS temp.customer_outcome")
            try database.run("""
                CREATE TEMP TABLE customer_outcome AS
                SELECT t.ticket_id AS ticket_id, \(followCustomer.map { "\(counted($0)) AS \($0.column)" }.joined(separator: ", "))
                FROM outcome_contact t INDEXED BY outcome_contact_key
                WHERE \(resolved)
                ORDER BY t.customer_id, t.category, t.created_at
                """, parameters)
            // Covering, so the join in ticket order reads the index alone, in its order.
            try database.execute("""
                CREATE INDEX temp.customer_outcome_ticket ON customer_outcome (ticket_id, \(followCustomer.map(\.column).joined(separator: ", ")))
                """)
        }
        let outcomes = windowed.map { outcome -> String in
            guard followCustomer.contains(outcome) else { return counted(outcome) }
            return inCustomerOrder ? "o.\(outcome.column)" : "CASE WHEN t.customer_id IS NULL THEN NULL ELSE \(counted(outcome)) END"
        }
        let sql = """
            INSERT INTO fact_ticket_outcome (ticket_id, customer_id, employee_id, team_id, created_at, resolved_at, category,
                \(windowed.map(\.column).joined(separator: ", ")), csat, effort, nps, cx_emp)
            SELECT t.ticket_id, t.customer_id, t.first_assignee_employee_id, t.team_id, t.created_at, t.resolved_at, t.category,
                \(outcomes.joined(separator: ",\n    ")),
                r.csat, r.effort, r.nps, r.cx_emp
            FROM fact_ticket t LEFT JOIN ticket_rating r ON r.ticket_id = t.ticket_id
            \(inCustomerOrder ? "LEFT JOIN customer_outcome o ON o.ticket_id = t.ticket_id" : "")
            WHERE \(resolved)
            ORDER BY t.ticket_id
            """
        // SQLite binds no more parameters than a statement numbers: this one, without the
        // customer's outcomes, ends at the last window it still uses.
        let last = windowed.indices.filter { !inCustomerOrder || !followCustomer.contains(windowed[$0]) }.max() ?? 0
        let written = try database.run(sql, Array(parameters.prefix(last + 3)))
        if inCustomerOrder { try database.execute("DROP TABLE temp.customer_outcome") }
        return written
    }
}
