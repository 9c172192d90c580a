/// ServiceNow: the XML unload (`<unload><incident …>`, `display_value` attributes), the CSV
/// export (codes or display values), and the Table API / JSONv2 pages (`{"result": […]}`,
/// `{"records": […]}`, references as `{link, value}`, display pairs with
/// `sysparm_display_value=all`). Elsewhere: the XML reader keeps `display_value` attributes
/// (XMLRecordReader), the JSON reader flattens references (JSONSource), normalize quarantines
/// two incidents sharing a number (NormalizeStage.sharedNumbers).
package enum ServiceNow {
    /// The incident state, priority and escalation codes, and their display values ("3 - Moderate",
    /// "In Progress"). Escalation is a level (Normal, Moderate, High, Overdue): escalated above Normal.
    static let codes: [String: [String: String]] = [
        "status": ["1": "new", "2": "open", "3": "pending", "6": "solved", "7": "closed", "8": "canceled",
                   "in progress": "open", "on hold": "pending", "resolved": "solved", "cancelled": "canceled"],
        "priority": ["1": "urgent", "2": "high", "3": "normal", "4": "low", "5": "low",
                     "1 - critical": "urgent", "2 - high": "high", "3 - moderate": "normal", "4 - low": "low", "5 - planning": "low"],
        "escalated": ["0": "false", "1": "true", "2": "true", "3": "true",
                      "normal": "false", "moderate": "true", "high": "true", "overdue": "true"],
    ]

    package static let xml = VendorFormat(name: .servicenowXML, vendor: "ServiceNow", container: .xml, valueMaps: codes) {
        $0.xmlRoot == "unload"
    }
    package static let csv = VendorFormat(name: .servicenowCSV, vendor: "ServiceNow", container: .csv, valueMaps: codes) { _ in false }
    package static let json = VendorFormat(name: .servicenowJSON, vendor: "ServiceNow", container: .json, valueMaps: codes) { head in
        head.text.contains("\"sys_id\"") && (head.text.contains("\"result\"") || head.text.contains("\"records\""))
    }
}
