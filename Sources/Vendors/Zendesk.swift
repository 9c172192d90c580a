/// Zendesk: incremental exports and list pages (`tickets`, `ticket_events`, `audits`,
/// `satisfaction_ratings` with `next_page`), and the CSV export. Elsewhere: audits and
/// incremental ticket events become events (AuditNormalizer); `custom_fields` spread into
/// columns (JSONSource); `assignee_stations` counts one more than reassignments (FieldPlan).
package enum Zendesk {
    package static let json = VendorFormat(name: .zendeskJSON, vendor: "Zendesk", container: .json) { head in
        ["\"tickets\"", "\"ticket_events\"", "\"audits\"", "\"satisfaction_ratings\""].contains(where: head.text.contains)
    }
    package static let csv = VendorFormat(name: .zendeskCSV, vendor: "Zendesk", container: .csv) { _ in false }
}
