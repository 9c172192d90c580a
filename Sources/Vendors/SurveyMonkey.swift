import Foundation
/// SurveyMonkey: the CSV export with two header rows (question, then sub-answer). Its API v3
/// `responses/bulk` pages are refused by the survey normalizer (answers are choice ids).
/// Elsewhere: the header layout (CSVLayout.surveyMonkey), its metadata columns (SurveyColumns).
package enum SurveyMonkey {
    /// Recognised by its first header cell — the respondent id, or the start date when the
    /// id columns were cut (FiveThirtyEight's published exports) — and a second header row
    /// that names sub-answers `Response` or `Open-Ended Response`. Qualtrics, whose exports
    /// also start with `StartDate`, is tried first and has no such row.
    package static let csv = VendorFormat(name: .surveymonkeyCSV, vendor: "SurveyMonkey", container: .csv) { head in
        guard let first = head.records.first, head.records.count > 1,
              ["RespondentID", "Respondent ID", "CollectorID", "StartDate,EndDate"].contains(where: { first.hasPrefix($0) }) else { return false }
        let cells = head.records[1].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" \r\n")) }
        return cells.contains("Response") || cells.contains("Open-Ended Response")
    }
}
