import AmbassadorCore
import Foundation

/// The linkage headline in plain words (SCORING.md §3): the confirmatory estimate as an
/// odds ratio with its interval; "is associated with" unless the forward test holds and the
/// reverse-direction check does not.
package struct Headline {
    package var sentence: String
    package var details: [String]

    package static func make(_ data: ReportData) -> Headline {
        guard let row = data.confirmatory, let estimate = row.estimate, let low = row.low, let high = row.high, let p = row.p else {
            let status = data.confirmatory?.status ?? "the score stage has not produced it"
            return Headline(sentence: "No confirmatory estimate yet: \(status).", details: [])
        }
        let reverse = data.estimates.first { $0.outcome == "REPEAT" && $0.predictor == "reverse_prior_outcome_rate" }
        let significant = p < 0.05 && (high < 0 || low > 0)
        let reverseHolds = (reverse?.p).map { $0 < 0.05 } ?? true
        let supported = significant && !reverseHolds
        let ratio = exp(estimate)
        let change = abs(1 - ratio) * 100
        let direction = ratio < 1 ? "lower" : "higher"
        let verb = supported ? "were followed by" : "were associated with"
        let window = row.outcomeWindow.components(separatedBy: "within ").last.map { "within " + $0 } ?? ""
        var sentence: String
        let interval = "odds ratio \(fixedPoint(ratio, 2)), 95% interval \(fixedPoint(exp(low), 2))–\(fixedPoint(exp(high), 2)); p = \(pText(p)), wild cluster bootstrap over \(row.teams) teams and \(row.tickets) tickets"
        if significant {
            sentence = "Teams one standard deviation higher in self-reported ambassadorship \(verb) \(fixedPoint(change, 1))% \(direction) odds of a repeat contact (the same customer, same category) \(window) (\(interval))."
        } else {
            sentence = "The data do not show a link between teams' self-reported ambassadorship and repeat contacts: the 95% interval includes no difference (\(interval))."
        }
        var details: [String] = []
        if let reverse, let rp = reverse.p, let re = reverse.estimate {
            details.append("Reverse-direction check (does a team's earlier repeat rate move its next ambassadorship score?): "
                + "\(fixedPoint(re, 2)) SD per SD, p = \(pText(rp)) — " + (rp < 0.05 ? "it does, so the direction of the link is not established." : "not supported."))
        } else {
            details.append("The reverse-direction check could not be computed, so the direction of any link is not established.")
        }
        if supported {
            details.append("The forward test holds and the reverse check does not: the wording says \"followed by\". This is still observational data, not an experiment.")
        } else if significant {
            // Only a link found needs its wording explained; "no link" needs none.
            details.append("Why \"associated with\" and not \"followed by\": the reverse check shows (or cannot rule out) that a team's earlier repeat contacts move its later answers, so which way the influence runs is not established.")
        }
        if row.underpowered {
            let reason = (row.note.components(separatedBy: ";").first ?? row.note).replacingOccurrences(of: "underpowered: ", with: "")
            details.append("Underpowered (\(reason)): treat the estimate as indicative.")
        }
        return Headline(sentence: sentence, details: details)
    }

    /// A p-value as text: three decimals, or "< 0.001".
    package static func pText(_ p: Double) -> String {
        p < 0.001 ? "< 0.001" : fixedPoint(p, 3)
    }
}
