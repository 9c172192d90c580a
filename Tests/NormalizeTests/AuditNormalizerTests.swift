import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// Zendesk audits: one staged event per audit event, each a `TicketEvent` word.
final class AuditNormalizerTests: XCTestCase {
    /// A public comment is the customer's when its author is the ticket's requester — named by
    /// a Create event, else the author of the audit that created the ticket — and an agent's
    /// otherwise; a private one is a note; field changes and notifications are `other`.
    func testCommentsBecomeMessagesByWhoWroteThem() throws {
        let harness = try StageHarness()
        var source = harness.source("audits", .ticketEvents, folder: "audits", format: .zendeskJSON)
        source.partition = .none
        try harness.normalize([source], files: [("audits/a.json", """
            {"audits": [
              {"id": 1, "ticket_id": 7, "created_at": "2026-02-01T09:00:00Z", "author_id": 500, "events": [
                {"id": 11, "type": "Comment", "author_id": 900, "public": true},
                {"id": 12, "type": "Create", "field_name": "requester_id", "value": 900},
                {"id": 13, "type": "Create", "field_name": "status", "value": "new"}]},
              {"id": 2, "ticket_id": 7, "created_at": "2026-02-01T10:00:00Z", "author_id": 500, "events": [
                {"id": 21, "type": "Comment", "public": true},
                {"id": 22, "type": "Comment", "public": false},
                {"id": 23, "type": "Notification", "subject": "x"}]},
              {"id": 3, "ticket_id": 8, "created_at": "2026-02-02T09:00:00Z", "author_id": 901, "events": [
                {"id": 31, "type": "Create", "field_name": "status", "value": "new"},
                {"id": 32, "type": "Comment", "public": true}]},
              {"id": 4, "ticket_id": 8, "created_at": "2026-02-02T10:00:00Z", "author_id": 600, "events": [
                {"id": 41, "type": "VoiceComment", "public": true},
                {"id": 42, "type": "Change", "field_name": "priority", "value": "high", "previous_value": "low"}]}
            ]}
            """)])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, record_no, event_no, event, actor_id FROM stg_ticket_event ORDER BY record_no, event_no"), [
            "7|1|0|customer_message|900", "7|1|1|created|500",
            "7|2|0|agent_message|500", "7|2|1|internal_note|500", "7|2|2|other|500",
            "8|3|0|created|901", "8|3|1|customer_message|901",
            "8|4|0|agent_message|600", "8|4|1|other|600",
        ])
        let words = Set(TicketEvent.allCases.map(\.rawValue))
        XCTAssertTrue(try harness.rows("SELECT DISTINCT event FROM stg_ticket_event").allSatisfy(words.contains))
    }
}
