import Foundation
import Logging
import XCTest
@testable import AmbassadorCore

/// Collects what a reporter draws (the test's stand-in for a terminal).
final class Screen: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String] = []
    func append(_ text: String) { lock.lock(); parts.append(text); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return parts.joined() }
}

/// A log handler that keeps messages.
struct CapturingHandler: LogHandler {
    let sink: Screen
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { sink.append("\(event.message)\n") }
}

final class ProgressReporterTests: XCTestCase {
    private func drive(_ reporter: ProgressReporter) {
        reporter.begin("extract tickets.csv", total: 1_000_000)
        for round in 1...3 {
            Thread.sleep(forTimeInterval: 0.05)
            for i in 0..<4096 { reporter.update(rows: round * 100_000 + i, done: Int64(round * 250_000)) }
        }
        reporter.end()
    }

    func testATerminalGetsARedrawnBarWithRateAndETA() {
        let screen = Screen()
        drive(ProgressReporter(interactive: true, logger: nil, interval: 0.01, drawBar: screen.append))
        let text = screen.text
        XCTAssertTrue(text.contains("\r\u{1B}[2Kextract tickets.csv ["), text)
        XCTAssertTrue(text.contains("rows/s"), text)
        XCTAssertTrue(text.contains("ETA "), text)
        XCTAssertTrue(text.contains("% "), text)
        XCTAssertTrue(text.hasSuffix("\r\u{1B}[2K"), "the bar is cleared at the end")
    }

    func testCronGetsPlainLogLinesAndNoControlCharacters() {
        let screen = Screen(), log = Screen()
        drive(ProgressReporter(interactive: false, logger: Logger(label: "t") { _ in CapturingHandler(sink: log) },
                               interval: 0.01, drawBar: screen.append))
        XCTAssertEqual(screen.text, "", "no bar when not on a terminal")
        XCTAssertTrue(log.text.contains("extract tickets.csv: "), log.text)
        XCTAssertTrue(log.text.contains(" rows, ") && log.text.contains(" rows/s"), log.text)
        XCTAssertFalse(log.text.contains("\u{1B}"))
    }

    /// One stage over two files: the percentage runs on across them (it does not restart at
    /// the second file), skipped work counts as done, and the label names the stage.
    func testAStageScopeCountsEveryFileAndSkipsTowardOneTotal() {
        let log = Screen()
        let reporter = ProgressReporter(interactive: false, logger: Logger(label: "t") { _ in CapturingHandler(sink: log) }, interval: 0.01)
        reporter.beginStage("extract", total: 2_000)
        reporter.skip(units: 500)
        // `update` records its figures every 4096 calls; the heartbeat draws them.
        reporter.begin("a.csv", total: 500)
        for _ in 0..<4096 { reporter.update(rows: 100, done: 250) }
        Thread.sleep(forTimeInterval: 0.05)
        reporter.end()
        reporter.begin("b.csv", total: 1_000)
        for _ in 0..<4096 { reporter.update(rows: 50, done: 500) }
        Thread.sleep(forTimeInterval: 0.05)
        reporter.end()
        reporter.endStage()
        let lines = log.text.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("extract (a.csv): 37% 100 rows") }, log.text)  // (500 + 250) / 2000
        XCTAssertTrue(lines.contains { $0.hasPrefix("extract (b.csv): 75% 150 rows") }, log.text)  // (500 + 500 + 500) / 2000
    }

    /// While a stage is open a line comes at the interval even when nothing calls `update`
    /// (a long merge, a model fit), saying what the stage is doing; none after it closes.
    func testAHeartbeatReportsAStageThatIsBusyWithoutRows() {
        let log = Screen()
        let reporter = ProgressReporter(interactive: false, logger: Logger(label: "t") { _ in CapturingHandler(sink: log) }, interval: 0.02)
        reporter.beginStage("load", total: 4)
        reporter.note("merging tickets file 2 of 4")
        reporter.advance()
        Thread.sleep(forTimeInterval: 0.15)
        reporter.endStage()
        let during = log.text
        XCTAssertTrue(during.contains("load (merging tickets file 2 of 4): 25% "), during)
        XCTAssertTrue(during.contains(" ETA "), during)
        Thread.sleep(forTimeInterval: 0.08)
        XCTAssertEqual(log.text, during, "no line after the stage closed")
    }

    /// The domain words have one home: periods and outcomes.
    func testPeriodKeysHaveTheirBoundsAndOutcomesTheirWindows() {
        XCTAssertTrue(ScorePeriod.bounds(of: "2026-12") == ("2026-12", "2027-01"))
        XCTAssertTrue(ScorePeriod.bounds(of: "2026-Q4") == ("2026-10", "2027-01"))
        XCTAssertTrue(ScorePeriod.bounds(of: "2026-Q1") == ("2026-01", "2026-04"))
        XCTAssertEqual(Set(ScoreConfig.defaultWindows.keys), Set(Outcome.allCases))
        var config = ScoreConfig()
        config.windows[.repeat] = 3
        XCTAssertEqual(config.window(for: .repeat), 3)
        XCTAssertEqual(config.window(for: .renew), 180)
        XCTAssertEqual(Outcome.allCases.filter(\.isAdverse), [.repeat, .reopen, .escalate, .churn])
        XCTAssertEqual(Outcome.referral.column, "referral")
    }

    func testCivilDateArithmeticRoundTrips() {
        // The whole domain: 0001-01-01 (day -719162) to 9999-12-31 (day 2932896).
        for days in stride(from: -719_162, through: 2_932_896, by: 997) {
            let date = CivilDate(daysSinceEpoch: days)
            XCTAssertEqual(date.daysSinceEpoch, days)
            XCTAssertEqual(CivilDate(iso: date.description), date)
        }
        XCTAssertNil(CivilDate(year: 2025, month: 2, day: 29))
        XCTAssertNotNil(CivilDate(year: 2024, month: 2, day: 29))
        XCTAssertEqual(utcTimestamp(epochSeconds: 0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(utcTimestamp(epochSeconds: -1), "1969-12-31T23:59:59Z")
        XCTAssertEqual(CivilDate(year: 2026, month: 11, day: 22)?.quarterKey, "2026-Q4")
    }
}
