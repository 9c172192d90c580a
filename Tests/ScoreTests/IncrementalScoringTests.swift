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

    /// A pulse survey that is not the nine-item instrument (and no score.legs) skips team
    /// scores with a message naming the fix, and the run ends 65; the rest is scored.
    func testAPulseSurveyThatIsNotTheInstrumentSkipsTeamScoresWithAMessage() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 800, months: 2, seed: 2)).run()
        // Drop the last item column from every pulse file: eight items, not nine.
        for name in try FileManager.default.contentsOfDirectory(atPath: directory + "/surveys") where name.hasPrefix("pulse_") {
            let path = directory + "/surveys/" + name
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
                line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")
            }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let summary = try PlantedEffectTests.run(config)
        XCTAssertEqual(summary.exitCode, 65)
        let score = try XCTUnwrap(summary.stages.first { $0.name == "score" }?.counts.first)
        XCTAssertTrue(score.messages.contains { $0.contains("8 numeric items instead of the instrument's nine") && $0.contains("score.legs") },
                      "\(score.messages)")
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try database.count("SELECT count(*) FROM score_team_period"), 0)
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM score_agent_period"), 0, "agents are still scored")
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM fact_ticket_outcome"), 0)
    }
}
