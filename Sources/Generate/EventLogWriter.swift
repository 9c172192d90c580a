import AmbassadorCore

/// Writes a ticket event log as a helpdesk's activity export does: one CSV line per event
/// (`Ticket ID,Timestamp,Event Type,Actor ID`), naive `YYYY-MM-DD HH:MM:SS` times, the
/// actor as the ticketing system's user id (empty for the customer). Besides the lifecycle
/// (created, assigned, reassigned, agent reply, solved, reopened, escalated), the first
/// assignee may come back with a follow-up message within two days of the solve — more often
/// the higher their ambassadorship (FOLLOWUP in SCORING.md), and rarely after handing the
/// ticket on.
enum EventLogWriter {
    static let header = "Ticket ID,Timestamp,Event Type,Actor ID\n"
    /// Logit of a follow-up by the first assignee: intercept, per SD of their latent ambassadorship, if transferred.
    static let followUpIntercept = -1.0, followUpPerSD = 0.8, followUpTransferred = -1.0

    /// Appends the ticket's events; returns how many, and whether a follow-up message is among them.
    static func append(_ t: TicketDraft, org: Organisation, random: inout SeededRandom,
                       to bytes: inout [UInt8]) -> (events: Int, followUp: Bool) {
        var lines = 0
        func line(_ seconds: Int64, _ event: String, _ agent: Int) {
            bytes.append(contentsOf: t.id.utf8); bytes.append(44)
            ServiceNowWriter.appendTime(seconds, to: &bytes); bytes.append(44)
            bytes.append(contentsOf: event.utf8); bytes.append(44)
            if agent >= 0 { bytes.append(contentsOf: org.employees[agent].agentID.utf8) }
            bytes.append(10)
            lines += 1
        }
        // The lifecycle spreads over the time to resolution (four hours when unresolved), so
        // nothing but a follow-up comes after the final solve.
        let span = (t.resolved ?? t.created + 4 * 3600) - t.created
        func at(_ share: Double) -> Int64 { t.created + Int64(Double(span) * share) }
        line(t.created, "Created", -1)
        guard t.firstAgent >= 0 else { return (lines, false) }
        line(at(0.05), "Assigned", t.firstAgent)
        line(at(0.1), "Agent Reply", t.firstAgent)
        if t.transferred { line(at(0.3), "Reassigned", t.resolver) }
        if t.escalated { line(at(0.4), "Escalated", -1) }
        guard let resolved = t.resolved else { return (lines, false) }
        if t.reopens > 0 {
            line(at(0.6), "Solved", t.resolver)
            line(at(0.8), "Reopened", -1)
        }
        line(resolved, "Solved", t.resolver)
        let latent = org.employees[t.firstAgent].latent
        if random.chance(logistic(followUpIntercept + followUpPerSD * latent + (t.transferred ? followUpTransferred : 0))) {
            line(resolved + 3600 + Int64(random.int(40 * 3600)), "Agent Reply", t.firstAgent)
            return (lines, true)
        }
        return (lines, false)
    }
}
