import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The score stores' engine-neutral pieces on both engines: the period key a timestamp falls
/// in, and what `score_state` remembers.
final class ScoreStoreTests: XCTestCase {
    private func engines(_ name: String = #function) throws -> (connections: [any WarehouseConnection], drop: () -> Void) {
        try PostgresSupport.migratedEngines(name)
    }

    /// Each engine derives the same month and quarter key from a timestamp, and the key's
    /// bounds (computed in Swift) hold the timestamp.
    func testPeriodKeysAreAlikeOnBothEnginesAndHoldTheirTimestamps() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        let cases = [("2026-02-14T10:00:00Z", "2026-02", "2026-Q1"), ("2026-12-31T23:59:59Z", "2026-12", "2026-Q4"),
                     ("2026-07-01", "2026-07", "2026-Q3"), ("2025-09-30T00:00:00Z", "2025-09", "2025-Q3"), ("2026-10-01T00:00:00Z", "2026-10", "2026-Q4")]
        for database in connections {
            for (timestamp, month, quarter) in cases {
                for (kind, expected) in [(ScorePeriod.month, month), (.quarter, quarter)] {
                    let key = try database.scalar("SELECT \(kind.sql(column: "CAST(?1 AS TEXT)"))", [.text(timestamp)]).stringValue
                    XCTAssertEqual(key, expected, "\(database.engine): \(kind) of \(timestamp)")
                    let bounds = ScorePeriod.bounds(of: expected)
                    XCTAssertTrue(bounds.from <= timestamp && timestamp < bounds.to, "\(expected) \(bounds) does not hold \(timestamp)")
                }
            }
        }
    }

    /// A scope is current only for the fingerprint last remembered for it.
    func testScoreStateRemembersTheLatestFingerprintPerScope() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        for database in connections {
            XCTAssertFalse(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "a", database: database))
            try ScoreStateStore.remember(scope: "agent/2026-01", fingerprint: "a", runID: 1, database: database)
            try ScoreStateStore.remember(scope: "team/2026-01", fingerprint: "b", runID: 1, database: database)
            XCTAssertTrue(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "a", database: database))
            try ScoreStateStore.remember(scope: "agent/2026-01", fingerprint: "c", runID: 2, database: database)
            XCTAssertFalse(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "a", database: database), "\(database.engine)")
            XCTAssertTrue(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "c", database: database))
            XCTAssertTrue(try ScoreStateStore.isCurrent(scope: "team/2026-01", fingerprint: "b", database: database))
            XCTAssertTrue(try ScoreStateStore.warehouseIsEmpty(database: database))
        }
    }

    /// The outcome windows are bound per outcome, not spliced: the same statement with other
    /// windows gives other answers, each outcome by its own window, on both engines. Ticket T1
    /// (customer C1, escalated) is resolved on Jan 10; the same customer opens T2 on the same
    /// problem on Jan 14; the ticket data end on Jan 16, noon.
    func testOutcomeWindowsAreBoundEachToItsOutcome() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        // repeat, reopen, escalate of T1, then repeat of T2 ("-": not known at the cut-off).
        let cases: [([Outcome: Int], String)] = [
            ([.repeat: 5, .reopen: 6, .escalate: 3], "1 0 1 -"),  // T2 came within 5 days; reopen's 6 days closed; escalated
            ([.repeat: 3, .reopen: 7, .escalate: 8], "0 - - -"),  // T2 came after 3 days; 7 and 8 days had not closed
            ([.repeat: 8, .reopen: 2, .escalate: 6], "- 0 1 -"),
        ]
        for database in connections {
            for (number, ticket) in [("T1", "2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z", 1), ("T2", "2026-01-14T00:00:00Z", "2026-01-15T00:00:00Z", 0)].enumerated() {
                try database.run("""
                    INSERT INTO fact_ticket (ticket_id, source, customer_id, category, created_at, resolved_at, escalated, _file_id, _record_no)
                    VALUES (?, 'tickets', 'C1', 'billing', ?, ?, ?, 1, ?)
                    """, [.text(ticket.0), .text(ticket.1), .text(ticket.2), .integer(Int64(ticket.3)), .integer(Int64(number + 2))])
            }
            try OutcomeStore.buildRatings(roles: ScoreConfig.surveyItemRoles.map { ($0, []) }, database: database)
            try OutcomeStore.buildRecommended(items: [], database: database)
            for (windows, expected) in cases {
                let written = try OutcomeStore.rebuild(window: { windows[$0] ?? $0.defaultWindowDays }, ticketCutoff: "2026-01-16T12:00:00Z",
                                                       eventCutoff: nil, database: database)
                XCTAssertEqual(written, 2)
                let found = try database.rows("SELECT repeat, reopen, escalate FROM fact_ticket_outcome ORDER BY ticket_id", []) { row in
                    (0..<3).map { row.value(Int32($0)).intValue.map(String.init) ?? "-" }
                }
                XCTAssertEqual((found.first ?? []) + [found.last?.first ?? "?"], expected.split(separator: " ").map(String.init),
                               "\(database.engine) \(windows)")
            }
        }
    }

    /// Ratings are built for whatever roles are asked, none included (the table then holds
    /// when each ticket was rated), with a role's average over its items only.
    func testTicketRatingsHoldTheRolesAskedForNoneIncluded() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        for database in connections {
            try database.run("""
                INSERT INTO fact_survey_response (source, response_id, respondent_kind, ticket_id, submitted_at, _file_id, _record_no)
                VALUES ('csat', 'R1', 'customer', 'T1', '2026-01-02T00:00:00Z', 1, 1), ('csat', 'R2', 'customer', 'T1', '2026-01-03T00:00:00Z', 1, 2)
                """)
            try database.run("""
                INSERT INTO fact_survey_answer (source, response_id, item, numeric_value, answered)
                VALUES ('csat', 'R1', 'sat', 4, 1), ('csat', 'R2', 'sat', 2, 1), ('csat', 'R1', 'effort', 7, 1)
                """)
            try OutcomeStore.buildRatings(roles: [], database: database)
            let temporary = database.engine.temporary
            XCTAssertEqual(try database.rows("SELECT ticket_id, rated_at FROM \(temporary)ticket_rating", []) { "\($0.text(0) ?? "") \($0.text(1) ?? "")" },
                           ["T1 2026-01-03T00:00:00Z"], "\(database.engine): no roles")
            try OutcomeStore.buildRatings(roles: [("csat", [(source: "csat", item: "sat")]), ("effort", [])], database: database)
            XCTAssertEqual(try database.rows("SELECT ticket_id, csat, effort, rated_at FROM \(temporary)ticket_rating", []) {
                "\($0.text(0) ?? "") \($0.double(1)) \($0.isNull(2)) \($0.text(3) ?? "")"
            }, ["T1 3.0 true 2026-01-03T00:00:00Z"], "\(database.engine): the sat answers averaged, effort without items NULL")
        }
    }
}
