import AmbassadorCore
import Foundation
import Warehouse

/// Behavioural ambassadorship per agent over a window (SCORING.md §1b): OWN, FOLLOWUP,
/// XFER and CX_EMP, each adjusted for the agent's mix of priority, channel and category
/// (indirect standardisation: observed − expected from the cell rates + overall rate),
/// then shrunk toward the team's adjusted rate with `k` pseudo-tickets. The index is the
/// mean of the standardised components (XFER negated), also shown as a 0–100 percentile.
struct AgentBehaviour {
    var employee: String
    var team: String
    var tickets = 0
    var resolved = 0
    var ownRaw = 0.0, xferRaw = 0.0
    var own: Double? = nil, xfer: Double? = nil, followup: Double? = nil, cxEmp: Double? = nil
    var cxResponses = 0
    var z: Double? = nil
    var percentile: Double? = nil

    /// One ticket's contribution.
    private struct Row {
        var agent: Int
        var cell: Int
        var owned: Double
        var transferred: Double
        var resolved: Bool
        var followup: Double?
        var cx: Double?
    }

    /// Agents' behaviour over tickets created in [from, to).
    ///
    /// `asOf`: only what was known at that time counts (SCORING.md §3: an employee measure of
    /// wave t uses tickets resolved by t, follow-up messages before t and ratings submitted by
    /// t). A ticket still open at t is left out — its later state (who solved it, after how
    /// many transfers) was not known then. Nil: the tickets' current state (period scores).
    static func measure(database: any WarehouseConnection, from: String, to: String, k: Double, asOf: String? = nil) throws -> [AgentBehaviour] {
        var agents: [AgentBehaviour] = []
        var agentIndex: [String: Int] = [:]
        var cells: [String: Int] = [:]
        var rows: [Row] = []
        // In a total order (opening time, then id): the sums below add in row order, so both
        // engines must hand the rows alike.
        try AgentScoreStore.tickets(from: from, to: to, asOf: asOf, database: database) { ticket in
            let key = ticket.employee + "\u{1F}" + ticket.team
            let agent: Int
            if let known = agentIndex[key] {
                agent = known
            } else {
                agent = agents.count
                agentIndex[key] = agent
                agents.append(AgentBehaviour(employee: ticket.employee, team: ticket.team))
            }
            let cell = cells[ticket.cell] ?? cells.count
            cells[ticket.cell] = cell
            rows.append(Row(agent: agent, cell: cell, owned: ticket.owned, transferred: ticket.transferred, resolved: ticket.resolved,
                            followup: ticket.followup, cx: ticket.cx))
        }
        guard !rows.isEmpty else { return [] }
        for row in rows {
            agents[row.agent].tickets += 1
            if row.resolved { agents[row.agent].resolved += 1 }
            agents[row.agent].ownRaw += row.owned
            agents[row.agent].xferRaw += row.transferred
            if row.cx != nil { agents[row.agent].cxResponses += 1 }
        }
        var teamIndex: [String: Int] = [:]
        let teamOf = agents.map { agent -> Int in
            let index = teamIndex[agent.team] ?? teamIndex.count
            teamIndex[agent.team] = index
            return index
        }
        func component(_ value: (Row) -> Double?) -> [Double?] {
            adjusted(rows, teamOf: teamOf, teams: teamIndex.count, cells: cells.count, k: k, value: value)
        }
        let own = component { $0.owned }
        let xfer = component { $0.transferred }
        let followup = component { $0.followup }
        let cx = component { $0.cx }
        for index in agents.indices {
            agents[index].own = own[index]
            agents[index].xfer = xfer[index]
            agents[index].followup = followup[index]
            agents[index].cxEmp = cx[index]
            agents[index].ownRaw /= Double(max(agents[index].tickets, 1))
            agents[index].xferRaw /= Double(max(agents[index].tickets, 1))
        }
        // Standardise each component across agents; the index is their mean (XFER negated).
        let components: [(KeyPath<AgentBehaviour, Double?>, Double)] = [(\.own, 1), (\.xfer, -1), (\.followup, 1), (\.cxEmp, 1)]
        var sums = [Double](repeating: 0, count: agents.count)
        var counts = [Int](repeating: 0, count: agents.count)
        for (path, sign) in components {
            let values = agents.compactMap { $0[keyPath: path] }
            guard values.count >= 2 else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
            guard sd > 1e-12 else { continue }
            for index in agents.indices {
                guard let value = agents[index][keyPath: path] else { continue }
                sums[index] += sign * (value - mean) / sd
                counts[index] += 1
            }
        }
        for index in agents.indices where counts[index] > 0 { agents[index].z = sums[index] / Double(counts[index]) }
        let ranked = agents.indices.filter { agents[$0].z != nil }.sorted { (agents[$0].z ?? 0) < (agents[$1].z ?? 0) }
        for (rank, index) in ranked.enumerated() { agents[index].percentile = 100 * (Double(rank) + 0.5) / Double(ranked.count) }
        return agents.sorted { ($0.employee, $0.team) < ($1.employee, $1.team) }
    }

    /// A component case-mix adjusted and shrunk: per agent, (n·x + k·t) / (n + k), where
    /// x = (observed − expected) / n + overall for the agent and t the same for the team.
    private static func adjusted(_ rows: [Row], teamOf: [Int], teams: Int, cells: Int, k: Double,
                                 value: (Row) -> Double?) -> [Double?] {
        let agents = teamOf.count
        var cellSum = [Double](repeating: 0, count: cells), cellCount = [Double](repeating: 0, count: cells)
        var total = 0.0, count = 0.0
        for row in rows {
            guard let v = value(row) else { continue }
            cellSum[row.cell] += v
            cellCount[row.cell] += 1
            total += v
            count += 1
        }
        guard count > 0 else { return Array(repeating: nil, count: agents) }
        let overall = total / count
        var excess = [Double](repeating: 0, count: agents)
        var n = [Double](repeating: 0, count: agents)
        for row in rows {
            guard let v = value(row) else { continue }
            excess[row.agent] += v - cellSum[row.cell] / cellCount[row.cell]
            n[row.agent] += 1
        }
        var teamExcess = [Double](repeating: 0, count: teams), teamN = [Double](repeating: 0, count: teams)
        for agent in 0..<agents { teamExcess[teamOf[agent]] += excess[agent]; teamN[teamOf[agent]] += n[agent] }
        var shrunk = [Double?](repeating: nil, count: agents)
        for agent in 0..<agents where n[agent] > 0 {
            let team = teamOf[agent]
            let x = excess[agent] / n[agent] + overall
            let t = teamExcess[team] / teamN[team] + overall
            shrunk[agent] = (n[agent] * x + k * t) / (n[agent] + k)
        }
        return shrunk
    }
}
