import AmbassadorCore

/// Writes a month of tickets as Zendesk's incremental ticket export does: JSON pages of up
/// to `pageSize` tickets with `next_page`, `end_time`, `count` and `end_of_stream`, the last
/// ticket of a page repeated at the top of the next (the API's boundary behaviour; loading
/// keeps one fact). Values Zendesk keeps outside the ticket object — the account id, the
/// category, the first assignee, reassignments, the escalation flag — are custom fields, and
/// the resolution time and reopens come in `metric_set` (as with `include=metric_sets`).
final class ZendeskPages {
    static let subdomain = "https://acme.zendesk.com"
    /// Custom field ids and what they hold (the generated pipeline maps them).
    static let accountField = 360_000_001, categoryField = 360_000_002, firstAssigneeField = 360_000_003
    static let reassignmentsField = 360_000_004, escalatedField = 360_000_005
    static let channels = ["email", "chat", "voice", "web"]

    private var pages: PageFiles
    private var last: [UInt8] = []
    private var lastUpdated: Int64 = 0
    var files: Int { pages.files }

    init(directory: String, date: CivilDate, pageSize: Int = 1000) {
        pages = PageFiles(stem: "\(directory)/zendesk_\(date)", pageSize: pageSize)
    }

    func add(_ ticket: TicketDraft, org: Organisation) throws {
        if pages.isFull {
            try flush(final: false)
            // The boundary ticket comes again at the top of the next page.
            pages.append(last)
        }
        var json: [UInt8] = []
        ZendeskPages.appendJSON(ticket, org: org, to: &json)
        pages.append(json, separator: [44])
        last = json
        lastUpdated = max(ticket.resolved ?? ticket.created, ticket.created) + 60
    }

    func finish() throws {
        try flush(final: true)
    }

    private func flush(final: Bool) throws {
        let next = final ? "null" : "\"\(ZendeskPages.subdomain)/api/v2/incremental/tickets.json?start_time=\(lastUpdated)\""
        try pages.write(prefix: "{\"tickets\":[",
                        suffix: "],\"next_page\":\(next),\"count\":\(pages.count),\"end_time\":\(lastUpdated),\"end_of_stream\":\(final)}\n")
    }

    static func appendJSON(_ t: TicketDraft, org: Organisation, to bytes: inout [UInt8]) {
        func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func string(_ text: String) { bytes.append(34); raw(text); bytes.append(34) }
        func timestamp(_ seconds: Int64) { bytes.append(34); appendUTCTimestamp(seconds, to: &bytes); bytes.append(34) }
        func field(_ id: Int, _ value: () -> Void) { raw("{\"id\":\(id),\"value\":"); value(); raw("}") }
        let updated = max(t.resolved ?? t.created, t.created) + 60
        let status = t.resolved == nil ? (t.created % 2 == 0 ? "open" : "pending") : "solved"
        raw("{\"id\":\(t.id),\"url\":\"\(subdomain)/api/v2/tickets/\(t.id).json\",\"created_at\":"); timestamp(t.created)
        raw(",\"updated_at\":"); timestamp(updated)
        raw(",\"type\":\"incident\",\"subject\":"); string(TicketDraft.categories[t.category] + " request")
        raw(",\"status\":\"\(status)\",\"priority\":\"\(TicketDraft.priorities[t.priority])\"")
        raw(",\"requester_id\":\(4_000_000_000 + t.customer),\"assignee_id\":")
        if t.resolver >= 0 { raw(org.employees[t.resolver].agentID) } else { raw("null") }
        raw(",\"via\":{\"channel\":\"\(channels[t.channel])\",\"source\":{\"from\":{},\"to\":{},\"rel\":null}}")
        raw(",\"tags\":[\"\(TicketDraft.categories[t.category])\"]")
        raw(",\"custom_fields\":[")
        field(accountField) { string("C" + pad(t.customer, 6)) }; raw(",")
        field(categoryField) { string(TicketDraft.categories[t.category]) }; raw(",")
        field(firstAssigneeField) { if t.firstAgent >= 0 { string(org.employees[t.firstAgent].agentID) } else { raw("null") } }; raw(",")
        field(reassignmentsField) { raw(String(t.reassignments)) }; raw(",")
        field(escalatedField) { raw(t.escalated ? "true" : "false") }
        raw("],\"metric_set\":{\"solved_at\":")
        if let resolved = t.resolved { timestamp(resolved) } else { raw("null") }
        raw(",\"reopens\":\(t.reopens),\"replies\":\(1 + t.reassignments + t.reopens)}}")
    }
}
