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
