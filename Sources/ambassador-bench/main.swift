import AmbassadorCore
import Foundation
import Warehouse

/// `make bench`: measures the hot paths against baselines measured in the same run, and
/// writes BENCHMARKS.md with the machine noted. Medians of several runs; ratios, not
/// absolute times, are the figures to compare across machines.
///
/// Usage: ambassador-bench [--rows N] [--runs R] [--out FILE] [--c-baseline PATH]
struct Bench {
    var rows = 1_000_000
    var runs = 5
    var out = "BENCHMARKS.md"
    var cBaseline = ""
    var work = "bench-work"

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--rows": rows = iterator.next().flatMap(Int.init) ?? rows
            case "--runs": runs = iterator.next().flatMap(Int.init) ?? runs
            case "--out": out = iterator.next() ?? out
            case "--c-baseline": cBaseline = iterator.next() ?? cBaseline
            case "--work": work = iterator.next() ?? work
            default:
                FileHandle.standardError.write(Data("ambassador-bench: unknown argument \(argument)\n".utf8))
                exit(64)
            }
        }
    }

    /// The Warehouse bulk path: the same rows, values and settings as the C loop.
    func swiftInsert(_ path: String) throws -> Double {
        let database = try Database(path: path)
        try database.execute("CREATE TABLE t (c1 INTEGER, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT, c9 TEXT, c10 TEXT)")
        // One flat buffer with offsets, like the C baseline's static array: the harness
        // should cost the same on both sides so that only the Warehouse layer differs.
        var flat: [UInt8] = []
        var offsets: [(start: Int, count: Int)] = []
        for k in 0..<997 {
            let bytes = Array("value-\(k * 7919)-abcdefghij".utf8)
            offsets.append((flat.count, bytes.count))
            flat += bytes
        }
        let inserter = try BulkInserter(database: database, table: "t", columns: (1...10).map { "c\($0)" })
        let start = monotonicSeconds()
        try flat.withUnsafeBufferPointer { pool in
            try offsets.withUnsafeBufferPointer { offsets in
                try database.transaction {
                    for r in 0..<rows {
                        try inserter.insert { statement in
                            try statement.bind(.integer(Int64(r)), at: 1)
                            for c in 2...10 {
                                let slot = offsets[(r + c * 31) % 997]
                                try statement.bindText(UnsafeBufferPointer(rebasing: pool[slot.start..<(slot.start + slot.count)]), at: Int32(c))
                            }
                        }
                    }
                }
            }
        }
        return monotonicSeconds() - start
    }

    func cInsert(_ path: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cBaseline)
        process.arguments = [path, String(rows)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let seconds = Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError.baselineFailed(cBaseline)
        }
        return seconds
    }

    func run() throws {
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var swiftTimes: [Double] = []
        var cTimes: [Double] = []
        // Interleaved, so drift in the machine's load touches both sides alike.
        for run in 0..<runs {
            let c = try cInsert("\(work)/c-\(run).sqlite")
            let s = try swiftInsert("\(work)/swift-\(run).sqlite")
            cTimes.append(c)
            swiftTimes.append(s)
            print("run \(run + 1)/\(runs): C \(format(c)) s, Warehouse \(format(s)) s")
            for file in try FileManager.default.contentsOfDirectory(atPath: work) {
                try? FileManager.default.removeItem(atPath: "\(work)/\(file)")
            }
        }
        let cMedian = median(cTimes), swiftMedian = median(swiftTimes)
        let cRate = Double(rows) / cMedian, swiftRate = Double(rows) / swiftMedian
        let ratio = swiftRate / cRate
        let verdict = ratio >= 0.7 ? "meets" : "MISSES"
        let report = """
            # Benchmarks

            Written by `make bench` (`ambassador-bench`); every figure is a median of \(runs) runs taken in the same
            invocation as its baseline, interleaved. Re-run it to reproduce; compare ratios across machines, not seconds.

            ## Machine

            \(machine())

            ## Warehouse bulk insert vs a plain C loop

            \(rows) rows of 10 columns (1 integer, 9 text values of ~22 bytes) into one table, one prepared statement,
            bind/step/reset, one transaction, WAL, `synchronous=NORMAL`, timed from BEGIN to the end of COMMIT.
            Baseline: `Sources/bench-c-insert/main.c` (plain C, `-O2`) doing exactly the same.

            | path | median seconds | rows/s | all runs (s) |
            |---|---:|---:|---|
            | plain C loop (sqlite3 C API) | \(format(cMedian)) | \(Int(cRate)) | \(cTimes.map(format).joined(separator: ", ")) |
            | Warehouse `BulkInserter` (Swift) | \(format(swiftMedian)) | \(Int(swiftRate)) | \(swiftTimes.map(format).joined(separator: ", ")) |

            Warehouse rate / C rate: **\(format(ratio))** — \(verdict) the bar of 0.70 (issue: the bulk path must reach
            at least 70% of a plain C loop's insert rate).

            """
        try report.write(toFile: out, atomically: true, encoding: .utf8)
        print("wrote \(out): Warehouse/C = \(format(ratio)) (\(verdict) 0.70)")
        try? FileManager.default.removeItem(atPath: work)
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    func format(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    func machine() -> String {
        var lines: [String] = []
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        lines.append("- CPU: \(model), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        lines.append("- memory: \(ProcessInfo.processInfo.physicalMemory / (1 << 30)) GiB")
        lines.append("- OS: \(ProcessInfo.processInfo.operatingSystemVersionString)")
        lines.append("- SQLite: \(Bench.sqliteVersion())")
        lines.append("- build: release (`swift build -c release`), Swift toolchain of the machine")
        lines.append("- date (UTC): \(utcTimestamp(epochSeconds: Int64(Date().timeIntervalSince1970)))")
        return lines.joined(separator: "\n")
    }

    static func sqliteVersion() -> String {
        (try? Database(path: ":memory:").scalar("SELECT sqlite_version()").stringValue) ?? "unknown"
    }
}

enum BenchError: Error, CustomStringConvertible {
    case baselineFailed(String)

    var description: String {
        switch self {
        case .baselineFailed(let path): return "\(path): the C baseline failed; expected it to print seconds"
        }
    }
}

do {
    try Bench(arguments: CommandLine.arguments).run()
} catch {
    FileHandle.standardError.write(Data("ambassador-bench: \(error)\n".utf8))
    exit(1)
}
