import AmbassadorCore

/// The behaviour side of the score stage: each ticket as its first assignee's work
/// (SCORING.md §1b), and `score_agent_period`, behavioural ambassadorship per agent and
/// ticket period. The stage computes the scores; the SQL is here.
package enum AgentScoreStore {
    /// The ticket periods (`kind`) with tickets, in order.
    package static func ticketPeriods(kind: ScorePeriod, database: any WarehouseConnection) throws -> [String] {
        try database.rows("SELECT DISTINCT \(kind.sql(column: "created_at")) FROM fact_ticket ORDER BY 1") { $0.text(0) ?? "" }
    }

    /// One ticket as its first assignee's work.
    package struct AgentTicket {
        package var employee: String
        package var team: String
        /// The case-mix cell: priority, channel and category.
        package var cell: String
        /// 1 when the first assignee solved it without a hand-off (OWN).
        package var owned: Double
        /// 1 when it was handed off and solved by someone else (XFER).
        package var transferred: Double
        package var resolved: Bool
        /// 1 when the first assignee wrote to the customer within two days after the
        /// resolution (FOLLOWUP); nil when the log has no messages for the ticket at all.
        package var followup: Double?
        /// The ticket survey's CX_EMP rating, if any.
        package var cx: Double?
    }

    /// The tickets created in [from, to) with a first assignee and a team, in opening order
    /// (then id: a total order, so that sums over them agree on both engines). Needs
    /// `temp.ticket_rating`. `asOf`: only what was known then — tickets resolved before it,
    /// follow-ups and ratings before it; nil: the tickets' current state.
    package static func tickets(from: String, to: String, asOf: String?, database: any WarehouseConnection,
                                _ body: (AgentTicket) throws -> Void) throws {
        try database.stream("""
            SELECT t.first_assignee_employee_id, t.team_id, coalesce(t.priority, '') || '|' || coalesce(t.channel, '') || '|' || coalesce(t.category, ''),
                   CAST((t.resolved_at IS NOT NULL AND t.resolver_employee_id = t.first_assignee_employee_id
                         AND coalesce(t.reassignments, 0) = 0) AS INTEGER),
                   CAST((coalesce(t.reassignments, 0) > 0 AND coalesce(t.resolver_employee_id, '') <> t.first_assignee_employee_id) AS INTEGER),
                   CAST((t.resolved_at IS NOT NULL) AS INTEGER),
                   CASE WHEN t.resolved_at IS NULL OR NOT EXISTS (SELECT 1 FROM fact_ticket_event v WHERE v.ticket_id = t.ticket_id
                            AND v.event IN (\(TicketEvent.messages.sqlList)))
                        THEN NULL
                        ELSE CAST(EXISTS (SELECT 1 FROM fact_ticket_event v JOIN dim_agent_identity i ON i.external_id = v.actor_id
                            WHERE v.ticket_id = t.ticket_id AND i.employee_id = t.first_assignee_employee_id
                              AND v.event IN (\(TicketEvent.messages.sqlList))
                              AND v.occurred_at > t.resolved_at AND v.occurred_at <= \(database.engine.plusDays("t.resolved_at", days: "2"))
                              AND (CAST(?3 AS TEXT) IS NULL OR v.occurred_at < CAST(?3 AS TEXT))) AS INTEGER) END,
                   CASE WHEN CAST(?3 AS TEXT) IS NULL OR r.rated_at < CAST(?3 AS TEXT) THEN r.cx_emp END
            FROM fact_ticket t LEFT JOIN ticket_rating r ON r.ticket_id = t.ticket_id
            WHERE t.created_at >= ?1 AND t.created_at < ?2 AND t.first_assignee_employee_id IS NOT NULL AND t.team_id IS NOT NULL
              AND (CAST(?3 AS TEXT) IS NULL OR (t.resolved_at IS NOT NULL AND t.resolved_at < CAST(?3 AS TEXT)))
            ORDER BY t.created_at, t.ticket_id
            """, [.text(from), .text(to), SQLValue(asOf)]) { row in
            try body(AgentTicket(employee: row.text(0) ?? "", team: row.text(1) ?? "", cell: row.text(2) ?? "",
                                 owned: row.double(3), transferred: row.double(4), resolved: row.int(5) == 1,
                                 followup: row.isNull(6) ? nil : row.double(6), cx: row.isNull(7) ? nil : row.double(7)))
        }
    }

    /// Per team: tickets created in [from, to) whose REPEAT outcome was known at `knownAt`
    /// (its window of `repeatWindow` days had closed), and how many came back.
    package static func repeatsKnown(from: String, to: String, knownAt: String, repeatWindow: Int, database: any WarehouseConnection) throws
        -> [String: (tickets: Double, events: Double)] {
        var out: [String: (tickets: Double, events: Double)] = [:]
        try database.stream("""
            SELECT team_id, count(*), sum(repeat) FROM fact_ticket_outcome
            WHERE created_at >= ?1 AND created_at < ?2 AND repeat IS NOT NULL AND team_id IS NOT NULL
              AND \(database.engine.plusDays("resolved_at", days: "?4")) <= ?3
            GROUP BY team_id
            """, [.text(from), .text(to), .text(knownAt), .integer(Int64(repeatWindow))]) { row in
            guard let team = row.text(0) else { return }
            out[team] = (row.double(1), row.double(2))
        }
        return out
    }

    /// One agent's row of `score_agent_period`.
    package struct AgentPeriod {
        package var employee: String
        package var team: String
        package var tickets: Int
        package var resolved: Int
        package var ownRate: Double, transferRate: Double
        package var ownShrunk: Double?, transferShrunk: Double?
        package var teamOwnRate: Double, teamTransferRate: Double
        package var followupRate: Double?
        package var cxEmp: Double?
        package var cxResponses: Int
        package var behaviourZ: Double?
        package var behaviourIndex: Double?

        package init(employee: String, team: String, tickets: Int, resolved: Int, ownRate: Double, transferRate: Double,
                     ownShrunk: Double?, transferShrunk: Double?, teamOwnRate: Double, teamTransferRate: Double, followupRate: Double?,
                     cxEmp: Double?, cxResponses: Int, behaviourZ: Double?, behaviourIndex: Double?) {
            self.employee = employee
            self.team = team
            self.tickets = tickets
            self.resolved = resolved
            self.ownRate = ownRate
            self.transferRate = transferRate
            self.ownShrunk = ownShrunk
            self.transferShrunk = transferShrunk
            self.teamOwnRate = teamOwnRate
            self.teamTransferRate = teamTransferRate
            self.followupRate = followupRate
            self.cxEmp = cxEmp
            self.cxResponses = cxResponses
            self.behaviourZ = behaviourZ
            self.behaviourIndex = behaviourIndex
        }
    }

    /// Rewrites `score_agent_period` for `period` with `agents`.
    package static func writePeriod(_ period: String, agents: [AgentPeriod], database: any WarehouseConnection) throws {
        try database.run("DELETE FROM score_agent_period WHERE period = ?", [.text(period)])
        let insert = """
            INSERT INTO score_agent_period (period, employee_id, team_id, tickets, resolved, own_rate, xfer_rate, own_shrunk, xfer_shrunk,
                team_own_rate, team_xfer_rate, followup_rate, cx_emp, cx_responses, behaviour_z, behaviour_index)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        for agent in agents {
            try database.run(insert, [
                .text(period), .text(agent.employee), .text(agent.team), .integer(Int64(agent.tickets)), .integer(Int64(agent.resolved)),
                SQLValue(agent.ownRate), SQLValue(agent.transferRate), SQLValue(agent.ownShrunk), SQLValue(agent.transferShrunk),
                SQLValue(agent.teamOwnRate), SQLValue(agent.teamTransferRate), SQLValue(agent.followupRate),
                SQLValue(agent.cxEmp), .integer(Int64(agent.cxResponses)), SQLValue(agent.behaviourZ), SQLValue(agent.behaviourIndex),
            ])
        }
    }
}
