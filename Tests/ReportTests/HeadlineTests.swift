import XCTest
@testable import Report

/// The wording rule of docs/SCORING.md §3: "followed by" only when the forward test holds and
/// the reverse check does not; "associated with" (with the reason) when both hold; no claim of
/// a link when the forward interval includes 0.
final class HeadlineTests: XCTestCase {
    private func data(forward p: Double, low: Double, high: Double, reverse reverseP: Double?) -> ReportData {
        var data = ReportData(threshold: 5)
        func row(_ model: String, _ predictor: String, _ estimate: Double, _ low: Double, _ high: Double, _ p: Double, confirmatory: Bool) -> ReportData.EstimateRow {
            ReportData.EstimateRow(outcome: "REPEAT", model: model, predictor: predictor, estimate: estimate, oddsRatio: exp(estimate),
                                   standardError: 0.05, low: low, high: high, p: p, q: nil, confirmatory: confirmatory, tickets: 40_000,
                                   agents: 480, teams: 60, events: 5_000, parameters: 20, method: "logistic (IRLS)",
                                   exposure: "", outcomeWindow: "tickets opened 7 days to 6 months after the wave; outcome within 7 days of resolution",
                                   underpowered: false, powerR20: 0.4, powerR30: 0.7, status: "ok", note: "", inputHash: "", settingsHash: "")
        }
        data.estimates = [row("confirmatory", "team_self_index", (low + high) / 2, low, high, p, confirmatory: true)]
        if let reverseP {
            data.estimates.append(row("reverse", "reverse_prior_outcome_rate", -0.3, -0.5, reverseP < 0.05 ? -0.1 : 0.1, reverseP, confirmatory: false))
        }
        return data
    }

    func testFollowedByOnlyWhenTheForwardTestHoldsAndTheReverseCheckDoesNot() {
        let supported = Headline.make(data(forward: 0.004, low: -0.20, high: -0.05, reverse: 0.40))
        XCTAssertTrue(supported.sentence.contains("were followed by"), supported.sentence)
        XCTAssertTrue(supported.sentence.contains("lower odds of a repeat contact"), supported.sentence)

        let both = Headline.make(data(forward: 0.004, low: -0.20, high: -0.05, reverse: 0.01))
        XCTAssertTrue(both.sentence.contains("were associated with"), both.sentence)
        XCTAssertTrue(both.details.contains { $0.hasPrefix("Why \"associated with\"") }, "\(both.details)")

        let noReverse = Headline.make(data(forward: 0.004, low: -0.20, high: -0.05, reverse: nil))
        XCTAssertTrue(noReverse.sentence.contains("were associated with"), "no reverse check: no claim of direction")

        let none = Headline.make(data(forward: 0.40, low: -0.10, high: 0.08, reverse: 0.50))
        XCTAssertTrue(none.sentence.hasPrefix("The data do not show a link"), none.sentence)
        XCTAssertFalse(none.details.contains { $0.contains("associated with") }, "no link, no wording to explain: \(none.details)")
    }
}
