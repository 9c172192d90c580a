/// What a source holds; decides which canonical entity normalize maps it to.
package enum SourceKind: String, Sendable, CaseIterable {
    case hrRoster = "hr_roster"
    case tickets = "tickets"
    /// An account/CRM feed: customer, event (renewal, purchase, cancellation, referral), date, amount.
    case customerEvents = "customer_events"
    /// A ticket event log: ticket, time, event (assigned, agent_message, solved, reopened, …), actor.
    case ticketEvents = "ticket_events"
    /// Survey responses: customer (transactional, relationship) or employee (pulse).
    case survey = "survey"
    /// Extracted into `raw_<source>` only: no canonical mapping (yet) — e.g. surveys and
    /// event logs until their stages exist. Normalize leaves such files alone.
    case raw = "raw"
}
