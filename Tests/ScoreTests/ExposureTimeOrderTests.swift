import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Score

/// Issue 16.2 (SCORING.md §3): every employee measure of wave t uses only what was known at t —
/// tickets resolved by t, follow-up messages before t, ratings submitted by t. Changing what
/// happened after t leaves wave t's measures unchanged.
final class ExposureTimeOrderTests: XCTestCase {
    private let t = "2026-03-01T00:00:00Z"

    private func warehouse() throws -> Database {
        let database = try Database(path: TestSupport.temporaryDirectory() + "/w.sqlite")
        try Migrator.migrate(database, appliedAt: "2026-11-22T00:00:00Z")
        try database.execute("""
            INSERT INTO dim_agent_identity (system, external_id, employee_id) VALUES ('agent', 'a1', 'E1'), ('agent', 'a2', 'E2');
            CREATE TEMP TABLE ticket_rating (ticket_id TEXT PRIMARY KEY, csat REAL, effort REAL, nps REAL, cx_emp REAL, rated_at TEXT);
            """)
        // ticket, first assignee, created, resolved, resolver, reassignments
        let tickets: [(String, String, String, String?, String?, Int)] = [
            ("A", "E1", "2026-02-01T10:00:00Z", "2026-02-10T10:00:00Z", "E1", 0),
            ("B", "E2", "2026-02-01T11:00:00Z", "2026-02-11T10:00:00Z", "E2", 0),
            ("C", "E1", "2026-02-20T10:00:00Z", nil, nil, 0),
            ("D", "E2", "2026-02-02T10:00:00Z", "2026-02-12T10:00:00Z", "E1", 1),
            ("E", "E2", "2026-02-03T10:00:00Z", "2026-02-28T12:00:00Z", "E2", 0),
            ("F", "E1", "2026-02-04T10:00:00Z", "2026-02-14T10:00:00Z", "E1", 0),
        ]
        let insert = try database.prepare("""
            INSERT INTO fact_ticket (ticket_id, source, created_at, resolved_at, priority, channel, category, first_assignee_employee_id,
                                     resolver_employee_id, team_id, reassignments, _file_id, _record_no)
            VALUES (?, 't', ?, ?, 'normal', 'email', 'billing', ?, ?, 'T', ?, 1, 1)
            """)
        for ticket in tickets {
            try insert.execute([.text(ticket.0), .text(ticket.2), SQLValue(ticket.3), .text(ticket.1), SQLValue(ticket.4), .integer(Int64(ticket.5))])
        }
        try database.execute("""
            INSERT INTO fact_ticket_event (source, ticket_id, occurred_at, event, actor_id, _file_id, _record_no) VALUES
                ('t', 'A', '2026-02-11T09:00:00Z', 'agent_message', 'a1', 1, 1),
                ('t', 'E', '2026-02-28T13:00:00Z', 'customer_message', 'c9', 1, 2);
            INSERT INTO ticket_rating (ticket_id, cx_emp, rated_at) VALUES ('A', 4, '2026-02-15T10:00:00Z'), ('F', 2, '2026-02-20T10:00:00Z');
            """)
        return database
    }

    private func measures(_ database: Database, asOf: String?) throws -> [String] {
        try AgentBehaviour.measure(database: database, from: "2025-12-01T00:00:00Z", to: t, k: 20, asOf: asOf).map { a in
            "\(a.employee) tickets \(a.tickets) resolved \(a.resolved) own \(a.ownRaw) xfer \(a.xferRaw) followup \(a.followup.map { String($0) } ?? "-") "
                + "cx \(a.cxEmp.map { String($0) } ?? "-") z \(a.z.map { String($0) } ?? "-")"
        }.sorted()
    }

    func testWhatHappenedAfterTheWaveClosedChangesNoMeasureOfThatWave() throws {
        let database = try warehouse()
        let before = try measures(database, asOf: t)
        XCTAssertEqual(before.count, 2)
        XCTAssertTrue(before[0].hasPrefix("E1 tickets 2 "), "C, still open at t, is left out: \(before)")
        // After t: C is solved by its first assignee, E gets its agent's follow-up message within
        // two days of its resolution, and B and E are rated.
        try database.execute("""
            UPDATE fact_ticket SET resolved_at = '2026-03-05T10:00:00Z', resolver_employee_id = 'E1' WHERE ticket_id = 'C';
            INSERT INTO fact_ticket_event (source, ticket_id, occurred_at, event, actor_id, _file_id, _record_no) VALUES
                ('t', 'E', '2026-03-01T06:00:00Z', 'agent_message', 'a2', 1, 3);
            INSERT INTO ticket_rating (ticket_id, cx_emp, rated_at) VALUES ('B', 1, '2026-03-03T10:00:00Z'), ('E', 5, '2026-03-02T10:00:00Z');
            """)
        XCTAssertEqual(try measures(database, asOf: t), before, "wave t's measures do not see past t")
        XCTAssertNotEqual(try measures(database, asOf: nil), before, "the same tickets' current state does differ, so the test can see a leak")
    }
}
