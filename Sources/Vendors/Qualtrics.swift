/// Qualtrics: the CSV export in its three layouts (export tags, question texts, ImportId JSON
/// row; the 2017 Python-dict ImportIds; the legacy `V1,V2,…` row) and the XML export
/// (`<Responses><Response>`). Elsewhere: the header layout (CSVLayout.qualtrics), which
/// columns are answers (SurveyColumns: question ImportIds), the ImportId row's time zones
/// (SurveyNormalizer).
package enum Qualtrics {
    package static let csv = VendorFormat(name: .qualtricsCSV, vendor: "Qualtrics", container: .csv) { head in
        // Records, not lines: question texts hold line breaks.
        let records = head.records
        if let first = records.first, first.hasPrefix("V1,V2") { return true }
        guard records.count > 2 else { return false }
        return records[2].hasPrefix("{\"ImportId\"") || records[2].hasPrefix("\"{\"\"ImportId\"\"") || records[2].hasPrefix("{'ImportId'")
    }
    package static let xml = VendorFormat(name: .qualtricsXML, vendor: "Qualtrics", container: .xml) { $0.xmlRoot == "Responses" }
}
