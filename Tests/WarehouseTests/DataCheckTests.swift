import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The data checks on `fact_ticket`, counted together in one scan, fail exactly the rows each
/// rule names — one row may break two rules — and say the same on both engines.
final class DataCheckTests: XCTestCase {
    func testTheTicketChecksCountedInOneScanFailExactlyThePlantedRows() throws {
        let (connections, drop) = try PostgresSupport.migratedEngines()
        defer { drop() }
        // ticket, created, resolved, first assignee id, its employee, team:
        // T1 resolved before it opened; T2's assignee is no employee; T3 and T4 have an
        // employee but no team; T5 breaks nothing; T6 breaks the first two rules at once.
        let planted: [(String, String, String?, String?, String?, String?)] = [
            ("T1", "2026-03-02T10:00:00Z", "2026-03-01T09:00:00Z", "A1", "E1", "team-a"),
            ("T2", "2026-03-02T10:00:00Z", nil, "A9", nil, nil),
            ("T3", "2026-03-03T10:00:00Z", nil, "A1", "E1", nil),
            ("T4", "2026-03-04T10:00:00Z", "2026-03-05T10:00:00Z", "A2", "E2", nil),
            ("T5", "2026-03-05T10:00:00Z", "2026-03-06T10:00:00Z", "A2", "E2", "team-b"),
            ("T6", "2026-03-06T10:00:00Z", "2026-03-01T10:00:00Z", "A8", nil, nil),
        ]
        let expected = [
            "created_at_not_null": "0 ",
            "resolved_after_created": "2 T1, T6",
            "first_assignee_resolves_to_employee": "2 T2, T6",
            "ticket_team_known_at_open": "2 T3, T4",
        ]
        for database in connections {
            try database.run("""
                INSERT INTO etl_run (run_id, command, arguments, run_date, started_at, status)
                VALUES (1, 'load', '', '2026-03-31', '2026-03-31T00:00:00Z', 'running')
                """, [])
            for (number, ticket) in planted.enumerated() {
                try database.run("""
                    INSERT INTO fact_ticket (ticket_id, source, created_at, resolved_at, first_assignee_id, first_assignee_employee_id,
                                             team_id, _file_id, _record_no)
                    VALUES (?, 'tickets', ?, ?, ?, ?, ?, 1, ?)
                    """, [.text(ticket.0), .text(ticket.1), ticket.2.map { .text($0) } ?? .null, ticket.3.map { .text($0) } ?? .null,
                          ticket.4.map { .text($0) } ?? .null, ticket.5.map { .text($0) } ?? .null, .integer(Int64(number + 2))])
            }
            let runDate = try XCTUnwrap(CivilDate(year: 2026, month: 3, day: 31))
            let results = try DataChecks.run(database: database, runID: 1, runDate: runDate)
            XCTAssertEqual(results.map(\.name), DataChecks.checks.map { $0.name }, "every check, in its order")
            var found: [String: String] = [:]
            for result in results where expected[result.name] != nil {
                found[result.name] = "\(result.failingRows) \(result.sampleKeys)"
                XCTAssertEqual(result.table, "fact_ticket")
            }
            XCTAssertEqual(found, expected, "\(database.engine)")
            // What was recorded is what was returned.
            XCTAssertEqual(try DataChecks.recorded(run: 1, database: database), results, "\(database.engine)")
        }
    }
}
