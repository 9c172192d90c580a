/// Fatal problems of the score stage. Statistical trouble (separation, too few teams) is
/// not an error: it is stored in the estimate's status and shown in the report.
package enum ScoreError: Error, CustomStringConvertible, Equatable {
    /// The configured pulse survey source does not exist or has no employee responses.
    case pulseSource(name: String, reason: String, expected: String)
    /// An outcome ticket opened before its exposure window closed reached a model: a bug,
    /// never a data problem, so the stage stops rather than publish a circular estimate.
    case timeOrder(ticket: String, openedAt: String, waveClosedAt: String)
    /// An outcome in `fact_ticket_outcome` that is neither 0 nor 1: a bug in the outcome
    /// table, so the stage stops rather than fit a model on it.
    case nonBinaryOutcome(ticket: String, outcome: String, value: Double)
    /// The warehouse holds no facts at all: nothing was loaded yet (exit 66, no input).
    case noData(warehouse: String)
    /// The pulse source is configured but none of its responses is loaded yet (a warning: the
    /// rest is scored).
    case noPulseResponses(name: String)
    /// A stored timestamp the stage cannot read: the warehouse holds UTC ISO-8601 text only,
    /// so this is a bug upstream, and no window is computed from it.
    case timestamp(table: String, value: String)

    package var description: String {
        switch self {
        case let .pulseSource(name, reason, expected):
            return "score.pulse_source '\(name)': \(reason); expected \(expected)"
        case let .noData(warehouse):
            return "\(warehouse): nothing to score: the warehouse holds no employees, tickets, survey responses or customer events yet; expected `ambassador run` (or extract, normalize and load) on the inbox first"
        case let .noPulseResponses(name):
            return "score.pulse_source '\(name)': no pulse responses are loaded yet, so there are no team scores and no linkage; expected the pulse survey's files in its inbox (see `ambassador status`)"
        case let .nonBinaryOutcome(ticket, outcome, value):
            return "fact_ticket_outcome: ticket \(ticket) has \(outcome) = \(value); expected 0, 1 or NULL (an outcome happened or not)"
        case let .timestamp(table, value):
            return "\(table): the timestamp '\(value)' is not UTC ISO-8601 text; expected YYYY-MM-DDTHH:MM:SSZ (or a date YYYY-MM-DD), as normalize stores them"
        case let .timeOrder(ticket, openedAt, waveClosedAt):
            return "ticket \(ticket): opened \(openedAt), before its exposure wave closed at \(waveClosedAt) plus the lag; "
                + "expected every outcome ticket to open after the exposure window (SCORING.md §3)"
        }
    }
}
