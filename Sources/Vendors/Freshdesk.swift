/// Freshdesk (and Freshservice, which numbers its codes the same way): API v2 pages, a ticket
/// list as a top-level array or under `tickets`. Its status, priority and source are integers.
/// Elsewhere: conversations become events (BuiltInValueMaps.conversationEvents).
package enum Freshdesk {
    static let codes: [String: [String: String]] = [
        "status": ["2": "open", "3": "pending", "4": "resolved", "5": "closed"],
        "priority": ["1": "low", "2": "medium", "3": "high", "4": "urgent"],
        "channel": ["1": "email", "2": "portal", "3": "phone", "7": "chat", "9": "feedback_widget", "10": "outbound_email"],
    ]

    /// Recognised by its own fields before Zendesk's `tickets` key (Freshservice pages use it too).
    package static let json = VendorFormat(name: .freshdeskJSON, vendor: "Freshdesk", container: .json, valueMaps: codes) { head in
        head.text.contains("\"fr_escalated\"") || head.text.contains("\"responder_id\"")
    }
}
