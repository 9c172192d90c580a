/// Scoring settings (SCORING.md); defaults are the specification's.
package struct ScoreConfig: Sendable, Equatable {
    /// What scores are kept by: `month` or `quarter`.
    package var period: ScorePeriod = .month
    package var anonymityThreshold: Int = 5
    /// Pseudo-tickets used to shrink an agent's rate toward the team mean.
    package var shrinkagePseudoTickets: Double = 20
    /// Wild cluster bootstrap draws (at least 999 for reported results) and their seed.
    package var bootstrapDraws: Int = 999
    package var seed: UInt64 = 20_120_101
    /// The employee pulse survey source; nil means the first survey source with employee respondents.
    package var pulseSource: String? = nil
    /// The relationship (advocacy) survey source; nil means every customer survey source whose
    /// responses are not tied to tickets.
    package var relationshipSource: String? = nil
    /// Pulse items per leg (company, value proposition, customer); nil means the pulse
    /// source's first nine items in file order, three per leg, as the instrument orders them.
    package var legs: [String: [String]]? = nil
    /// Customer-survey items: satisfaction, effort, NPS and the agent items (CX_EMP). Nil
    /// entries are found by the item's question text.
    package var surveyItems: [String: [String]] = [:]
    /// Outcome windows in days (SCORING.md §2).
    package var windows: [Outcome: Int] = ScoreConfig.defaultWindows
    /// Exposure: behaviour in the `exposureDays` before a wave closes; outcome tickets opened
    /// from `outcomeLagDays` to `outcomeMonths` months after it.
    package var exposureDays: Int = 90
    package var outcomeLagDays: Int = 7
    package var outcomeMonths: Int = 6
    /// Where to write each linkage model's rows as CSV (`score --export-designs`); not a setting of the scores.
    package var exportDesigns: String? = nil

    /// Every outcome's default window (`score.windows` accepts the outcomes' names as keys).
    package static let defaultWindows = Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0, $0.defaultWindowDays) })

    /// The window of `outcome` in days: the setting, else its default.
    package func window(for outcome: Outcome) -> Int {
        windows[outcome] ?? outcome.defaultWindowDays
    }
    package static let legNames = ["company", "value_proposition", "customer"]
    package static let surveyItemRoles = ["csat", "effort", "nps", "cx_emp"]

    package init(period: ScorePeriod = .month, anonymityThreshold: Int = 5, shrinkagePseudoTickets: Double = 20) {
        self.period = period
        self.anonymityThreshold = anonymityThreshold
        self.shrinkagePseudoTickets = shrinkagePseudoTickets
    }

    /// Everything that changes a score, as one canonical line (hashed into `linkage_estimate`).
    package var fingerprint: String {
        let legText = (legs ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: "+"))" }.joined(separator: ";")
        let itemText = surveyItems.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: "+"))" }.joined(separator: ";")
        let windowText = windows.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ";")
        return "period=\(period)|k=\(anonymityThreshold)|shrink=\(shrinkagePseudoTickets)|draws=\(bootstrapDraws)|seed=\(seed)"
            + "|pulse=\(pulseSource ?? "auto")|relationship=\(relationshipSource ?? "auto")|legs=\(legText)|items=\(itemText)|windows=\(windowText)"
            + "|exposure=\(exposureDays)|lag=\(outcomeLagDays)|months=\(outcomeMonths)"
    }
}
