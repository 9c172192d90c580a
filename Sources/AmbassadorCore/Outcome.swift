/// What a customer does after a resolved ticket (SCORING.md §2): one home for each outcome's
/// name, its column in `fact_ticket_outcome`, its default window and its direction. Normalize
/// never sees these; Score computes and filters by them; the config's `score.windows` keys
/// are their names.
package enum Outcome: String, CaseIterable, Sendable {
    case `repeat` = "REPEAT"
    case reopen = "REOPEN"
    case escalate = "ESCALATE"
    case churn = "CHURN"
    case renew = "RENEW"
    case referral = "REFERRAL"

    /// The column of `fact_ticket_outcome` (and `v_ticket`) that holds it.
    package var column: String { rawValue.lowercased() }

    /// Days after resolution the outcome is watched for, unless `score.windows` says otherwise.
    package var defaultWindowDays: Int {
        switch self {
        case .repeat: return 7
        case .reopen: return 14
        case .escalate: return 30
        case .churn: return 90
        case .renew: return 180
        case .referral: return 90
        }
    }

    /// True when more of it is worse for the business (the sign of a good predictor's AUC).
    package var isAdverse: Bool {
        switch self {
        case .repeat, .reopen, .escalate, .churn: return true
        case .renew, .referral: return false
        }
    }
}
