import AmbassadorCore

/// The survey side of the score stage: what the pulse and relationship surveys hold
/// (items, periods, answers) and the scores made of them — `score_team_period` (self-reported
/// ambassadorship per team and pulse period) and `score_customer_period` (customer advocacy
/// segments). The stage computes the scores; the SQL is here.
package enum SurveyScoreStore {
    /// `(condition, parameters)` matching any of `items` on answer alias `a`.
    static func itemCondition(_ items: [OutcomeStore.Item]) -> (String, [SQLValue]) {
        guard !items.isEmpty else { return ("FALSE", []) }
        return (items.map { _ in "(a.source = ? AND a.item = ?)" }.joined(separator: " OR "), items.flatMap { [.text($0.source), .text($0.item)] })
    }

    /// Responses of `source`; `tiedToTickets`: only those about a ticket.
    package static func responses(source: String, tiedToTickets: Bool = false, database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT count(\(tiedToTickets ? "ticket_id" : "*")) FROM fact_survey_response WHERE source = ?", [.text(source)])
    }

    /// The items of `source` with any numeric answer, in key order.
    package static func numericItems(source: String, database: any WarehouseConnection) throws -> [String] {
        try database.rows("""
            SELECT DISTINCT item FROM fact_survey_answer WHERE source = ? AND numeric_value IS NOT NULL ORDER BY item
            """, [.text(source)]) { $0.text(0) ?? "" }
    }

    /// The items of `source` in key order: each key, its label and key lower-cased together
    /// (what the stage searches for the item's meaning), and its highest numeric answer.
    package static func describedItems(source: String, database: any WarehouseConnection) throws -> [(item: String, text: String, maximum: Double?)] {
        try database.rows("""
            SELECT i.item, lower(coalesce(i.label, i.item) || ' ' || i.item), (SELECT max(numeric_value) FROM fact_survey_answer a
                WHERE a.source = i.source AND a.item = i.item)
            FROM dim_survey_item i WHERE i.source = ? ORDER BY i.item
            """, [.text(source)]) { row in (row.text(0) ?? "", row.text(1) ?? "", row.isNull(2) ? nil : row.double(2)) }
    }

    /// The periods (`kind`) in which `source` has dated responses, in order.
    package static func periods(source: String, kind: ScorePeriod, database: any WarehouseConnection) throws -> [String] {
        try database.rows("""
            SELECT DISTINCT \(kind.sql(column: "r.submitted_at")) FROM fact_survey_response r WHERE r.source = ? AND r.submitted_at IS NOT NULL ORDER BY 1
            """, [.text(source)]) { $0.text(0) ?? "" }
    }

    /// The latest response of `source` in `period`: when the wave closed.
    package static func closedAt(source: String, period: String, kind: ScorePeriod, database: any WarehouseConnection) throws -> String? {
        try database.scalar("SELECT max(r.submitted_at) FROM fact_survey_response r WHERE r.source = ? AND \(kind.sql(column: "r.submitted_at")) = ?",
                            [.text(source), .text(period)]).stringValue
    }

    /// Every answer on the 1–5 scale of `source`'s dated responses with a team in `period`,
    /// by response: `(response, team, item, value)`.
    package static func pulseAnswers(source: String, period: String, kind: ScorePeriod, database: any WarehouseConnection,
                                     _ body: (_ response: String, _ team: String, _ item: String, _ value: Double) throws -> Void) throws {
        try database.stream("""
            SELECT r.response_id, r.team_id, a.item, a.numeric_value
            FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
            WHERE r.source = ? AND r.team_id IS NOT NULL AND r.submitted_at IS NOT NULL AND \(kind.sql(column: "r.submitted_at")) = ?
              AND a.answered = 1 AND a.numeric_value BETWEEN 1 AND 5
            ORDER BY r.response_id
            """, [.text(source), .text(period)]) { row in
            guard let id = row.text(0), let team = row.text(1), let item = row.text(2) else { return }
            try body(id, team, item, row.double(3))
        }
    }

    /// One team's row of `score_team_period`. A suppressed team (under the anonymity
    /// threshold) carries its respondent count and no figure.
    package struct TeamPeriod {
        package var team: String
        package var respondents: Int
        package var suppressed: Bool
        /// The three legs' scores (company, value proposition, customer), 0–100.
        package var legs: [Double?] = [nil, nil, nil]
        package var index: Double?
        /// Shares of ambassadors, positives, ambivalents, saboteurs.
        package var shares: [Double?] = [nil, nil, nil, nil]
        package var netAmbassadorship: Double?
        package var rwg: Double?

        package init(team: String, respondents: Int, suppressed: Bool) {
            self.team = team
            self.respondents = respondents
            self.suppressed = suppressed
        }
    }

    /// Rewrites `score_team_period` for `period`: `teams`, with the period's ICC(1), ICC(2),
    /// median r_wg and wave closing time on every row.
    package static func writeTeamPeriod(_ period: String, teams: [TeamPeriod], icc1: Double?, icc2: Double?, rwgMedian: Double?, closedAt: String?,
                                        database: any WarehouseConnection) throws {
        try database.run("DELETE FROM score_team_period WHERE period = ?", [.text(period)])
        let insert = """
            INSERT INTO score_team_period (period, team_id, respondents, suppressed, company, value_proposition, customer,
                ambassador_index, share_ambassador, share_positive, share_ambivalent, share_saboteur, net_ambassadorship,
                rwg, icc1, icc2, rwg_median, wave_closed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        for team in teams {
            var values: [SQLValue] = [.text(period), .text(team.team), .integer(Int64(team.respondents)), .integer(team.suppressed ? 1 : 0)]
            values += team.legs.map { SQLValue($0) } + [SQLValue(team.index)] + team.shares.map { SQLValue($0) }
            values += [SQLValue(team.netAmbassadorship), SQLValue(team.rwg), SQLValue(icc1), SQLValue(icc2), SQLValue(rwgMedian), SQLValue(closedAt)]
            try database.run(insert, values)
        }
    }

    /// A stored team period with its period's figures, as `writeTeamPeriod` wrote it.
    package struct StoredTeamPeriod {
        package var period: String
        package var row: TeamPeriod
        package var icc1: Double?, icc2: Double?, rwgMedian: Double?
    }

    /// Every team period, by period then team. A row's figures are as stored: applying the
    /// anonymity threshold to what is shown is the reader's (a suppressed row has none anyway).
    package static func teamPeriods(database: any WarehouseConnection) throws -> [StoredTeamPeriod] {
        try database.rows("""
            SELECT period, team_id, respondents, suppressed, company, value_proposition, customer, ambassador_index,
                   share_ambassador, share_positive, share_ambivalent, share_saboteur, net_ambassadorship, rwg, icc1, icc2, rwg_median
            FROM score_team_period ORDER BY period, team_id
            """) { row in
            func optional(_ i: Int32) -> Double? { row.isNull(i) ? nil : row.double(i) }
            var team = TeamPeriod(team: row.text(1) ?? "", respondents: row.int(2), suppressed: row.int(3) == 1)
            team.legs = [optional(4), optional(5), optional(6)]
            team.index = optional(7)
            team.shares = [optional(8), optional(9), optional(10), optional(11)]
            team.netAmbassadorship = optional(12)
            team.rwg = optional(13)
            return StoredTeamPeriod(period: row.text(0) ?? "", row: team, icc1: optional(14), icc2: optional(15), rwgMedian: optional(16))
        }
    }

    /// The advocacy segments per period, in segment order (Advocates, Allegiants, Ambivalents,
    /// Alienated): `(period, segment, customers, share)`.
    package static func customerSegments(database: any WarehouseConnection) throws -> [(period: String, segment: String, customers: Int, share: Double)] {
        try database.rows("""
            SELECT period, segment, customers, share FROM score_customer_period
            ORDER BY period, CASE segment WHEN 'Advocates' THEN 0 WHEN 'Allegiants' THEN 1 WHEN 'Ambivalents' THEN 2 ELSE 3 END
            """) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.int(2), $0.double(3)) }
    }

    /// Rewrites `score_customer_period`: per period (`kind`) the share of customers in each
    /// advocacy segment (SCORING.md §2) — Advocates: likelihood to recommend 9–10 and they
    /// did recommend us; Allegiants 7 or more otherwise; Ambivalents 5–6; Alienated 0–4. A
    /// customer who answered `sources` twice in a period counts once, with their latest
    /// answer. Returns the rows written.
    package static func writeCustomerSegments(sources: [String], likelihood: [OutcomeStore.Item], recommended: [OutcomeStore.Item],
                                              kind: ScorePeriod, database: any WarehouseConnection) throws -> Int {
        try database.run("DELETE FROM score_customer_period")
        let (likely, likelyParameters) = itemCondition(likelihood)
        let (did, didParameters) = itemCondition(recommended)
        let sourceList = sources.map { _ in "?" }.joined(separator: ", ")
        return try database.run("""
            WITH answer AS (
                SELECT r.respondent_id AS customer, \(kind.sql(column: "r.submitted_at")) AS period, r.submitted_at AS submitted_at,
                       r.response_id AS response_id,
                       max(CASE WHEN \(likely) THEN a.numeric_value END) AS likelihood,
                       max(CASE WHEN \(did) THEN a.numeric_value END) AS recommended
                FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
                WHERE r.source IN (\(sourceList)) AND r.respondent_id IS NOT NULL AND r.submitted_at IS NOT NULL AND a.answered = 1
                GROUP BY r.source, r.response_id
            ),
            latest AS (
                SELECT customer, period, likelihood, recommended,
                       row_number() OVER (PARTITION BY customer, period ORDER BY submitted_at DESC, response_id DESC) AS n
                FROM answer WHERE likelihood IS NOT NULL
            ),
            segmented AS (
                SELECT period, CASE WHEN likelihood >= 9 AND coalesce(recommended, 0) = 1 THEN 'Advocates'
                                    WHEN likelihood >= 7 THEN 'Allegiants'
                                    WHEN likelihood >= 5 THEN 'Ambivalents' ELSE 'Alienated' END AS segment
                FROM latest WHERE n = 1
            )
            INSERT INTO score_customer_period (period, segment, customers, share)
            SELECT period, segment, count(*), CAST(count(*) AS DOUBLE PRECISION) / (SELECT count(*) FROM segmented s2 WHERE s2.period = s.period)
            FROM segmented s GROUP BY period, segment ORDER BY period, segment
            """, likelyParameters + didParameters + sources.map { .text($0) })
    }
}
