import AmbassadorCore
import Foundation
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// `ambassador trace`: a fact row back to its file, line, raw record, rules and runs. The
/// expectations are read off the files the test writes.
final class RowTraceTests: XCTestCase {
    private func loaded(_ directory: String, extra: String = "") throws -> PipelineConfig {
        TestSupport.write("Employee ID,Name,Department,Hire Date,Agent\nE1,Ann,Blue,2025-06-01,a-17\nE2,Bo,Green,2025-06-01,a-18\n",
                          to: directory + "/hr/roster_2026-01-01.csv")
        TestSupport.write("""
            Ticket ID,Created At,Updated At,Status,Assignee ID,Reassignments
            5,2026-01-02 10:00,2026-01-02 11:00,Open,a-17,0
            6,2026-01-02 12:30,2026-01-03 09:15,Closed,a-18,2

            """, to: directory + "/tickets/tickets_2026-01-02.csv")
        TestSupport.write("""
            warehouse: var/w.sqlite
            timezone: Europe/Berlin
            sources:
              roster:
                kind: hr_roster
                inbox: hr/*.csv
                fields: { team: Department, agent_ids: Agent }
              tickets:
                kind: tickets
                inbox: tickets/*.csv
                values: { status: { Closed: solved } }\(extra)
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        let summary = try runner.run([.extract, .normalize, .load], options: RunOptions(
            command: "run", arguments: [], runDate: CivilDate(year: 2026, month: 1, day: 31) ?? CivilDate(daysSinceEpoch: 0),
            now: { "2026-01-31T00:00:00Z" }))
        XCTAssertEqual(summary.exitCode, 0)
        return config
    }

    func testATicketIsTracedToItsLineRawValuesRulesAndTeam() throws {
        let directory = TestSupport.temporaryDirectory()
        let config = try loaded(directory)
        let text = try RowTrace.render(config: config, warehouse: config.warehouse, table: "fact_ticket", key: "6")
        for expected in [
            "fact_ticket ticket_id = 6",
            "  status: 'solved'",
            "from file 2: tickets/tickets_2026-01-02.csv",
            "record 3 (the line of a CSV file",
            "registered by run 1 (run, run date 2026-01-31",
            "read back from the archive: var/archive/",
            // The raw record as the file holds it (line 3).
            "  Created At: 2026-01-02 12:30\n  Updated At: 2026-01-03 09:15\n  Status: Closed\n  Assignee ID: a-18\n  Reassignments: 2\n",
            // Each field: column, rule, raw value, stored value (Berlin is UTC+1 in January).
            "  created_at ← Created At [alias 'created at'] = '2026-01-02 12:30' → '2026-01-02T11:30:00Z'",
            "  status ← Status [alias 'status'] = 'Closed' → 'solved'",
            "      values: Closed → solved",
            "  reassignments ← Reassignments [alias 'reassignments'] = '2' → 2",
            "  first assignee a-18 → employee E2, by dim_agent_identity (agent)",
            "  resolver a-18: no employee (no resolved_at: a resolver is only named for a resolved ticket)",
            "  team on 2026-01-02, the day it opened: Green",
            "  file 2: tickets/tickets_2026-01-02.csv (loaded), 1 record(s)",
        ] {
            XCTAssertTrue(text.contains(expected), "missing «\(expected)» in:\n\(text)")
        }
        XCTAssertFalse(text.contains(directory), "paths are shown relative to the root")

        // Without its archived copy, and with the inbox file changed, the raw record cannot be
        // read back, and the trace says so instead of showing other bytes.
        try FileManager.default.removeItem(atPath: config.archiveDirectory)
        TestSupport.write("Ticket ID,Created At\n6,2027-01-01T00:00:00Z\n", to: directory + "/tickets/tickets_2026-01-02.csv")
        let lost = try RowTrace.render(config: config, warehouse: config.warehouse, table: "fact_ticket", key: "6")
        XCTAssertTrue(lost.contains("the raw record cannot be read back"), lost)
        XCTAssertFalse(lost.contains("2027-01-01"), lost)
    }

    func testUnknownTablesAndKeysSayWhatIsExpected() throws {
        let directory = TestSupport.temporaryDirectory()
        let config = try loaded(directory)
        XCTAssertThrowsError(try RowTrace.render(config: config, warehouse: config.warehouse, table: "fact_tickets", key: "6")) { error in
            XCTAssertEqual((error as? PipelineError)?.exitCode, 64)
            XCTAssertTrue("\(error)".contains("expected one of: fact_ticket"), "\(error)")
        }
        XCTAssertThrowsError(try RowTrace.render(config: config, warehouse: config.warehouse, table: "fact_ticket", key: "99")) { error in
            XCTAssertEqual((error as? PipelineError)?.exitCode, 66)
            XCTAssertTrue("\(error)".contains("no row whose ticket_id is '99'"), "\(error)")
        }
    }
}
