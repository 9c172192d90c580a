import AmbassadorCore

/// The canonical words of a field and every spelling exports use for them, compared as
/// `Coercer.key` (lower case, letters and digits only: `Awaiting User Info` → `awaitinguserinfo`).
/// A word no spelling matches is *unmapped*: counted per value and reported, never stored as
/// if it were canonical (see `ByteCoerced.unmapped`).
package struct Vocabulary: Sendable {
    /// spelling key → canonical word.
    let canonical: [String: String]
    /// What an unmapped value becomes: nil (NULL), or a catch-all word for event kinds, whose
    /// rows are kept.
    package let fallback: String?

    init(_ words: [String: [String]], fallback: String? = nil) {
        var table: [String: String] = [:]
        for (word, spellings) in words {
            table[word.filter { $0.isLetter || $0.isNumber }.lowercased()] = word
            for spelling in spellings { table[spelling] = word }
        }
        canonical = table
        self.fallback = fallback
    }

    /// A ticket's status in every system's words (Zendesk, Freshdesk, ServiceNow display
    /// values, Jira, Freshservice) — the canonical statuses are new, open, pending, hold,
    /// solved, closed, canceled and deleted.
    package static let ticketStatus = Vocabulary([
        "new": ["new", "created", "unassigned", "untriaged", "todo", "backlog"],
        "open": ["open", "opened", "inprogress", "workinprogress", "active", "assigned", "reopened", "inreview", "working"],
        "pending": ["pending", "awaitinguserinfo", "awaitinguser", "awaitingcaller", "awaitingcustomer", "awaitinginfo",
                    "waiting", "waitingoncustomer", "waitingforcustomer", "pendingcustomer", "awaitingevidence", "awaitingvendor",
                    "waitingonthirdparty", "waitingforsupport"],
        "hold": ["hold", "onhold"],
        "solved": ["solved", "resolved", "done", "fixed", "completed", "complete", "closedcomplete"],
        "closed": ["closed", "archived", "closedincomplete"],
        "canceled": ["canceled", "cancelled", "closedskipped", "withdrawn", "rejected", "duplicate", "wontdo", "wontfix"],
        "deleted": ["deleted", "spam"],
    ])

    /// Priorities: low, normal, high, urgent (ServiceNow's `3 - Moderate`, Jira's `Highest`,
    /// Freshdesk's `medium`).
    package static let priority = Vocabulary([
        "low": ["low", "lowest", "minor", "trivial", "planning", "4low", "5planning", "p4", "p5"],
        "normal": ["normal", "medium", "moderate", "standard", "3moderate", "p3"],
        "high": ["high", "major", "2high", "p2"],
        "urgent": ["urgent", "critical", "highest", "blocker", "emergency", "1critical", "p1"],
    ])

    package static let employeeStatus = Vocabulary([
        EmployeeStatus.active.rawValue: ["active", "a", "employed", "current"],
        EmployeeStatus.terminated.rawValue: ["terminated", "inactive", "t", "term", "left", "separated", "former"],
        EmployeeStatus.leave.rawValue: ["leave", "onleave", "loa", "l"],
    ])

    /// Customer events; any other kind (a Stripe `invoice.created`, say) is `other`.
    package static let customerEvent = Vocabulary([
        CustomerEvent.renewal.rawValue: ["renewal", "renew", "renewed", "contractrenewal"],
        CustomerEvent.purchase.rawValue: ["purchase", "order", "repurchase", "upsell", "expansion", "purchased"],
        CustomerEvent.cancellation.rawValue: ["cancellation", "cancel", "cancelled", "canceled", "churn", "churned", "nonrenewal", "termination"],
        CustomerEvent.referral.rawValue: ["referral", "refer", "referred", "recommendation"],
    ], fallback: CustomerEvent.other.rawValue)

    /// Ticket events; any other kind (a field change, a tag) is `other`.
    package static let ticketEvent = Vocabulary([
        TicketEvent.created.rawValue: ["created", "create", "opened", "open", "new"],
        TicketEvent.assigned.rawValue: ["assigned", "assign", "assignment"],
        TicketEvent.reassigned.rawValue: ["reassigned", "reassign", "transfer", "transferred", "reassignment"],
        TicketEvent.agentMessage.rawValue: ["agentmessage", "agentreply", "publicreply", "reply", "agentcomment", "outbound", "followup"],
        TicketEvent.customerMessage.rawValue: ["customermessage", "customerreply", "requesterreply", "inbound", "customercomment"],
        TicketEvent.internalNote.rawValue: ["internalnote", "privatenote", "note", "privatecomment"],
        TicketEvent.solved.rawValue: ["solved", "solve", "resolved", "resolve"],
        TicketEvent.reopened.rawValue: ["reopened", "reopen"],
        TicketEvent.escalated.rawValue: ["escalated", "escalate", "escalation", "complaint"],
        TicketEvent.closed.rawValue: ["closed", "close"],
    ], fallback: TicketEvent.other.rawValue)

    /// The vocabulary of a field type, if it has one.
    package static func of(_ type: FieldType) -> Vocabulary? {
        switch type {
        case .ticketStatus: return ticketStatus
        case .priority: return priority
        case .employeeStatus: return employeeStatus
        case .customerEvent: return customerEvent
        case .ticketEvent: return ticketEvent
        default: return nil
        }
    }
}
