import AmbassadorCore

/// Writes a month of tickets as a ServiceNow XML unload of the `incident` table (one file a
/// month, `<unload>` with `<incident action="INSERT_OR_UPDATE">` records): numbered
/// `INC0…`, naive instance-time timestamps, integer `state` and `priority` codes, references
/// with their `display_value`, and an attachment record the loader must skip. The account and
/// the first assignee travel in custom `u_` columns, as instances usually add them.
enum ServiceNowWriter {
    /// ServiceNow's priority codes for the generator's low, normal, high, urgent.
    static let priorityCodes = ["4", "3", "2", "1"]
    static let channels = ["email", "chat", "phone", "web"]

    static func header(date: CivilDate) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<unload unload_date=\"\(date) 23:59:59\">\n"
    }

    static let footer = "<sys_attachment action=\"INSERT_OR_UPDATE\"><file_name>export-notes.txt</file_name><table_name>incident</table_name></sys_attachment>\n</unload>\n"

    /// `YYYY-MM-DD HH:MM:SS` (the instance's naive display format).
    static func appendTime(_ seconds: Int64, to bytes: inout [UInt8]) {
        let start = bytes.count
        appendUTCTimestamp(seconds, to: &bytes)
        bytes[start + 10] = 32  // 'T' → ' '
        bytes.removeLast()      // the 'Z'
    }

    static func appendXML(_ t: TicketDraft, org: Organisation, to bytes: inout [UInt8]) {
        func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }
        func element(_ name: String, _ body: () -> Void) { raw("<\(name)>"); body(); raw("</\(name)>") }
        func agent(_ name: String, _ index: Int) {
            guard index >= 0 else { raw("<\(name)/>"); return }
            let employee = org.employees[index]
            raw("<\(name) display_value=\""); raw(markupEscaped(employee.name)); raw("\">\(employee.agentID)</\(name)>")
        }
        let updated = max(t.resolved ?? t.created, t.created) + 60
        let state = t.resolved == nil ? (t.created % 2 == 0 ? "2" : "3") : "6"
        raw("<incident action=\"INSERT_OR_UPDATE\">")
        element("number") { raw(t.id) }
        element("opened_at") { appendTime(t.created, to: &bytes) }
        element("sys_updated_on") { appendTime(updated, to: &bytes) }
        if let resolved = t.resolved { element("resolved_at") { appendTime(resolved, to: &bytes) } } else { raw("<resolved_at/>") }
        element("state") { raw(state) }
        element("priority") { raw(priorityCodes[t.priority]) }
        element("contact_type") { raw(channels[t.channel]) }
        element("category") { raw(TicketDraft.categories[t.category]) }
        element("short_description") { raw(TicketDraft.categories[t.category] + " request") }
        element("u_account") { raw("C" + pad(t.customer, 6)) }
        agent("u_first_assigned_to", t.firstAgent)
        agent("assigned_to", t.resolver)
        element("reassignment_count") { raw(String(t.reassignments)) }
        element("reopen_count") { raw(String(t.reopens)) }
        element("escalation") { raw(t.escalated ? "1" : "0") }
        raw("</incident>\n")
    }
}
