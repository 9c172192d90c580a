/// The period scores are kept by (`score.period`): one home for its key (`YYYY-MM` or
/// `YYYY-Qn`) and the key's bounds. (The SQL deriving the key from a timestamp column is the
/// warehouse's: `Warehouse/Scores/PeriodKey.swift`.)
package enum ScorePeriod: String, CaseIterable, Sendable {
    case month, quarter

    /// The half-open text range [from, to) of a period key (either kind), comparable with
    /// ISO timestamps: `2026-02` is [2026-02, 2026-03), `2026-Q4` is [2026-10, 2027-01).
    package static func bounds(of key: String) -> (from: String, to: String) {
        let year = Int(key.prefix(4)) ?? 0
        let rest = key.dropFirst(5)
        let firstMonth: Int, months: Int
        if rest.hasPrefix("Q") {
            firstMonth = ((Int(rest.dropFirst()) ?? 1) - 1) * 3 + 1
            months = 3
        } else {
            firstMonth = Int(rest) ?? 1
            months = 1
        }
        let end = year * 12 + firstMonth - 1 + months
        return ("\(year)-\(pad(firstMonth, 2))", "\(end / 12)-\(pad(end % 12 + 1, 2))")
    }
}
