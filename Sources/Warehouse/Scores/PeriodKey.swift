import AmbassadorCore

extension ScorePeriod {
    /// SQL giving the period key (`YYYY-MM` or `YYYY-Qn`) of an ISO-8601 timestamp column
    /// (text); alike on both engines.
    package func sql(column: String) -> String {
        switch self {
        case .month: return "substr(\(column), 1, 7)"
        case .quarter: return "(substr(\(column), 1, 4) || '-Q' || ((CAST(substr(\(column), 6, 2) AS INTEGER) + 2) / 3))"
        }
    }
}
