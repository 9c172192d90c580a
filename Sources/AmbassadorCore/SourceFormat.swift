/// A reader format a pipeline's `format:` (and `preview --format`) names: the generic
/// containers and each vendor's export. Extract's registry maps every case to a reader
/// (an exhaustive switch, so a new case cannot lack one); Vendors describes the vendor cases.
package enum SourceFormat: String, CaseIterable, Sendable {
    case csv
    case rosterCSV = "roster_csv"
    case zendeskCSV = "zendesk_csv"
    case servicenowCSV = "servicenow_csv"
    case eventLogCSV = "event_log_csv"
    case customerEventsCSV = "customer_events_csv"
    case qualtricsCSV = "qualtrics_csv"
    case surveymonkeyCSV = "surveymonkey_csv"
    case json, jsonl
    case zendeskJSON = "zendesk_json"
    case bamboohrJSON = "bamboohr_json"
    case freshdeskJSON = "freshdesk_json"
    case servicenowJSON = "servicenow_json"
    case stripeJSON = "stripe_json"
    case xml
    case servicenowXML = "servicenow_xml"
    case workdayXML = "workday_xml"
    case qualtricsXML = "qualtrics_xml"
}

/// Messages and reports print the names pipeline files use (`servicenow_json`), never Swift's case names.
extension SourceFormat: CustomStringConvertible {
    package var description: String { rawValue }
}
