import AmbassadorCore
import Foundation
import Warehouse

/// The rows the linkage models are fitted on: each resolved ticket with its outcomes, the
/// exposure wave it is attributed to, and its controls. The time-order rule of SCORING.md
/// §3 lives here: a ticket belongs to the latest wave that closed at least the lag before
/// the ticket opened, and never to a wave that closed after it.
struct LinkageData {
    struct Wave {
        var period: String
        var closedAt: String
        /// Outcome tickets open in [openFrom, openUntil); exposure behaviour is [exposureFrom, closedAt).
        var openFrom: String
        var openUntil: String
        var exposureFrom: String
        /// Non-suppressed team index (0–100) by team.
        var teamIndex: [String: Double]
        var respondents: [String: Int]
        /// Behaviour z by "employee␟team", and the team means of those z.
        var agentZ: [String: Double] = [:]
        var teamZ: [String: Double] = [:]
        var teamSize: [String: Int] = [:]
        /// REPEAT outcomes known when the wave closed (tickets opened in the exposure window,
        /// resolved at least the REPEAT window before the close), per team: the reverse check's input.
        var priorRepeat: [String: (tickets: Double, events: Double)] = [:]
    }

    struct Ticket {
        var id: String
        var created: String
        var wave: Int
        var team: String
        var employee: String
        var outcomes: [Double?]
        var priority: String
        var channel: String
        var category: String
        var month: String
        var priorContacts: Double
        var tenureYears: Double?
        var ratings: [Double?]
    }

    var waves: [Wave]
    var tickets: [Ticket]

    /// The wave a ticket opened at `created` belongs to: the latest with openFrom ≤ created < openUntil.
    static func exposureWave(for created: String, in waves: [Wave]) -> Int? {
        var chosen: Int?
        for (index, wave) in waves.enumerated() where wave.openFrom <= created && created < wave.openUntil {
            if let current = chosen, waves[current].closedAt >= wave.closedAt { continue }
            chosen = index
        }
        return chosen
    }

    static func load(database: Database, config: ScoreConfig) throws -> LinkageData {
        let lag = config.outcomeLagDays, months = config.outcomeMonths, exposure = config.exposureDays
        var waves: [Wave] = []
        let closings = try database.query("""
            SELECT period, wave_closed_at, strftime('%Y-%m-%dT%H:%M:%SZ', wave_closed_at, '+\(lag) days'),
                   strftime('%Y-%m-%dT%H:%M:%SZ', wave_closed_at, '+\(months) months'),
                   strftime('%Y-%m-%dT%H:%M:%SZ', wave_closed_at, '-\(exposure) days')
            FROM score_team_period WHERE wave_closed_at IS NOT NULL GROUP BY period, wave_closed_at ORDER BY wave_closed_at
            """) { [$0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", $0.text(3) ?? "", $0.text(4) ?? ""] }
        for closing in closings {
            var wave = Wave(period: closing[0], closedAt: closing[1], openFrom: closing[2], openUntil: closing[3], exposureFrom: closing[4],
                            teamIndex: [:], respondents: [:])
            try database.forEach("SELECT team_id, ambassador_index, respondents FROM score_team_period WHERE period = ? AND suppressed = 0",
                                 [.text(wave.period)]) { row in
                guard let team = row.text(0), !row.isNull(1) else { return }
                wave.teamIndex[team] = row.double(1)
                wave.respondents[team] = row.int(2)
            }
            // Time order on exposure: only what was known when the wave closed.
            let behaviour = try AgentBehaviour.measure(database: database, from: wave.exposureFrom, to: wave.closedAt,
                                                       k: config.shrinkagePseudoTickets, asOf: wave.closedAt)
            var teamSum: [String: (Double, Int)] = [:]
            for agent in behaviour {
                guard let z = agent.z else { continue }
                wave.agentZ[agent.employee + "\u{1F}" + agent.team] = z
                let current = teamSum[agent.team] ?? (0, 0)
                teamSum[agent.team] = (current.0 + z, current.1 + 1)
            }
            for (team, sum) in teamSum {
                wave.teamZ[team] = sum.0 / Double(sum.1)
                wave.teamSize[team] = sum.1
            }
            try database.forEach("""
                SELECT team_id, count(*), sum(repeat) FROM fact_ticket_outcome
                WHERE created_at >= ? AND created_at < ? AND repeat IS NOT NULL AND team_id IS NOT NULL
                  AND strftime('%Y-%m-%dT%H:%M:%SZ', resolved_at, '+\(config.window(for: .repeat)) days') <= ?
                GROUP BY team_id
                """, [.text(wave.exposureFrom), .text(wave.closedAt), .text(wave.closedAt)]) { row in
                guard let team = row.text(0) else { return }
                wave.priorRepeat[team] = (row.double(1), row.double(2))
            }
            waves.append(wave)
        }
        var tickets: [Ticket] = []
        guard !waves.isEmpty else { return LinkageData(waves: waves, tickets: tickets) }
        let outcomeColumns = Outcome.allCases.map { "o." + $0.column }.joined(separator: ", ")
        try database.forEach("""
            SELECT o.ticket_id, o.created_at, o.team_id, o.employee_id, coalesce(t.priority, ''), coalesce(t.channel, ''),
                   coalesce(o.category, ''), substr(o.created_at, 1, 7),
                   (SELECT count(*) FROM outcome_contact c WHERE c.customer_id = o.customer_id AND c.created_at < o.created_at
                        AND c.created_at >= strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, '-90 days')),
                   (julianday(o.created_at) - julianday((SELECT min(hire_date) FROM dim_employee e WHERE e.employee_id = o.employee_id))) / 365.25,
                   o.csat, o.effort, o.nps, o.cx_emp, \(outcomeColumns)
            FROM fact_ticket_outcome o JOIN fact_ticket t ON t.ticket_id = o.ticket_id
            WHERE o.team_id IS NOT NULL AND o.employee_id IS NOT NULL AND o.created_at >= ?
            ORDER BY o.created_at, o.ticket_id
            """, [.text(waves[0].openFrom)]) { row in
            let created = row.text(1) ?? ""
            guard let wave = exposureWave(for: created, in: waves) else { return }
            tickets.append(Ticket(
                id: row.text(0) ?? "", created: created, wave: wave, team: row.text(2) ?? "", employee: row.text(3) ?? "",
                outcomes: (0..<Outcomes.names.count).map { row.isNull(Int32(14 + $0)) ? nil : row.double(Int32(14 + $0)) },
                priority: row.text(4) ?? "", channel: row.text(5) ?? "", category: row.text(6) ?? "", month: row.text(7) ?? "",
                priorContacts: row.double(8), tenureYears: row.isNull(9) ? nil : row.double(9),
                ratings: (10..<14).map { row.isNull(Int32($0)) ? nil : row.double(Int32($0)) }))
        }
        // The time-order rule, checked on every row that can reach a model.
        for ticket in tickets {
            let wave = waves[ticket.wave]
            guard ticket.created >= wave.openFrom, wave.closedAt < ticket.created else {
                throw ScoreError.timeOrder(ticket: ticket.id, openedAt: ticket.created, waveClosedAt: wave.closedAt)
            }
        }
        return LinkageData(waves: waves, tickets: tickets)
    }
}
