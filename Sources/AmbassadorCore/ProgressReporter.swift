#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Shows progress of long work: a redrawn bar with rows/s and ETA on a terminal, and a
/// plain log line every few seconds otherwise (cron mail stays readable).
///
/// Stages call `update` as often as they like; it reads the monotonic clock at most once
/// per 4096 calls and draws at most a few times per second.
package final class ProgressReporter: @unchecked Sendable {
    private let interactive: Bool
    private let logger: Logger?
    private var label = ""
    private var total: Int64 = 0
    private var started: Double = 0
    private var lastDraw: Double = 0
    private var calls = 0
    private var drewBar = false
    private let drawBar: @Sendable (String) -> Void
    private let minimumInterval: Double

    /// - Parameters:
    ///   - interactive: draw a bar (stderr is a terminal); otherwise log lines.
    ///   - logger: where plain progress lines go; `nil` keeps quiet.
    ///   - interval: seconds between updates (default: 0.2 for a bar, 5 for log lines).
    ///   - drawBar: receives the terminal control text of the bar (stderr by default).
    package init(interactive: Bool, logger: Logger?, interval: Double? = nil,
                 drawBar: @escaping @Sendable (String) -> Void = { FileDescriptorWriter.standardError.write($0) }) {
        self.interactive = interactive
        self.logger = logger
        self.drawBar = drawBar
        self.minimumInterval = interval ?? (interactive ? 0.2 : 5.0)
    }

    /// A reporter that never prints (tests, `preview`).
    package static let silent = ProgressReporter(interactive: false, logger: nil)

    /// A reporter for stderr: a bar when stderr is a terminal, else log lines.
    package static func forStandardError(logger: Logger) -> ProgressReporter {
        ProgressReporter(interactive: isatty(2) == 1, logger: logger)
    }

    /// Starts a unit of work; `total` is in the same unit as `done` (bytes or rows), 0 if unknown.
    package func begin(_ label: String, total: Int64) {
        self.label = label
        self.total = total
        started = monotonicSeconds()
        lastDraw = started
        calls = 0
    }

    /// Reports `rows` processed so far and `done` units of `total`.
    package func update(rows: Int, done: Int64) {
        calls &+= 1
        guard calls & 4095 == 0, logger != nil || interactive else { return }
        let now = monotonicSeconds()
        guard now - lastDraw >= minimumInterval else { return }
        lastDraw = now
        draw(rows: rows, done: done, now: now)
    }

    /// Ends the unit: clears the bar on a terminal.
    package func end() {
        if interactive && drewBar {
            drawBar("\r\u{1B}[2K")
            drewBar = false
        }
    }

    private func draw(rows: Int, done: Int64, now: Double) {
        let elapsed = max(now - started, 1e-6)
        let rate = Double(rows) / elapsed
        var eta = ""
        if total > 0, done > 0, done < total {
            let remaining = elapsed * Double(total - done) / Double(done)
            eta = " ETA \(Int(remaining.rounded()))s"
        }
        let percent = total > 0 ? min(100, Int(Double(done) * 100 / Double(total))) : -1
        if interactive {
            let width = 24
            let filled = percent >= 0 ? percent * width / 100 : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let pct = percent >= 0 ? " \(percent)%" : ""
            drawBar("\r\u{1B}[2K\(label) [\(bar)]\(pct) \(rows) rows \(Int(rate)) rows/s\(eta)")
            drewBar = true
        } else {
            let pct = percent >= 0 ? "\(percent)% " : ""
            logger?.info("\(label): \(pct)\(rows) rows, \(Int(rate)) rows/s\(eta)")
        }
    }
}

/// Seconds on the monotonic clock (for rates, never for data).
package func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
