import AmbassadorCore
import Foundation
import Generate
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// Source freshness (dbt's `warn_after` / `error_after`): the newest loaded partition of a
/// source may be at most N days before the run date; an error-level breach exits 65, and
/// `status` and the checks table say which source and how old.
final class FreshnessTests: XCTestCase {
    private func config(_ directory: String, freshness: String) throws -> PipelineConfig {
        var text = try String(contentsOfFile: directory + "/pipeline.yml", encoding: .utf8)
        // The generated tickets source gains the rule under its other keys.
        text = text.replacingOccurrences(of: "    inbox: tickets/*.csv\n", with: "    inbox: tickets/*.csv\n    freshness: \(freshness)\n")
        TestSupport.write(text, to: directory + "/pipeline.yml")
        return try ConfigLoader(path: directory + "/pipeline.yml").load()
    }

    private func run(_ config: PipelineConfig, on day: String) throws -> RunSummary {
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        let date = try XCTUnwrap(CivilDate(iso: day))
        return try runner.run(PipelineStep.all.filter { $0.name != "report" },
                              options: RunOptions(command: "test", arguments: [], runDate: date, now: { day + "T03:00:00Z" }))
    }

    func testAStaleSourceWarnsThenFailsTheRunWithItsNameAndAge() throws {
        let directory = TestSupport.temporaryDirectory()
        // Two months of tickets: the newest ticket file's partition is 2026-02-01.
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 600, months: 2, seed: 2)).run()
        let config = try config(directory, freshness: "{warn_after_days: 40, error_after_days: 60}")
        XCTAssertEqual(config.source(named: "tickets")?.freshness, Freshness(warnAfterDays: 40, errorAfterDays: 60))

        // 2026-02-01 + 30 days: fresh.
        XCTAssertEqual(try run(config, on: "2026-03-03").exitCode, 0)
        let database = try Database(path: config.warehouse, readOnly: true)
        func check() throws -> (severity: String, failing: Int, note: String) {
            try XCTUnwrap(database.query("""
                SELECT severity, failing_rows, coalesce(sample_keys, '') FROM etl_check
                WHERE name = 'freshness_tickets' AND run_id = (SELECT max(run_id) FROM etl_check)
                """) { ($0.text(0) ?? "", $0.int(1), $0.text(2) ?? "") }.first)
        }
        XCTAssertEqual(try check().failing, 0)
        XCTAssertEqual(try database.count("SELECT count(*) FROM etl_check WHERE name LIKE 'freshness_%' AND run_id = (SELECT max(run_id) FROM etl_check)"), 1,
                       "only the source that sets a rule is checked")

        // 50 days: past the warning, not the error — the run still succeeds.
        XCTAssertEqual(try run(config, on: "2026-03-23").exitCode, 0)
        var result = try check()
        XCTAssertEqual(result.severity, "warning")
        XCTAssertEqual(result.failing, 1)
        XCTAssertTrue(result.note.contains("newest partition 2026-02-01 is 50 days before the run date 2026-03-23"), result.note)

        // 70 days: an error — exit 65, and the message names the source and its age.
        let stale = try run(config, on: "2026-04-12")
        XCTAssertEqual(stale.exitCode, 65)
        result = try check()
        XCTAssertEqual(result.severity, "error")
        XCTAssertTrue(result.note.contains("tickets: newest partition 2026-02-01 is 70 days"), result.note)
        let messages = stale.stages.flatMap { $0.counts.flatMap(\.messages) }
        XCTAssertTrue(messages.contains { $0.contains("freshness_tickets (error)") && $0.contains("70 days") }, "\(messages)")
        let status = try StatusReport.render(warehouse: config.warehouse)
        XCTAssertTrue(status.contains("freshness_tickets"), status)
    }

    func testARenamedInboxThatLoadsNothingIsStale() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 600, months: 2, seed: 2)).run()
        var config = try config(directory, freshness: "{error_after_days: 3}")
        // The export folder was renamed: the inbox matches no file, yet other sources have some.
        if let index = config.sources.firstIndex(where: { $0.name == "tickets" }) { config.sources[index].inbox = directory + "/renamed/*.csv" }
        let summary = try run(config, on: "2026-02-03")
        XCTAssertEqual(summary.exitCode, 65)
        let messages = summary.stages.flatMap { $0.counts.flatMap(\.messages) }
        XCTAssertTrue(messages.contains { $0.contains("tickets: no file loaded yet") }, "\(messages)")
    }

    /// Files without a partition date (`partition: none`) are as fresh as the run date that
    /// first extracted them: a source whose exports stopped arriving goes stale all the same.
    func testASourceWithoutPartitionDatesIsJudgedByWhenItsNewestFileArrived() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 600, months: 2, seed: 2)).run()
        var config = try config(directory, freshness: "{error_after_days: 10}")
        if let index = config.sources.firstIndex(where: { $0.name == "tickets" }) { config.sources[index].partition = .none }
        XCTAssertEqual(try run(config, on: "2026-06-01").exitCode, 0, "just arrived: fresh, although the tickets are from January")
        let stale = try run(config, on: "2026-06-20")
        XCTAssertEqual(stale.exitCode, 65)
        let messages = stale.stages.flatMap { $0.counts.flatMap(\.messages) }
        XCTAssertTrue(messages.contains { $0.contains("tickets: newest partition 2026-06-01 is 19 days before the run date 2026-06-20") }, "\(messages)")
    }

    func testFreshnessSettingsAreValidated() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 2, tickets: 100, months: 1, seed: 2)).run()
        let original = try String(contentsOfFile: directory + "/pipeline.yml", encoding: .utf8)
        for (rule, expected) in [("{warn_after_days: 7, error_after_days: 7}", "warn_after_days 7 is not below error_after_days 7"),
                                 ("{warn_after_days: 0}", "0 days"), ("{}", "neither warn_after_days nor error_after_days"),
                                 ("{warn_after: 2}", "unknown key 'warn_after'")] {
            TestSupport.write(original, to: directory + "/pipeline.yml")
            XCTAssertThrowsError(try config(directory, freshness: rule), rule) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(rule): \(error)")
                XCTAssertTrue("\(error)".contains("sources.tickets.freshness"), "\(error)")
            }
        }
    }
}
