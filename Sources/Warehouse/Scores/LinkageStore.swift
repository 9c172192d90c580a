import AmbassadorCore

/// The linkage's inputs and results: the pulse waves and their published team indices, the
/// outcome tickets read as a stream, and the four `linkage_*` tables the stage writes
/// (SCORING.md §3). The stage fits the models; the SQL is here.
package enum LinkageStore {
    /// True when a linkage has been written.
    package static func hasEstimates(database: any WarehouseConnection) throws -> Bool {
        try database.count("SELECT count(*) FROM linkage_estimate") > 0
    }

    /// Every pulse period with a closing time, by closing time: `(period, closedAt)`.
    package static func waveClosings(database: any WarehouseConnection) throws -> [(period: String, closedAt: String)] {
        try database.rows("""
            SELECT period, wave_closed_at FROM score_team_period WHERE wave_closed_at IS NOT NULL
            GROUP BY period, wave_closed_at ORDER BY wave_closed_at, period
            """) { row in (row.text(0) ?? "", row.text(1) ?? "") }
    }

    /// The published (not suppressed) teams of `period` with an index: `(team, index, respondents)`.
    package static func publishedTeams(period: String, database: any WarehouseConnection) throws -> [(team: String, index: Double, respondents: Int)] {
        var out: [(team: String, index: Double, respondents: Int)] = []
        try database.stream("SELECT team_id, ambassador_index, respondents FROM score_team_period WHERE period = ? AND suppressed = 0",
                            [.text(period)]) { row in
            guard let team = row.text(0), !row.isNull(1) else { return }
            out.append((team, row.double(1), row.int(2)))
        }
        return out
    }

    /// One outcome ticket as read (a view on the current row: valid only in the callback).
    package struct OutcomeTicket {
        let row: any WarehouseRow

        package var id: String { row.text(0) ?? "" }
        package var createdAt: String { row.text(1) ?? "" }
        package var createdAtBytes: UnsafeBufferPointer<UInt8>? { row.textBytes(1) }
        package var team: String { row.text(2) ?? "" }
        package var employee: String { row.text(3) ?? "" }
        /// Case-mix words ('' when unknown).
        package var priority: String { row.text(4) ?? "" }
        package var channel: String { row.text(5) ?? "" }
        package var category: String { row.text(6) ?? "" }
        /// The month it opened, `YYYY-MM`.
        package var month: String { row.text(7) ?? "" }
        /// The customer's tickets in the 90 days before this one opened.
        package var priorContacts: Int64 { row.int64(8) }
        /// The first assignee's hire date, if known.
        package var hiredBytes: UnsafeBufferPointer<UInt8>? { row.textBytes(9) }
        /// The ticket survey's ratings: csat, effort, nps, cx_emp (0–3).
        package func rating(_ k: Int) -> Double? { row.isNull(Int32(10 + k)) ? nil : row.double(Int32(10 + k)) }
        /// The outcomes in `Outcome.allCases` order.
        package func outcome(_ k: Int) -> Double? { row.isNull(Int32(14 + k)) ? nil : row.double(Int32(14 + k)) }
    }

    private static let outcomeTicketsFrom = """
        FROM fact_ticket_outcome o JOIN fact_ticket t ON t.ticket_id = o.ticket_id
        WHERE o.team_id IS NOT NULL AND o.employee_id IS NOT NULL AND o.created_at >= ?
        """

    /// Outcome tickets with a team and an employee opened at or after `from`.
    package static func outcomeTicketCount(from: String, database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT count(*) \(outcomeTicketsFrom)", [.text(from)])
    }

    /// Streams the outcome tickets with a team and an employee opened at or after `from`, in
    /// opening order (then id). Needs this connection's `temp.outcome_contact`
    /// (`OutcomeStore.createContacts`).
    package static func outcomeTickets(from: String, database: any WarehouseConnection, _ body: (OutcomeTicket) throws -> Void) throws {
        let outcomeColumns = Outcome.allCases.map { "o." + $0.column }.joined(separator: ", ")
        try database.stream("""
            SELECT o.ticket_id, o.created_at, o.team_id, o.employee_id, coalesce(t.priority, ''), coalesce(t.channel, ''),
                   coalesce(o.category, ''), substr(o.created_at, 1, 7),
                   (SELECT count(*) FROM outcome_contact c WHERE c.customer_id = o.customer_id AND c.created_at < o.created_at
                        AND c.created_at >= \(database.engine.plusDays("o.created_at", days: "-90"))),
                   (SELECT min(hire_date) FROM dim_employee e WHERE e.employee_id = o.employee_id),
                   o.csat, o.effort, o.nps, o.cx_emp, \(outcomeColumns)
            \(outcomeTicketsFrom)
            ORDER BY o.created_at, o.ticket_id
            """, [.text(from)]) { row in try body(OutcomeTicket(row: row)) }
    }

    /// Empties the four linkage tables (in the caller's transaction, the one that refills them).
    package static func clear(database: any WarehouseConnection) throws {
        for table in ["linkage_estimate", "linkage_segment_lift", "linkage_team", "linkage_predictive"] {
            try database.run("DELETE FROM \(table)")
        }
    }

    /// One row of `linkage_estimate`.
    package struct Estimate {
        package var outcome: String, model: String, predictor: String
        package var estimate: Double?, oddsRatio: Double?, standardError: Double?, low: Double?, high: Double?
        package var pValue: Double?, qValue: Double?
        package var confirmatory: Bool
        package var tickets: Int, agents: Int, teams: Int, events: Int, parameters: Int
        package var method: String, exposureWindow: String, outcomeWindow: String
        package var underpowered: Bool
        package var powerR20: Double?, powerR30: Double?
        package var status: String, note: String?, inputHash: String?, settingsHash: String

        package init(outcome: String, model: String, predictor: String, estimate: Double?, oddsRatio: Double?, standardError: Double?,
                     low: Double?, high: Double?, pValue: Double?, qValue: Double?, confirmatory: Bool, tickets: Int, agents: Int, teams: Int,
                     events: Int, parameters: Int, method: String, exposureWindow: String, outcomeWindow: String, underpowered: Bool,
                     powerR20: Double?, powerR30: Double?, status: String, note: String?, inputHash: String?, settingsHash: String) {
            self.outcome = outcome; self.model = model; self.predictor = predictor
            self.estimate = estimate; self.oddsRatio = oddsRatio; self.standardError = standardError; self.low = low; self.high = high
            self.pValue = pValue; self.qValue = qValue; self.confirmatory = confirmatory
            self.tickets = tickets; self.agents = agents; self.teams = teams; self.events = events; self.parameters = parameters
            self.method = method; self.exposureWindow = exposureWindow; self.outcomeWindow = outcomeWindow; self.underpowered = underpowered
            self.powerR20 = powerR20; self.powerR30 = powerR30; self.status = status; self.note = note; self.inputHash = inputHash
            self.settingsHash = settingsHash
        }
    }

    package static func insert(_ e: Estimate, database: any WarehouseConnection) throws {
        try database.run("""
            INSERT INTO linkage_estimate (outcome, model, predictor, estimate, odds_ratio, std_error, ci_low, ci_high, p_value, q_value,
                confirmatory, tickets, agents, teams, events, parameters, method, exposure_window, outcome_window, underpowered,
                power_r20, power_r30, status, note, input_hash, settings_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
            .text(e.outcome), .text(e.model), .text(e.predictor), SQLValue(e.estimate), SQLValue(e.oddsRatio),
            SQLValue(e.standardError), SQLValue(e.low), SQLValue(e.high), SQLValue(e.pValue), SQLValue(e.qValue),
            .integer(e.confirmatory ? 1 : 0), .integer(Int64(e.tickets)), .integer(Int64(e.agents)), .integer(Int64(e.teams)),
            .integer(Int64(e.events)), .integer(Int64(e.parameters)), .text(e.method), .text(e.exposureWindow), .text(e.outcomeWindow),
            .integer(e.underpowered ? 1 : 0), SQLValue(e.powerR20), SQLValue(e.powerR30), .text(e.status), SQLValue(e.note),
            SQLValue(e.inputHash), .text(e.settingsHash),
        ])
    }

    /// Every estimate written, in no particular order.
    package static func estimates(database: any WarehouseConnection) throws -> [Estimate] {
        try database.rows("""
            SELECT outcome, model, predictor, estimate, odds_ratio, std_error, ci_low, ci_high, p_value, q_value, confirmatory, tickets, agents,
                   teams, events, parameters, method, exposure_window, outcome_window, underpowered, power_r20, power_r30, status,
                   note, input_hash, settings_hash
            FROM linkage_estimate
            """) { row in
            func optional(_ i: Int32) -> Double? { row.isNull(i) ? nil : row.double(i) }
            return Estimate(outcome: row.text(0) ?? "", model: row.text(1) ?? "", predictor: row.text(2) ?? "", estimate: optional(3),
                            oddsRatio: optional(4), standardError: optional(5), low: optional(6), high: optional(7), pValue: optional(8),
                            qValue: optional(9), confirmatory: row.int(10) == 1, tickets: row.int(11), agents: row.int(12), teams: row.int(13),
                            events: row.int(14), parameters: row.int(15), method: row.text(16) ?? "", exposureWindow: row.text(17) ?? "",
                            outcomeWindow: row.text(18) ?? "", underpowered: row.int(19) == 1, powerR20: optional(20), powerR30: optional(21),
                            status: row.text(22) ?? "", note: row.text(23), inputHash: row.text(24), settingsHash: row.text(25) ?? "")
        }
    }

    /// One row of `linkage_segment_lift`.
    package struct SegmentLift: Sendable {
        package var outcome: String, grouping: String, level: String
        package var teams: Int, tickets: Int, events: Int
        package var rate: Double?, low: Double?, high: Double?
    }

    /// Every segment lift, by outcome, grouping and level.
    package static func segmentLifts(database: any WarehouseConnection) throws -> [SegmentLift] {
        try database.rows("""
            SELECT outcome, grouping, level, teams, tickets, events, rate, ci_low, ci_high FROM linkage_segment_lift ORDER BY outcome, grouping, level
            """) { row in
            SegmentLift(outcome: row.text(0) ?? "", grouping: row.text(1) ?? "", level: row.text(2) ?? "", teams: row.int(3), tickets: row.int(4),
                        events: row.int(5), rate: row.isNull(6) ? nil : row.double(6), low: row.isNull(7) ? nil : row.double(7),
                        high: row.isNull(8) ? nil : row.double(8))
        }
    }

    /// One row of `linkage_predictive`.
    package struct Predictive: Sendable {
        package var outcome: String, measure: String
        package var tickets: Int
        package var auc: Double?, low: Double?, high: Double?
    }

    /// Every measure's AUC, by outcome, the best first.
    package static func predictive(database: any WarehouseConnection) throws -> [Predictive] {
        try database.rows("SELECT outcome, measure, tickets, auc, ci_low, ci_high FROM linkage_predictive ORDER BY outcome, auc DESC, measure") { row in
            Predictive(outcome: row.text(0) ?? "", measure: row.text(1) ?? "", tickets: row.int(2), auc: row.isNull(3) ? nil : row.double(3),
                       low: row.isNull(4) ? nil : row.double(4), high: row.isNull(5) ? nil : row.double(5))
        }
    }

    /// One row of `linkage_segment_lift`: an outcome's rate in one group of tickets.
    package static func insertSegmentLift(outcome: String, grouping: String, level: String, teams: Int, tickets: Int, events: Int,
                                          rate: Double, low: Double?, high: Double?, database: any WarehouseConnection) throws {
        try database.run("""
            INSERT INTO linkage_segment_lift (outcome, grouping, level, teams, tickets, events, rate, ci_low, ci_high)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(outcome), .text(grouping), .text(level), .integer(Int64(teams)), .integer(Int64(tickets)), .integer(Int64(events)),
                  SQLValue(rate), SQLValue(low), SQLValue(high)])
    }

    /// One row of `linkage_team`: a team's mean index and outcome rate.
    package static func insertTeam(outcome: String, team: String, selfIndex: Double, tickets: Int, events: Int, rate: Double,
                                   database: any WarehouseConnection) throws {
        try database.run("INSERT INTO linkage_team (outcome, team_id, self_index, tickets, events, rate) VALUES (?, ?, ?, ?, ?, ?)",
                         [.text(outcome), .text(team), SQLValue(selfIndex), .integer(Int64(tickets)), .integer(Int64(events)), SQLValue(rate)])
    }

    /// One row of `linkage_predictive`: a measure's AUC for an outcome.
    package static func insertPredictive(outcome: String, measure: String, tickets: Int, auc: Double, low: Double, high: Double,
                                         database: any WarehouseConnection) throws {
        try database.run("INSERT INTO linkage_predictive (outcome, measure, tickets, auc, ci_low, ci_high) VALUES (?, ?, ?, ?, ?, ?)",
                         [.text(outcome), .text(measure), .integer(Int64(tickets)), SQLValue(auc), SQLValue(low), SQLValue(high)])
    }
}
