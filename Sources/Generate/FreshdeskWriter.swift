import AmbassadorCore

/// Writes a month of tickets as Freshdesk's API v2 ticket list returns them
/// (`GET /api/v2/tickets?updated_since=…&include=stats`): pages of at most `pageSize`
/// tickets, each page a top-level JSON array. Status, priority and source are Freshdesk's
/// integer codes; the agent is `responder_id`; the resolution time is in `stats`. What
/// Freshdesk has no field for — the account, the first agent, reassignments, reopens — is in
/// `custom_fields` with the `cf_` names Freshdesk gives custom fields.
final class FreshdeskPages {
    /// Freshdesk `source` codes for the generator's email, chat, phone, web.
    static let sourceCodes = [1, 7, 3, 2]
    /// Freshdesk priority codes for low, normal (Freshdesk: medium), high, urgent.
    static let priorityCodes = [1, 2, 3, 4]
    static let accountField = "cf_account", firstAgentField = "cf_first_agent_id"
    static let reassignmentsField = "cf_reassignments", reopensField = "cf_reopens"

    private var pages: PageFiles
    var files: Int { pages.files }

    init(directory: String, date: CivilDate, pageSize: Int = 100) {
        pages = PageFiles(stem: "\(directory)/freshdesk_\(date)", pageSize: pageSize)
    }

    func add(_ ticket: TicketDraft, org: Organisation) throws {
        if pages.isFull { try flush() }
        var json: [UInt8] = []
        FreshdeskPages.appendJSON(ticket, org: org, to: &json)
        pages.append(json, separator: Array(",\n  ".utf8))
    }

    /// Writes the last page (an empty array when the month had no tickets, as the API answers).
    func finish() throws {
        if pages.count > 0 || pages.files == 0 { try flush() }
    }

    private func flush() throws {
        try pages.write(prefix: pages.count == 0 ? "[" : "[\n  ", suffix: pages.count == 0 ? "]\n" : "\n]\n")
    }

    static func appendJSON(_ t: TicketDraft, org: Organisation, to bytes: inout [UInt8]) {
        func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func string(_ text: String) { bytes.append(34); raw(text); bytes.append(34) }
        func timestamp(_ seconds: Int64?) {
            guard let seconds else { raw("null"); return }
            bytes.append(34); appendUTCTimestamp(seconds, to: &bytes); bytes.append(34)
        }
        func agent(_ index: Int) { if index >= 0 { raw(org.employees[index].agentID) } else { raw("null") } }
        let updated = max(t.resolved ?? t.created, t.created) + 60
        // 2 open, 3 pending, 4 resolved, 5 closed.
        let status = t.resolved == nil ? (t.created % 2 == 0 ? 2 : 3) : (t.created % 3 == 0 ? 5 : 4)
        let category = TicketDraft.categories[t.category]
        raw("{\"id\":\(t.id),\"subject\":"); string(category.prefix(1).uppercased() + category.dropFirst() + " request")
        raw(",\"type\":"); string(category.prefix(1).uppercased() + category.dropFirst())
        raw(",\"status\":\(status),\"priority\":\(priorityCodes[t.priority]),\"source\":\(sourceCodes[t.channel])")
        raw(",\"requester_id\":\(5_000_000_000 + t.customer),\"responder_id\":"); agent(t.resolver)
        raw(",\"group_id\":null,\"fr_escalated\":false,\"is_escalated\":\(t.escalated)")
        raw(",\"spam\":false,\"tags\":[],\"cc_emails\":[],\"due_by\":"); timestamp(t.created + 3 * 86_400)
        raw(",\"created_at\":"); timestamp(t.created)
        raw(",\"updated_at\":"); timestamp(updated)
        raw(",\"custom_fields\":{\"\(accountField)\":"); string("C" + pad(t.customer, 6))
        raw(",\"\(firstAgentField)\":"); if t.firstAgent >= 0 { string(org.employees[t.firstAgent].agentID) } else { raw("null") }
        raw(",\"\(reassignmentsField)\":\(t.reassignments),\"\(reopensField)\":\(t.reopens)}")
        raw(",\"stats\":{\"agent_responded_at\":"); timestamp(t.firstAgent >= 0 ? t.created + 900 : nil)
        raw(",\"first_responded_at\":"); timestamp(t.firstAgent >= 0 ? t.created + 900 : nil)
        raw(",\"resolved_at\":"); timestamp(t.resolved)
        raw(",\"closed_at\":"); timestamp(status == 5 ? updated : nil)
        raw(",\"reopened_at\":"); timestamp(t.reopens > 0 ? t.resolved.map { $0 - 3600 } : nil)
        raw("}}")
    }
}
