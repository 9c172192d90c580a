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
            for (number, ticket) in planted.enumerated() {
                try database.run("""
                    INSERT INTO fact_ticket (ticket_id, source, created_at, resolved_at, first_assignee_id, first_assignee_employee_id,
                                             team_id, _file_id, _record_no)
                    VALUES (?, 'tickets', ?, ?, ?, ?, ?, 1, ?)
                    """, [.text(ticket.0), .text(ticket.1), ticket.2.map { .text($0) } ?? .null, ticket.3.map { .text($0) } ?? .null,
                          ticket.4.map { .text($0) } ?? .null, ticket.5.map { .text($0) } ?? .null, .integer(Int64(number + 2))])
            }
            let results = try runChecks(database)
            XCTAssertEqual(results.map(\.name), DataChecks.checks.map { $0.name }, "every check, in its order")
            for result in results where expected[result.name] != nil { XCTAssertEqual(result.table, "fact_ticket") }
            XCTAssertEqual(outcomes(results, of: expected.keys), expected, "\(database.engine)")
            // What was recorded is what was returned.
            XCTAssertEqual(try DataChecks.recorded(run: 1, database: database), results, "\(database.engine)")
        }
    }

    /// The survey checks, asked in forms that read the probed table in key order: a response
    /// naming a ticket the facts lack fails (and one naming none does not); every answer of
    /// a response that is missing fails — the source is part of the key — on both engines.
    func testTheSurveyChecksFailExactlyThePlantedRows() throws {
        let (connections, drop) = try PostgresSupport.migratedEngines()
        defer { drop() }
        // source, response, kind, ticket: csat R2 and nps R2 name tickets that are not there.
        let responses: [(String, String, String, String?)] = [
            ("csat", "R1", "customer", "T1"), ("csat", "R2", "customer", "T9"), ("csat", "R3", "customer", nil),
            ("nps", "R2", "customer", "T8"), ("nps", "R4", "customer", "T2"), ("pulse", "P1", "employee", nil),
        ]
        // csat R7 has three answers and no response; nps R1 has none though csat R1 has.
        let answers: [(String, String, String)] = [
            ("csat", "R1", "q1"), ("csat", "R1", "q2"), ("csat", "R7", "q2"), ("csat", "R7", "q1"), ("csat", "R7", "q3"),
            ("nps", "R1", "q1"), ("nps", "R4", "q1"), ("pulse", "P1", "q1"),
        ]
        let expected = [
            "survey_ticket_resolves": "2 csat:R2, nps:R2",
            "pulse_response_anonymous": "0 ",
            "answer_has_response": "4 csat:R7:q1, csat:R7:q2, csat:R7:q3, nps:R1:q1",
        ]
        for database in connections {
            for (number, ticket) in ["T1", "T2", "T3"].enumerated() {
                try database.run("""
                    INSERT INTO fact_ticket (ticket_id, source, created_at, _file_id, _record_no) VALUES (?, 'tickets', '2026-03-02T10:00:00Z', 1, ?)
                    """, [.text(ticket), .integer(Int64(number + 2))])
            }
            for (number, response) in responses.enumerated() {
                try database.run("""
                    INSERT INTO fact_survey_response (source, response_id, respondent_kind, ticket_id, _file_id, _record_no) VALUES (?, ?, ?, ?, 2, ?)
                    """, [.text(response.0), .text(response.1), .text(response.2), response.3.map { .text($0) } ?? .null, .integer(Int64(number + 2))])
            }
            for answer in answers {
                try database.run("""
                    INSERT INTO fact_survey_answer (source, response_id, item, numeric_value, answered) VALUES (?, ?, ?, 4, 1)
                    """, [.text(answer.0), .text(answer.1), .text(answer.2)])
            }
            XCTAssertEqual(outcomes(try runChecks(database), of: expected.keys), expected, "\(database.engine)")
        }
    }

    /// Runs every check as run 1 of a load on 2026-03-31 (recorded in the ledger first, as a run is).
    private func runChecks(_ database: any WarehouseConnection) throws -> [DataChecks.Result] {
        try database.run("""
            INSERT INTO etl_run (run_id, command, arguments, run_date, started_at, status)
            VALUES (1, 'load', '', '2026-03-31', '2026-03-31T00:00:00Z', 'running')
            """, [])
        return try DataChecks.run(database: database, runID: 1, runDate: try XCTUnwrap(CivilDate(year: 2026, month: 3, day: 31)))
    }

    /// "failing rows, sample keys" of each named check.
    private func outcomes(_ results: [DataChecks.Result], of names: some Collection<String>) -> [String: String] {
        var found: [String: String] = [:]
        for result in results where names.contains(result.name) { found[result.name] = "\(result.failingRows) \(result.sampleKeys)" }
        return found
    }
}
