/// How a canonical field's text is coerced.
package enum FieldType: Sendable {
    case text, identifier, email, date, timestamp, integer, decimal, boolean, employeeStatus, customerEvent, ticketEvent
    /// A ticket's status and priority: one canonical vocabulary for every system (`Vocabulary`).
    case ticketStatus, priority

    /// The SQL type of the staging and fact columns that hold it.
    package var sqlType: String {
        switch self {
        case .integer, .boolean: return "INTEGER"
        case .decimal: return "REAL"
        case .text, .identifier, .email, .date, .timestamp, .employeeStatus, .customerEvent, .ticketEvent, .ticketStatus, .priority:
            return "TEXT"
        }
    }
}
