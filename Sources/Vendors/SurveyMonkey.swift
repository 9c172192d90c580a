/// SurveyMonkey: the CSV export with two header rows (question, then sub-answer). Its API v3
/// `responses/bulk` pages are refused by the survey normalizer (answers are choice ids).
/// Elsewhere: the header layout (CSVLayout.surveyMonkey), its metadata columns (SurveyColumns).
package enum SurveyMonkey {
    package static let csv = VendorFormat(name: .surveymonkeyCSV, vendor: "SurveyMonkey", container: .csv) { head in
        guard let first = head.records.first, first.hasPrefix("RespondentID") || first.hasPrefix("Respondent ID"),
              head.records.count > 1 else { return false }
        return head.records[1].contains(",Response")
    }
}
