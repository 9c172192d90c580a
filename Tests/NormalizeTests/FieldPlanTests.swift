import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// How a file's columns are found for the canonical fields: aliases, a vendor's counts that
/// mean something else, flags combined into an event.
final class FieldPlanTests: XCTestCase {
    /// Zendesk's "Assignee Stations" counts assignees, one more than reassignments; another
    /// source's "Transfers" is the reassignment count itself.
    func testAssigneeStationsCountOneMoreThanReassignments() throws {
        let harness = try StageHarness()
        try harness.normalize([harness.source("zd", .tickets, folder: "zd", format: .zendeskCSV), harness.source("other", .tickets, folder: "other")], files: [
            ("zd/tickets_2026-01-05.csv", "Ticket ID,Created At,Assignee Stations,Reopens\n1,2026-01-05T10:00:00Z,1,0\n2,2026-01-05T11:00:00Z,3,1\n3,2026-01-05T12:00:00Z,0,0\n4,2026-01-05T13:00:00Z,,0\n"),
            ("other/tickets_2026-01-05.csv", "Ticket ID,Created At,Transfers\n5,2026-01-05T10:00:00Z,1\n"),
        ])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, coalesce(reassignments, '∅'), coalesce(reopens, '∅') FROM stg_ticket ORDER BY ticket_id"),
                       ["1|0|0", "2|2|1", "3|0|0", "4|∅|0", "5|1|∅"])
    }

    /// Freshdesk's conversations export has no event column: its `incoming` and `private`
    /// flags say whether an entry is the customer's message, an agent's note or an agent's
    /// reply. The real export (two entries) and two written here.
    func testFreshdeskConversationsBecomeTicketEvents() throws {
        let harness = try StageHarness()
        let fixture = TestSupport.fixtures + "/tickets/python-freshdesk_v2_conversations.json"
        var source = harness.source("conversations", .ticketEvents, folder: "conversations", format: .freshdeskJSON)
        source.partition = .none
        source.ticketIDPrefix = "fd-"
        try harness.normalize([source], files: [
            ("conversations/real.json", try String(contentsOfFile: fixture, encoding: .utf8)),
            ("conversations/more.json", """
                [{"id": 7, "incoming": true, "private": false, "user_id": 5001, "ticket_id": 1, "created_at": "2016-05-20T08:00:00+05:30"},
                 {"id": 8, "incoming": false, "private": false, "user_id": 1, "ticket_id": 1, "created_at": "2016-05-20T09:00:00Z"}]
                """),
        ])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, occurred_at, event, actor_id FROM stg_ticket_event ORDER BY occurred_at"), [
            "fd-1|2016-05-19T05:36:12Z|internal_note|1", "fd-1|2016-05-19T05:36:14Z|agent_message|1",
            "fd-1|2016-05-20T02:30:00Z|customer_message|5001", "fd-1|2016-05-20T09:00:00Z|agent_message|1",
        ])
        XCTAssertEqual(try harness.rejects(), [])
    }
}
