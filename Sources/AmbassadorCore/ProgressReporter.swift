#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Logging

/// Shows progress of long work: a redrawn bar with rows/s and ETA on a terminal, and a
/// plain log line every few seconds otherwise (cron mail stays readable).
///
/// One model for a whole stage: the runner opens a stage scope (`beginStage`) around every
/// stage; a stage that knows its size sets it (`setStageTotal`), each file's
/// `begin`/`update`/`end` adds to the stage's count, `skip` counts work found unnecessary
/// (an unchanged file), `advance` counts units without rows (a merged file, a fitted model),
/// and `note` says what is going on. Percentage, rows/s and ETA are the stage's: they do
/// not restart with every file. While a stage is open a heartbeat draws at the interval even
/// when nothing calls `update` (a long SQL merge, a model fit), so cron sees a line every few
/// seconds of a long run.
///
/// `update` is the hot path: it reads the clock at most once per 4096 calls; everything
/// else takes a lock, shared with the heartbeat thread.
package final class ProgressReporter: @unchecked Sendable {
    private let interactive: Bool
    private let logger: Logger?
    private let drawBar: @Sendable (String) -> Void
    private let minimumInterval: Double
    private let lock = NSLock()
    private var calls = 0
    private var drewBar = false
    private var lastDraw: Double = 0
    // The unit (a file): its label, total, and the last figures `update` reported.
    private var label = ""
    private var total: Int64 = 0
    private var started: Double = 0
    private var unitRows = 0
    private var unitDone: Int64 = 0
    // The stage scope.
    private var stageLabel: String?
    private var stageTotal: Int64 = 0
    private var stageDone: Int64 = 0
    private var stageSkipped: Int64 = 0
    private var stageRows = 0
    private var stageStarted: Double = 0
    private var activity = ""
    private var heartbeat: DispatchSourceTimer?

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

    deinit {
        heartbeat?.cancel()
    }

    /// A reporter that never prints (tests, `preview`).
    package static let silent = ProgressReporter(interactive: false, logger: nil)

    /// A reporter for stderr: a bar when stderr is a terminal, else log lines, every
    /// `AMBASSADOR_PROGRESS_SECONDS` when set (default 0.2 s for a bar, 5 s for lines).
    package static func forStandardError(logger: Logger) -> ProgressReporter {
        let setting = getenv("AMBASSADOR_PROGRESS_SECONDS").flatMap { Double(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil }
        return ProgressReporter(interactive: isatty(2) == 1, logger: logger, interval: setting)
    }

    private var prints: Bool { logger != nil || interactive }

    // MARK: - The stage scope

    /// Opens a stage; `total` (in the unit its files report: bytes, rows, files or models)
    /// may be set later with `setStageTotal`, 0 if unknown.
    package func beginStage(_ label: String, total: Int64 = 0) {
        lock.locked {
            stageLabel = label
            stageTotal = total
            stageDone = 0
            stageSkipped = 0
            stageRows = 0
            activity = ""
            stageStarted = monotonicSeconds()
            lastDraw = stageStarted
        }
        guard prints else { return }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now() + minimumInterval, repeating: minimumInterval)
        timer.setEventHandler { [weak self] in self?.beat() }
        heartbeat?.cancel()
        heartbeat = timer
        timer.resume()
    }

    package func setStageTotal(_ total: Int64) {
        lock.locked { stageTotal = total }
    }

    /// Adds `units` to the stage's total (a stage that learns its work one source at a time).
    package func addToStageTotal(_ units: Int64) {
        lock.locked { stageTotal += units }
    }

    /// Counts `units` of the stage as done without work (a file found unchanged).
    package func skip(units: Int64) {
        lock.locked {
            stageDone += units
            stageSkipped += units
        }
    }

    /// Counts `units` of work done that have no rows of their own (a file merged, a model fitted).
    package func advance(units: Int64 = 1, rows: Int = 0) {
        lock.locked {
            stageDone += units
            stageRows += rows
        }
    }

    /// What the stage is doing now, shown with its figures ("merging tickets file 3 of 12").
    package func note(_ text: String) {
        lock.locked { activity = text }
    }

    /// Closes the stage: stops the heartbeat, clears the bar.
    package func endStage() {
        heartbeat?.cancel()
        heartbeat = nil
        lock.locked {
            clearBar()
            stageLabel = nil
            activity = ""
        }
    }

    // MARK: - Units (files)

    /// Starts a unit of work; `total` is in the same unit as `done` (bytes or rows), 0 if unknown.
    package func begin(_ label: String, total: Int64) {
        lock.locked {
            self.label = label
            self.total = total
            started = monotonicSeconds()
            calls = 0
            unitRows = 0
            unitDone = 0
            // Inside a stage the clock between lines runs on; alone, each unit starts it.
            if stageLabel == nil { lastDraw = started }
        }
    }

    /// Reports `rows` processed so far and `done` units of `total`.
    package func update(rows: Int, done: Int64) {
        calls &+= 1
        guard calls & 4095 == 0, prints else { return }
        let now = monotonicSeconds()
        lock.locked {
            unitRows = rows
            unitDone = done
            guard now - lastDraw >= minimumInterval else { return }
            draw(now: now)
        }
    }

    /// Ends the unit: clears the bar on a terminal; inside a stage, the unit's work joins the
    /// stage's (its whole total counts as done).
    package func end() {
        lock.locked {
            if stageLabel != nil {
                stageDone += max(total, unitDone)
                stageRows += unitRows
            }
            total = 0
            unitDone = 0
            unitRows = 0
            label = ""
            clearBar()
        }
    }

    // MARK: - Drawing (under the lock)

    private func beat() {
        let now = monotonicSeconds()
        lock.locked {
            guard stageLabel != nil, now - lastDraw >= minimumInterval * 0.9 else { return }
            draw(now: now)
        }
    }

    private func clearBar() {
        if interactive && drewBar {
            drawBar("\r\u{1B}[2K")
            drewBar = false
        }
    }

    private func draw(now: Double) {
        lastDraw = now
        let inStage = stageLabel != nil
        let rows = inStage ? stageRows + unitRows : unitRows
        let done = inStage ? stageDone + unitDone : unitDone
        let total = inStage ? stageTotal : self.total
        var name = stageLabel ?? label
        // "normalize tickets" inside the normalize stage reads as "tickets".
        var unit = label
        if let stage = stageLabel, unit.hasPrefix(stage + " ") { unit = String(unit.dropFirst(stage.count + 1)) }
        let detail = [activity, inStage ? unit : ""].filter { !$0.isEmpty }.joined(separator: ", ")
        if !detail.isEmpty { name += " (\(detail))" }
        let elapsed = max(now - (inStage ? stageStarted : started), 1e-6)
        // Skipped work took no time: the rate that predicts the rest is the worked part's.
        let worked = done - (inStage ? stageSkipped : 0)
        var eta = ""
        if total > 0, worked > 0, done < total {
            eta = " ETA \(Int((elapsed * Double(total - done) / Double(worked)).rounded()))s"
        }
        let percent = total > 0 ? min(100, Int(Double(done) * 100 / Double(total))) : -1
        let figures = rows > 0 ? "\(rows) rows, \(Int(Double(rows) / elapsed)) rows/s" : "\(Int(elapsed))s"
        if interactive {
            let width = 24
            let filled = percent >= 0 ? percent * width / 100 : 0
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let pct = percent >= 0 ? " \(percent)%" : ""
            drawBar("\r\u{1B}[2K\(name) [\(bar)]\(pct) \(figures)\(eta)")
            drewBar = true
        } else {
            let pct = percent >= 0 ? "\(percent)% " : ""
            logger?.info("\(name): \(pct)\(figures)\(eta)")
        }
    }
}

extension NSLock {
    /// Runs `body` holding the lock.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Seconds on the monotonic clock (for rates, never for data).
package func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
