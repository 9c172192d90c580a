import AmbassadorCore
import Vendors

/// Code tables vendors document for their exports, applied under a pipeline's own
/// `values:` (which win, key by key).
package enum BuiltInValueMaps {
    /// A conversation log with no event column (Freshdesk's `/tickets/{id}/conversations`):
    /// the event is read from its `incoming` and `private` flags, joined by a space (see
    /// `FieldPlan`) — a customer's message, an agent's internal note, or an agent's reply.
    static let conversationEvents: [String: String] = [
        "true false": "customer_message", "true true": "customer_message", "true": "customer_message",
        "false true": "internal_note", "false false": "agent_message", "false": "agent_message",
        "1 0": "customer_message", "1 1": "customer_message", "0 1": "internal_note", "0 0": "agent_message",
    ]

    /// canonical field → (source value → canonical value) for a source of `kind` in `format`.
    package static func forFormat(_ format: SourceFormat, kind: SourceKind) -> [String: [String: String]] {
        kind == .ticketEvents ? ["event": conversationEvents].merging(codes(format)) { _, vendor in vendor } : codes(format)
    }

    /// The vendor's own codes (Vendors, one file per vendor).
    private static func codes(_ format: SourceFormat) -> [String: [String: String]] {
        Vendors.named(format)?.valueMaps ?? [:]
    }
}
