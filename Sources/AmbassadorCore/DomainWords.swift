/// The canonical words normalize writes and the later stages filter by: one home for each
/// (issue 20). Normalize maps vendor words onto them (Vocabulary); Load checks them; Score
/// matches them exactly instead of guessing with `LIKE '%reopen%'`.

/// A ticket event in `fact_ticket_event.event`.
package enum TicketEvent: String, CaseIterable, Sendable {
    case created, assigned, reassigned, solved, reopened, escalated, closed
    case agentMessage = "agent_message"
    case customerMessage = "customer_message"
    case internalNote = "internal_note"
    /// Anything no vocabulary knows (a field change, a tag).
    case other

    /// The messages a FOLLOWUP can be (a note is not a message to the customer).
    package static let messages: [TicketEvent] = [.agentMessage, .customerMessage]
}

/// A customer event in `fact_customer_event.event`.
package enum CustomerEvent: String, CaseIterable, Sendable {
    case renewal, purchase, cancellation, referral
    /// Anything no vocabulary knows (a Stripe `invoice.created`, say).
    case other
}

/// An employee's status in `dim_employee.status`; `left` is written by the history itself
/// for someone absent from a later roster.
package enum EmployeeStatus: String, CaseIterable, Sendable {
    case active, terminated, leave, left
}

extension Sequence where Element: RawRepresentable, Element.RawValue == String {
    /// `'a', 'b'` for an SQL `IN (…)` list of code constants (never user input).
    package var sqlList: String { map { "'\($0.rawValue)'" }.joined(separator: ", ") }
}

/// The domain's words print as the warehouse and pipeline files spell them (`agent_message`,
/// `hr_roster`, `REPEAT`), never as Swift's case names, wherever a message interpolates one.
extension TicketEvent: CustomStringConvertible { package var description: String { rawValue } }
extension CustomerEvent: CustomStringConvertible { package var description: String { rawValue } }
extension EmployeeStatus: CustomStringConvertible { package var description: String { rawValue } }
extension SourceKind: CustomStringConvertible { package var description: String { rawValue } }
extension Outcome: CustomStringConvertible { package var description: String { rawValue } }
