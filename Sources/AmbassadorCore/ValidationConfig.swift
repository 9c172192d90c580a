/// Plausibility rules for dates and timestamps, checked at normalize.
package struct ValidationConfig: Sendable, Equatable {
    /// No date or timestamp may be before this (e.g. the company's founding).
    package var earliest: CivilDate? = nil
    /// Days after the run date a date may lie (clock skew, planned hires); nil: no limit for
    /// calendar dates, and `defaultEventDaysAfterRunDate` for timestamps and snapshot dates.
    package var maxDaysAfterRunDate: Int? = nil
    /// How far after the run date a timestamp or snapshot date may lie when no limit is set.
    package static let defaultEventDaysAfterRunDate = 2
    /// The largest share of the previous roster snapshot's employees a new snapshot may drop
    /// at once; a larger drop (a truncated export) is held back until confirmed.
    package var maxRosterDrop: Double = 0.2
    /// Numeric canonical field (`reassignments`, `reopens`, `amount`) → the values it may take.
    package var ranges: [String: ClosedRange<Double>] = [:]
    /// Survey item patterns (`Q1`, `Q3_*`) → the answers they may take, first match wins.
    package var answerRanges: [AnswerRange] = []
    /// Canonical text field → its accepted values (compared without case, after value maps).
    package var accepted: [String: [String]] = [:]

    /// The range of a survey item's answers.
    package struct AnswerRange: Sendable, Equatable {
        package var pattern: String
        package var range: ClosedRange<Double>

        package init(pattern: String, range: ClosedRange<Double>) {
            self.pattern = pattern
            self.range = range
        }
    }

    /// `1–5`, `0–10`, `0.5–2.5` (or `1 to 5` with `joiner: " to "`): a range as the reasons print it.
    package static func describe(_ range: ClosedRange<Double>, joiner: String = "–") -> String {
        func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        return number(range.lowerBound) + joiner + number(range.upperBound)
    }

    package init(earliest: CivilDate? = nil, maxDaysAfterRunDate: Int? = nil) {
        self.earliest = earliest
        self.maxDaysAfterRunDate = maxDaysAfterRunDate
    }
}
