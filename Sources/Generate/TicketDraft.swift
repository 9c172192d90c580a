import AmbassadorCore

/// One ticket as the simulation builds it, before it is written as a CSV line.
struct TicketDraft {
    static let header = "Ticket ID,Requester ID,Created At,Updated At,Solved At,Status,Priority,Via,Category,First Assignee ID,Assignee ID,Reassignments,Reopens,Escalated\n"
    static let priorities = ["low", "normal", "high", "urgent"]
    static let channels = ["email", "chat", "phone", "web"]
    static let categories = ["billing", "technical", "account", "shipping"]

    var id = ""
    let created: Int64
    let customer: Int
    let priority: Int
    let channel: Int
    let category: Int
    let isFollowUp: Bool
    var firstAgent = -1
    var resolver = -1
    var reassignments = 0
    var reopens = 0
    var escalated = false
    var resolved: Int64?
    /// The REPEAT probability the model gave this ticket (0 when it cannot repeat).
    var repeatChance = 0.0
    var transferred: Bool { reassignments > 0 }

    static func primary(created: Int64, customers: Int, random: inout SeededRandom) -> TicketDraft {
        TicketDraft(created: created, customer: random.int(customers), priority: random.weighted([0.3, 0.5, 0.15, 0.05]),
                    channel: random.weighted([0.45, 0.25, 0.2, 0.1]), category: random.int(categories.count), isFollowUp: false)
    }

    /// Plays the ticket out: assignment, transfer, resolution, reopen, escalation; returns
    /// the customer's repeat contact when the REPEAT model says they come back.
    mutating func play(org: Organisation, agents: [[Int]], scenario: Scenario, random: inout SeededRandom) -> TicketDraft? {
        let staffed = agents.indices.filter { !agents[$0].isEmpty }
        guard !staffed.isEmpty else { return nil }
        let team = staffed[random.int(staffed.count)]
        firstAgent = agents[team][random.int(agents[team].count)]
        let agent = org.employees[firstAgent]
        let caseMix = (category == 1 ? 0.3 : 0) + (priority == 3 ? 0.2 : 0)
        resolver = firstAgent
        if random.chance(logistic(-1.8 - 0.35 * agent.latent + caseMix)) {
            reassignments = random.chance(0.2) ? 2 : 1
            let pool = random.chance(0.3) ? agents[staffed[random.int(staffed.count)]] : agents[team]
            resolver = pool[random.int(pool.count)]
        }
        if random.chance(0.97) {
            let meanHours = [30.0, 20.0, 10.0, 4.0][priority]
            resolved = created + Int64(random.exponential(mean: meanHours * 3600)) + 300
        }
        if resolved != nil, random.chance(logistic(-2.6 + scenario.reopenEscalationEffect * agent.latent)) { reopens = 1 }
        escalated = random.chance(logistic(-3.2 + scenario.reopenEscalationEffect * agent.latent + (priority == 3 ? 0.8 : 0)))
        guard let resolvedAt = resolved, !isFollowUp else { return nil }
        let repeatLogit = Generator.repeatIntercept
            + scenario.teamEffect * org.teamLatent[agent.team] + scenario.agentEffect * agent.deviation
            + (category == 1 ? 0.25 : 0) + (category == 0 ? -0.1 : 0) + (priority == 3 ? 0.2 : 0)
            + (channel == 2 ? -0.1 : 0) + (transferred ? scenario.transferEffect : 0) + org.teamOutcome[agent.team]
        repeatChance = logistic(repeatLogit)
        guard random.chance(repeatChance) else { return nil }
        let delay = Int64(0.2 * 86_400 + random.uniform() * 6.6 * 86_400)
        return TicketDraft(created: resolvedAt + delay, customer: customer, priority: random.weighted([0.2, 0.5, 0.2, 0.1]),
                           channel: channel, category: category, isFollowUp: true)
    }

    /// Appends the ticket's CSV line to `bytes` (no field needs quoting: ids, timestamps and
    /// fixed vocabularies); the hot path of `generate`, so no String is built.
    func appendCSVLine(org: Organisation, to bytes: inout [UInt8]) {
        let comma: UInt8 = 44
        bytes.append(contentsOf: id.utf8); bytes.append(comma)
        bytes.append(67); let digits = bytes.count; appendDecimal(customer, to: &bytes)
        while bytes.count - digits < 6 { bytes.insert(48, at: digits) }
        bytes.append(comma)
        appendUTCTimestamp(created, to: &bytes); bytes.append(comma)
        appendUTCTimestamp(max(resolved ?? created, created) + 60, to: &bytes); bytes.append(comma)
        if let resolved { appendUTCTimestamp(resolved, to: &bytes) }
        bytes.append(comma)
        bytes.append(contentsOf: (resolved == nil ? (created % 2 == 0 ? "open" : "pending") : "solved").utf8); bytes.append(comma)
        bytes.append(contentsOf: TicketDraft.priorities[priority].utf8); bytes.append(comma)
        bytes.append(contentsOf: TicketDraft.channels[channel].utf8); bytes.append(comma)
        bytes.append(contentsOf: TicketDraft.categories[category].utf8); bytes.append(comma)
        if firstAgent >= 0 { bytes.append(contentsOf: org.employees[firstAgent].agentID.utf8) }
        bytes.append(comma)
        if resolver >= 0 { bytes.append(contentsOf: org.employees[resolver].agentID.utf8) }
        bytes.append(comma)
        appendDecimal(reassignments, to: &bytes); bytes.append(comma)
        appendDecimal(reopens, to: &bytes); bytes.append(comma)
        bytes.append(contentsOf: (escalated ? "true" : "false").utf8)
        bytes.append(10)
    }
}
