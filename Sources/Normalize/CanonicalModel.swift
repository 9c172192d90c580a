import AmbassadorCore
import Vendors

/// How a canonical field's text is coerced.
package enum FieldType: Sendable {
    case text, identifier, email, date, timestamp, integer, decimal, boolean, employeeStatus, customerEvent, ticketEvent
    /// A ticket's status and priority: one canonical vocabulary for every system (`Vocabulary`).
    case ticketStatus, priority
}

/// One field of the canonical model, with the source column names it is found under.
package struct CanonicalField: Sendable {
    package let name: String
    package let type: FieldType
    package let required: Bool
    /// Header spellings, compared after `CanonicalField.key` (lower case, letters and digits only).
    package let aliases: [String]

    init(_ name: String, _ type: FieldType, required: Bool = false, _ aliases: [String]) {
        self.name = name
        self.type = type
        self.required = required
        self.aliases = aliases
    }

    /// The comparison key of a header: lower case with everything but letters and digits removed.
    package static func key(_ header: String) -> String {
        ColumnName.aliasKey(header)
    }
}

/// A canonical entity: the staging table a source kind normalizes into.
package struct CanonicalEntity: Sendable {
    package let table: String
    package let fields: [CanonicalField]

    /// The entity for a source kind; `nil` for `raw` sources, which stay in `raw_<source>`.
    package static func forKind(_ kind: SourceKind) -> CanonicalEntity? {
        switch kind {
        case .hrRoster: return employee
        case .tickets: return ticket
        case .customerEvents: return customerEvent
        case .ticketEvents: return ticketEvent
        case .survey, .raw: return nil
        }
    }

    /// An HR roster row (DESIGN.md, "HR rosters").
    package static let employee = CanonicalEntity(table: "stg_employee", fields: [
        CanonicalField("employee_id", .identifier, required: true,
                       ["employee id", "employee_id", "employeeid", "emp id", "eeid", "employee number", "employee no",
                        "worker id", "person id", "id"]),
        CanonicalField("name", .text, ["name", "full name", "employee name", "display name", "worker@descriptor", "preferred name"]),
        CanonicalField("email", .email, ["email", "work email", "email address", "e-mail", "business email"]),
        CanonicalField("team", .text, ["team", "department", "dept", "team name", "group", "division", "org unit",
                                        "supervisory organization@descriptor"]),
        CanonicalField("manager_id", .identifier,
                       ["manager id", "manager_id", "supervisor id", "supervisor eid", "reports to id", "manager employee id", "supervisor eeid"]),
        CanonicalField("role", .text, ["role", "job title", "title", "position", "job"]),
        CanonicalField("location", .text, ["location", "office", "site", "work location", "city"]),
        CanonicalField("hire_date", .date, ["hire date", "hired", "start date", "original hire date", "date of hire"]),
        CanonicalField("termination_date", .date,
                       ["termination date", "term date", "end date", "last day", "separation date"]),
        CanonicalField("status", .employeeStatus, ["status", "employment status", "employee status"]),
        CanonicalField("agent_ids", .text,
                       ["agent ids", "agent id", "zendesk user id", "zendesk id", "ticketing id", "servicenow sys id",
                        "freshdesk agent id"]),
        CanonicalField("snapshot_date", .date, ["snapshot date", "as of", "as of date", "report date"]),
    ])

    /// One event of the customer-events feed. Churn is an event here, never silence.
    package static let customerEvent = CanonicalEntity(table: "stg_customer_event", fields: [
        CanonicalField("customer_id", .identifier, required: true,
                       ["customer id", "customer", "account id", "account", "client id", "requester id"]),
        CanonicalField("event", .customerEvent, required: true, ["event", "event type", "type", "action", "activity"]),
        CanonicalField("occurred_at", .timestamp, required: true,
                       ["occurred at", "date", "event date", "timestamp", "time", "created at", "effective date"]),
        CanonicalField("amount", .decimal, ["amount", "value", "revenue", "arr", "mrr", "price"]),
    ])

    /// One line of a ticket event log.
    package static let ticketEvent = CanonicalEntity(table: "stg_ticket_event", fields: [
        CanonicalField("ticket_id", .identifier, required: true, ["ticket id", "ticket", "ticket number", "incident", "id"]),
        CanonicalField("occurred_at", .timestamp, required: true,
                       ["occurred at", "timestamp", "time", "created at", "event time", "date"]),
        CanonicalField("event", .ticketEvent, required: true, ["event", "event type", "type", "action"]),
        CanonicalField("actor_id", .identifier, ["actor", "actor id", "author id", "author", "agent id", "user id", "updater id", "by"]),
    ])

    /// A support ticket (one row per ticket, its latest state).
    package static let ticket = CanonicalEntity(table: "stg_ticket", fields: [
        CanonicalField("ticket_id", .identifier, required: true,
                       ["ticket id", "ticket_id", "ticket number", "incident number", "number", "id"]),
        CanonicalField("customer_id", .identifier,
                       ["customer id", "requester id", "requester", "customer", "account id", "caller id", "caller", "req id"]),
        CanonicalField("created_at", .timestamp, required: true,
                       ["created at", "created", "opened at", "opened", "creation date", "created date"]),
        CanonicalField("updated_at", .timestamp, ["updated at", "updated", "last updated", "sys updated on", "modified"]),
        CanonicalField("resolved_at", .timestamp,
                       ["solved at", "resolved at", "resolved", "solved", "closed at", "closed"]),
        CanonicalField("status", .ticketStatus, ["status", "state", "ticket status", "incident state"]),
        CanonicalField("priority", .priority, ["priority", "urgency"]),
        CanonicalField("channel", .text, ["channel", "via", "via channel", "contact type", "source"]),
        CanonicalField("category", .text, ["category", "ticket type", "type", "issue type", "topic"]),
        CanonicalField("first_assignee_id", .identifier,
                       ["first assignee id", "first assignee", "initial assignee", "first agent id"]),
        CanonicalField("assignee_id", .identifier,
                       ["assignee id", "assignee", "assigned to", "agent id", "responder id", "resolver id", "solver id"]),
        CanonicalField("reassignments", .integer,
                       ["reassignments", "reassignment count", "assignee stations", "transfers"]),
        CanonicalField("reopens", .integer, ["reopens", "reopen count", "reopened count"]),
        CanonicalField("escalated", .boolean, ["escalated", "escalation", "is escalated"]),
    ])
}

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
