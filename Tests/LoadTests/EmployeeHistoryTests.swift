import AmbassadorCore
import TestSupport
import Warehouse
import XCTest
@testable import Load

/// `dim_employee` as a slowly changing dimension (type 2), rebuilt from every staged roster
/// snapshot: moves, leavers, rehires, a changed hire date, snapshots arriving out of order.
final class EmployeeHistoryTests: XCTestCase {
    static let january = ["E1,Ada,A,2025-06-01,101", "E2,Ben,A,2025-07-01,102", "E3,Cy,B,2025-08-01,103"]
    static let february = ["E1,Ada,B,2025-06-01,101", "E3,Cy,B,2025-08-01,103"]
    static let march = ["E1,Ada,B,2025-06-01,101", "E2,Ben,A,2026-02-20,102", "E3,Cy,B,2025-08-01,103"]

    private func history(_ harness: StageHarness) throws -> [String] {
        try harness.rows("""
            SELECT employee_id, coalesce(team_id, ''), status, valid_from, coalesce(valid_to, 'open'), is_current FROM dim_employee
            ORDER BY employee_id, valid_from
            """).map { $0.replacingOccurrences(of: "|", with: " ") }
    }

    func testMovesLeaversAndRehiresAndTheTeamATicketOpenedIn() throws {
        let harness = try StageHarness.load()
        try harness.stageRoster("2026-01-01", Self.january)
        try harness.stageRoster("2026-02-01", Self.february)
        try harness.stageRoster("2026-03-01", Self.march)
        try harness.stageTickets("tickets/t.csv", ["1,2026-01-15T10:00:00Z,,open,101", "2,2026-02-15T10:00:00Z,,open,101",
                                                   "3,2026-02-10T09:00:00Z,,open,102"])
        try harness.runLoad()
        XCTAssertEqual(try history(harness), [
            "E1 A active 2025-06-01 2026-02-01 0",
            "E1 B active 2026-02-01 open 1",
            "E2 A active 2025-07-01 2026-02-01 0",
            "E2  left 2026-02-01 2026-02-20 0",
            "E2 A active 2026-02-20 open 1",
            "E3 B active 2025-08-01 open 1",
        ])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, first_assignee_employee_id, coalesce(team_id, 'none') FROM fact_ticket ORDER BY 1"),
                       ["1|E1|A", "2|E1|B", "3|E2|none"], "the team is the one valid when the ticket opened; none while away")
    }

    /// Every day from before the first snapshot to after the last, for each agent (one who
    /// moved, one who left and came back, one who stayed, one no roster names), at the first
    /// and the last second of the day: the team a ticket is attributed to is the definition's —
    /// the version of the employee's history that began on or before that day and had not
    /// ended — whether the merge attributes it (most tickets take the employee's latest
    /// version without a look-up) or a later roster re-attributes it. The definition is
    /// queried here from `dim_employee` itself, ticket by ticket.
    func testEveryTicketsTeamIsTheVersionValidOnTheDayItOpened() throws {
        var tickets: [String] = []
        let start = try XCTUnwrap(CivilDate(iso: "2025-12-28"))
        for offset in 0..<72 {
            let day = start.adding(days: offset).description
            for (index, agent) in ["101", "102", "103", "999"].enumerated() {
                tickets.append("\(offset * 8 + index * 2),\(day)T00:00:00Z,,open,\(agent)")
                tickets.append("\(offset * 8 + index * 2 + 1),\(day)T23:59:59Z,,open,\(agent)")
            }
        }
        let definition = """
            SELECT t.ticket_id, coalesce(t.first_assignee_employee_id, '-'), coalesce(t.team_id, '-'),
                   coalesce((SELECT e.team_id FROM dim_employee e WHERE e.employee_id = t.first_assignee_employee_id
                               AND e.valid_from <= substr(t.created_at, 1, 10) AND (e.valid_to IS NULL OR e.valid_to > substr(t.created_at, 1, 10))
                             ORDER BY e.valid_from DESC LIMIT 1), '-')
            FROM fact_ticket t ORDER BY CAST(t.ticket_id AS INTEGER)
            """
        func check(_ harness: StageHarness, _ how: String) throws {
            let rows = try harness.rows(definition).map { $0.split(separator: "|").map(String.init) }
            XCTAssertEqual(rows.count, tickets.count)
            for row in rows where row[2] != row[3] {
                XCTFail("\(how): ticket \(row[0]) (employee \(row[1])) has team \(row[2]); its history says \(row[3])")
            }
            // Anchors read from the snapshots: E1 moved A → B on 2026-02-01; E2 was away
            // 2026-02-01 … 2026-02-19 and back in A from 2026-02-20; agent 999 is no one's.
            func team(_ agent: String, _ day: String) throws -> String {
                try harness.rows("""
                    SELECT DISTINCT coalesce(team_id, '-') FROM fact_ticket WHERE first_assignee_id = '\(agent)' AND substr(created_at, 1, 10) = '\(day)'
                    """).joined(separator: ",")
            }
            XCTAssertEqual(try team("101", "2026-01-31"), "A", how)
            XCTAssertEqual(try team("101", "2026-02-01"), "B", how)
            XCTAssertEqual(try team("102", "2026-02-19"), "-", how)
            XCTAssertEqual(try team("102", "2026-02-20"), "A", how)
            XCTAssertEqual(try team("103", "2026-03-09"), "B", how)
            XCTAssertEqual(try team("999", "2026-01-15"), "-", how)
            XCTAssertEqual(try team("101", "2025-12-28"), "A", how)
        }
        let merged = try StageHarness.load("merged")
        try merged.stageRoster("2026-01-01", Self.january)
        try merged.stageRoster("2026-02-01", Self.february)
        try merged.stageRoster("2026-03-01", Self.march)
        try merged.stageTickets("tickets/t.csv", tickets)
        try merged.runLoad()
        try check(merged, "attributed by the merge")

        let later = try StageHarness.load("reattributed")
        try later.stageTickets("tickets/t.csv", tickets)
        try later.runLoad()
        XCTAssertEqual(try later.database.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NOT NULL"), 0)
        try later.stageRoster("2026-01-01", Self.january)
        try later.stageRoster("2026-02-01", Self.february)
        try later.stageRoster("2026-03-01", Self.march)
        try later.runLoad()
        try check(later, "re-attributed when the roster came")
    }

    /// A hire date that changes with nothing else opens a new version from that date: no
    /// version starts before the hire date it carries.
    func testAChangedHireDateOpensANewVersion() throws {
        let harness = try StageHarness.load()
        try harness.stageRoster("2026-04-01", ["E7,Gil,A,2024-06-02,107"])
        try harness.stageRoster("2026-05-01", ["E7,Gil,A,2026-04-22,107"])
        try harness.runLoad()
        XCTAssertEqual(try history(harness), ["E7 A active 2024-06-02 2026-04-22 0", "E7 A active 2026-04-22 open 1"])
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM dim_employee WHERE hire_date > valid_from"), 0)
    }

    /// The history depends on the snapshots, not on the order they were loaded in.
    func testALateSnapshotLandsInItsPlace() throws {
        let inOrder = try StageHarness.load("inOrder")
        for (date, rows) in [("2026-01-01", Self.january), ("2026-02-01", Self.february), ("2026-03-01", Self.march)] {
            try inOrder.stageRoster(date, rows)
            try inOrder.runLoad()
        }
        let late = try StageHarness.load("late")
        try late.stageRoster("2026-01-01", Self.january)
        try late.stageRoster("2026-03-01", Self.march)
        try late.runLoad()
        XCTAssertNotEqual(try history(late), try history(inOrder))
        try late.stageRoster("2026-02-01", Self.february)
        try late.runLoad()
        XCTAssertEqual(try history(late), try history(inOrder))
    }

    /// Tickets loaded before any roster names their agent are attributed once one does, by
    /// the load that brings it; load then remembers which history every ticket follows, so
    /// a later load with no new roster has nothing to re-attribute.
    func testTicketsLoadedBeforeTheirRosterAreAttributedWhenItArrives() throws {
        let harness = try StageHarness.load()
        try harness.stageTickets("tickets/t.csv", ["1,2026-01-15T10:00:00Z,,open,101", "2,2026-01-16T10:00:00Z,,open,103"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, first_assignee_employee_id, team_id FROM fact_ticket ORDER BY 1"), ["1|∅|∅", "2|∅|∅"])
        let settled = "SELECT value FROM etl_state WHERE key IN ('tickets_attributed_version', 'employee_history_version') ORDER BY key"
        XCTAssertEqual(try harness.rows(settled), ["0"], "no history yet: every ticket follows version 0")
        try harness.stageRoster("2026-01-01", Self.january)
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, first_assignee_employee_id, team_id FROM fact_ticket ORDER BY 1"), ["1|E1|A", "2|E3|B"])
        let versions = try harness.rows(settled)
        XCTAssertEqual(versions.count, 2)
        XCTAssertEqual(versions.first, versions.last, "the tickets follow the current history")
        XCTAssertNotEqual(versions.first, "0")
        try harness.stageTickets("tickets/u.csv", ["3,2026-01-17T10:00:00Z,,open,102"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, first_assignee_employee_id, team_id FROM fact_ticket ORDER BY 1"), ["1|E1|A", "2|E3|B", "3|E2|A"])
        XCTAssertEqual(try harness.rows(settled), versions)
    }

    /// A warehouse's first load, roster and tickets together: the tickets follow the new
    /// history from the start (nothing stale to look for), and are attributed by it.
    func testAFirstLoadAttributesByItsRosterWithNothingStale() throws {
        let harness = try StageHarness.load()
        try harness.stageRoster("2026-01-01", Self.january)
        try harness.stageTickets("tickets/t.csv", ["1,2026-01-15T10:00:00Z,,open,101"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, first_assignee_employee_id, team_id FROM fact_ticket"), ["1|E1|A"])
        let versions = try harness.rows("SELECT value FROM etl_state WHERE key IN ('tickets_attributed_version', 'employee_history_version')")
        XCTAssertEqual(versions.count, 2)
        XCTAssertEqual(versions.first, versions.last)
    }

    /// Loading the same staged snapshots again changes nothing.
    func testASecondLoadChangesNothing() throws {
        let harness = try StageHarness.load()
        try harness.stageRoster("2026-01-01", Self.january)
        try harness.runLoad()
        let before = try history(harness)
        try harness.runLoad()
        XCTAssertEqual(try history(harness), before)
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM etl_source_file WHERE status = 'loaded'"), 1)
    }
}
