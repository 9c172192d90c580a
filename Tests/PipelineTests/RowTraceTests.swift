import AmbassadorCore
import Foundation
import Generate
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

    /// A linkage estimate back to the run that fitted it, its survey waves, the other estimates
    /// of its model and the files behind the facts. Expectations come from the generated
    /// files (how many of each) and from the tables the estimate was fitted from.
    func testALinkageEstimateIsTracedToItsRunWavesSiblingsAndFiles() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 8, tickets: 2_400, months: 4, seed: 11)).run()
        let run = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--quiet"], in: directory)
        XCTAssertEqual(run.status, 0, run.stderr)
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let database = try Database(path: config.warehouse, readOnly: true)
        let text = try RowTrace.render(config: config, warehouse: config.warehouse, table: "linkage_estimate", key: "REPEAT/joint/team_self_index")

        let stored = try database.rows("""
            SELECT estimate, tickets, teams, input_hash, status FROM linkage_estimate
            WHERE outcome = 'REPEAT' AND model = 'joint' AND predictor = 'team_self_index'
            """, []) { ($0.double(0), $0.int(1), $0.int(2), $0.text(3) ?? "", $0.text(4) ?? "") }
        let estimate = try XCTUnwrap(stored.first)
        XCTAssertGreaterThanOrEqual(estimate.2, 3, "a fitted model has at least three team clusters")
        XCTAssertLessThanOrEqual(estimate.2, 8, "no more clusters than the generated organisation's eight teams")
        let runID = try database.count("SELECT scored_run_id FROM score_state WHERE scope = 'linkage'")
        let waves = try database.rows(
            "SELECT DISTINCT period, wave_closed_at FROM score_team_period WHERE wave_closed_at IS NOT NULL ORDER BY 2, 1", []) {
            "  \($0.text(0) ?? ""), closed \($0.text(1) ?? ""): "
        }
        XCTAssertFalse(waves.isEmpty)
        let ticketFiles = try FileManager.default.contentsOfDirectory(atPath: directory + "/tickets").filter { $0.hasSuffix(".csv") }.count
        for expected in [
            "linkage_estimate REPEAT/joint/team_self_index",
            "  estimate: \(estimate.0)",
            "  status: '\(estimate.4)'",
            "fitted by run \(runID) (run, run date ",
            "  rows: \(estimate.1) tickets, ",
            "agents, \(estimate.2) teams (the clusters)",
            "  tickets: \(ticketFiles) file(s), partitions ",
            "  input_hash \(estimate.3): the SHA-256 of the design matrix",
            "DIR/design_REPEAT_joint.csv",
            // The joint model's other predictors, fitted with it.
            "  agent_behaviour_within_team: estimate ",
            "  team_behaviour_mean: estimate ",
        ] + waves {
            XCTAssertTrue(text.contains(expected), "missing «\(expected)» in:\n\(text)")
        }
        XCTAssertFalse(text.contains(directory), "paths are shown relative to the root")

        // The correlation has no design to export; the key's outcome may be written in lower case.
        let correlation = try RowTrace.render(config: config, warehouse: config.warehouse, table: "linkage_estimate",
                                              key: "repeat/correlation/team_correlation")
        XCTAssertTrue(correlation.contains("a team-level correlation, not a regression: no design to export"), correlation)
        XCTAssertFalse(correlation.contains("--export-designs"), correlation)

        // A malformed key is a usage error naming the form; an unknown one lists the estimates.
        XCTAssertThrowsError(try RowTrace.render(config: config, warehouse: config.warehouse, table: "linkage_estimate", key: "REPEAT")) { error in
            XCTAssertEqual((error as? PipelineError)?.exitCode, 64)
            XCTAssertTrue("\(error)".contains("expected OUTCOME/MODEL/PREDICTOR"), "\(error)")
        }
        XCTAssertThrowsError(try RowTrace.render(config: config, warehouse: config.warehouse, table: "linkage_estimate",
                                                 key: "REPEAT/confirmatory/nothing")) { error in
            XCTAssertEqual((error as? PipelineError)?.exitCode, 66)
            XCTAssertTrue("\(error)".contains("REPEAT/confirmatory/team_self_index"), "\(error)")
        }
    }
}
