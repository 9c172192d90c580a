import AmbassadorCore
import Foundation
import Generate
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// Scoring periods are recomputed only where their inputs changed (issue: score).
final class IncrementalScoringTests: XCTestCase {
    func testACorrectedTicketFileRescoresOnlyItsPeriodAndRefitsTheLinkage() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 8, tickets: 2_000, months: 4, seed: 9)).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let first = try PlantedEffectTests.run(config)
        XCTAssertEqual(first.exitCode, 0)
        let database = try Database(path: config.warehouse, readOnly: true)
        let before = try database.query("SELECT period, employee_id, own_shrunk FROM score_agent_period WHERE period <> '2026-02' ORDER BY 1, 2") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.value(2))"
        }
        let linkageRun = try database.scalar("SELECT scored_run_id FROM score_state WHERE scope = 'linkage'").intValue

        // A corrected re-export of February: its last ticket is dropped.
        let path = directory + "/tickets/tickets_2026-02-01.csv"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)

        let second = try PlantedEffectTests.run(config)
        XCTAssertEqual(second.exitCode, 0)
        let score = try XCTUnwrap(second.stages.first { $0.name == "score" }?.counts.first)
        XCTAssertEqual(score.filesDone, 1, "only February's agent period is recomputed")
        XCTAssertEqual(score.filesSkipped, 4 + 4 - 1, "four pulse periods and three other ticket periods are kept")
        XCTAssertEqual(try database.query("SELECT period, employee_id, own_shrunk FROM score_agent_period WHERE period <> '2026-02' ORDER BY 1, 2") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.value(2))"
        }, before)
        XCTAssertNotEqual(try database.scalar("SELECT scored_run_id FROM score_state WHERE scope = 'linkage'").intValue, linkageRun,
                          "the linkage reads every period: it is refitted")
        XCTAssertEqual(try database.scalar("SELECT scored_run_id FROM score_state WHERE scope = 'agent/2026-02'").intValue, 2)
    }
}
