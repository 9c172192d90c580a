/// A canonical entity: the staging table a source kind normalizes into, and its fields —
/// the one list the config's `fields:`/`values:`/`privacy:` keys are checked against, the
/// normalizers map columns onto, the load merges copy, and the staging DDL is tested against
/// (`CanonicalEntityTests`). Migrations stay frozen history; that test keeps them in step.
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
        case .survey: return surveyResponse
        case .raw: return nil
        }
    }

    /// Every entity, in the order the data dictionary lists them.
    package static let all: [CanonicalEntity] = [employee, ticket, ticketEvent, customerEvent, surveyResponse]

    /// The names of its fields, in order.
    package var fieldNames: [String] { fields.map(\.name) }

    /// One response of a survey export (its answers are `stg_survey_answer`, one row per item).
    /// An employee survey keeps only `SurveyColumns.employeeFields` of these.
    package static let surveyResponse = CanonicalEntity(table: "stg_survey_response", fields: [
        CanonicalField("response_id", .identifier, required: true,
                       ["response id", "responseid", "_recordid", "respondent id", "respondentid", "response"]),
        CanonicalField("respondent_id", .identifier,
                       ["recipient email", "email address", "emailaddress", "respondent email", "email"]),
        CanonicalField("ticket_id", .identifier,
                       ["ticket id", "ticket", "external reference", "external data reference", "externaldatareference"]),
        CanonicalField("team", .text, column: "team_id", ["team", "team id", "department", "team name"]),
        CanonicalField("submitted_at", .timestamp,
                       ["recorded date", "recordeddate", "end date", "enddate", "submitted at", "date submitted"]),
        CanonicalField("finished", .boolean, ["finished", "completed"]),
    ])

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
