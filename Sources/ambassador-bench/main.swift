import AmbassadorCore
import Foundation
import Generate
import TestSupport
import Warehouse

/// `make bench`: measures the hot paths against baselines measured in the same run, and
/// writes BENCHMARKS.md with the machine noted. Medians of several runs; ratios, not
/// absolute times, are the figures to compare across machines.
///
/// Usage: ambassador-bench [--rows N] [--runs R] [--out FILE] [--c-baseline PATH] [--only a,b] [--score-tickets N]
///        [--null-datasets N] [--calibration-seeds N] [--reverse-seeds N] [--scale-tickets N]
struct Bench {
    var rows = 1_000_000
    var runs = 5
    var out = "BENCHMARKS.md"
    var cBaseline = ""
    var work = "bench-work"
    var ambassador = ".build/release/ambassador"
    var extractRows = 1_000_000
    var largeRows = 10_000_000
    var previewRows = 7_500_000
    var scoreTickets = 1_000_000
    var nullDatasets = 1_000
    var calibrationSeeds = 200
    var reverseSeeds = 20
    var scaleTickets = 10_000_000
    var sections: Set<String> = ["insert", "extract", "pipeline", "postgres", "memory", "preview", "generate", "score", "calibration", "scale"]

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--rows": rows = iterator.next().flatMap(Int.init) ?? rows
            case "--runs": runs = iterator.next().flatMap(Int.init) ?? runs
            case "--out": out = iterator.next() ?? out
            case "--c-baseline": cBaseline = iterator.next() ?? cBaseline
            case "--work": work = iterator.next() ?? work
            case "--ambassador": ambassador = iterator.next() ?? ambassador
            case "--extract-rows": extractRows = iterator.next().flatMap(Int.init) ?? extractRows
            case "--large-rows": largeRows = iterator.next().flatMap(Int.init) ?? largeRows
            case "--preview-rows": previewRows = iterator.next().flatMap(Int.init) ?? previewRows
            case "--score-tickets": scoreTickets = iterator.next().flatMap(Int.init) ?? scoreTickets
            case "--null-datasets": nullDatasets = iterator.next().flatMap(Int.init) ?? nullDatasets
            case "--calibration-seeds": calibrationSeeds = iterator.next().flatMap(Int.init) ?? calibrationSeeds
            case "--reverse-seeds": reverseSeeds = iterator.next().flatMap(Int.init) ?? reverseSeeds
            case "--scale-tickets": scaleTickets = iterator.next().flatMap(Int.init) ?? scaleTickets
            case "--only": sections = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
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
        process.arguments = [path, String(rows), String(Database.pageSize)]
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
        var bench = self
        // measure() runs children in their data directory: make our paths absolute first.
        let cwd = FileManager.default.currentDirectoryPath
        if !bench.ambassador.hasPrefix("/") { bench.ambassador = cwd + "/" + bench.ambassador }
        if !bench.work.hasPrefix("/") { bench.work = cwd + "/" + bench.work }
        if !bench.cBaseline.isEmpty, !bench.cBaseline.hasPrefix("/") { bench.cBaseline = cwd + "/" + bench.cBaseline }
        if !bench.out.hasPrefix("/") { bench.out = cwd + "/" + bench.out }
        try bench.runSections()
    }

    func runSections() throws {
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var report = """
            # Benchmarks

            Written by `make bench` (`ambassador-bench`); every figure is a median of \(runs) runs taken in the same
            invocation as its baseline, interleaved, unless it says otherwise. Re-run it to reproduce; compare ratios
            across machines, not seconds. Peak memory is each process's maximum resident set, from GNU time
            (`/usr/bin/time -f %M`, which measures the child alone).

            ## Machine

            \(machine())


            """
        if sections.contains("insert") { report += try insertSection() }
        if sections.contains("extract") { report += try extractSection() }
        if sections.contains("pipeline") { report += try pipelineSection() }
        if sections.contains("postgres") { report += try postgresSection() }
        if sections.contains("memory") { report += try memorySection() }
        if sections.contains("preview") { report += try previewSection() }
        if sections.contains("generate") { report += try generateSection() }
        if sections.contains("score") { report += try scoreSection() }
        if sections.contains("calibration") { report += try calibrationSection() }
        if sections.contains("scale") { report += try scaleSection() }
        try report.write(toFile: out, atomically: true, encoding: .utf8)
        print("wrote \(out)")
        try? FileManager.default.removeItem(atPath: work)
    }

    func insertSection() throws -> String {
        var swiftTimes: [Double] = []
        var cTimes: [Double] = []
        // Interleaved, so drift in the machine's load touches both sides alike.
        for run in 0..<runs {
            let c = try cInsert("\(work)/c-\(run).sqlite")
            let s = try swiftInsert("\(work)/swift-\(run).sqlite")
            cTimes.append(c)
            swiftTimes.append(s)
            print("insert \(run + 1)/\(runs): C \(format(c)) s, Warehouse \(format(s)) s")
            for file in try FileManager.default.contentsOfDirectory(atPath: work) where file.hasSuffix(".sqlite") || file.contains(".sqlite-") {
                try? FileManager.default.removeItem(atPath: "\(work)/\(file)")
            }
        }
        let cMedian = median(cTimes), swiftMedian = median(swiftTimes)
        let cRate = Double(rows) / cMedian, swiftRate = Double(rows) / swiftMedian
        let ratio = swiftRate / cRate
        return """
            ## Warehouse bulk insert vs a plain C loop

            \(rows) rows of 10 columns (1 integer, 9 text values of ~22 bytes) into one table, one prepared statement,
            bind/step/reset, one transaction, WAL, `synchronous=NORMAL`, \(Database.pageSize)-byte pages (a new warehouse's), timed from BEGIN to the end of COMMIT.
            Baseline: `Sources/bench-c-insert/main.c` (plain C, `-O2`) doing exactly the same.

            | path | median seconds | rows/s | all runs (s) |
            |---|---:|---:|---|
            | plain C loop (sqlite3 C API) | \(format(cMedian)) | \(Int(cRate)) | \(cTimes.map(format).joined(separator: ", ")) |
            | Warehouse `BulkInserter` (Swift) | \(format(swiftMedian)) | \(Int(swiftRate)) | \(swiftTimes.map(format).joined(separator: ", ")) |

            Warehouse rate / C rate: **\(format(ratio))** — \(ratio >= 0.7 ? "meets" : "MISSES") the bar of 0.70.


            """
    }

    /// A generated single-file ticket CSV of about `rows` rows, and a pipeline that extracts it.
    func ticketCSV(_ rows: Int, name: String) throws -> (directory: String, csv: String, records: Int) {
        let directory = "\(work)/\(name)"
        let counts = try Generator(settings: GeneratorSettings(outDir: directory, teams: 60, tickets: rows, months: 1, seed: 2026)).run()
        try """
            warehouse: w.sqlite
            sources:
              tickets:
                kind: raw
                inbox: tickets/*.csv
                partition: none
            """.write(toFile: directory + "/extract.yml", atomically: true, encoding: .utf8)
        return (directory, directory + "/tickets/tickets_2026-01-01.csv", counts.tickets)
    }

    func removeWarehouses(_ directory: String) {
        for name in ["w.sqlite", "w.sqlite-wal", "w.sqlite-shm", "w.sqlite.lock", "import.sqlite", "import.sqlite-journal", "floor.sqlite", "floor.sqlite-wal", "floor.sqlite-shm"] {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }

    func extractSection() throws -> String {
        let data = try ticketCSV(extractRows, name: "extract")
        let size = (try? FileManager.default.attributesOfItem(atPath: data.csv)[.size] as? Int) ?? 0
        var ours: [ChildProcess.Measured] = [], theirs: [ChildProcess.Measured] = []
        for run in 0..<runs {
            removeWarehouses(data.directory)
            let a = try ChildProcess.measure([ambassador, "extract", "--pipeline", "extract.yml", "--quiet"], in: data.directory)
            let b = try ChildProcess.measure(["/usr/bin/env", "sqlite3", "import.sqlite", ".import --csv tickets/tickets_2026-01-01.csv t"], in: data.directory)
            ours.append(a)
            theirs.append(b)
            print("extract \(run + 1)/\(runs): ambassador extract \(format(a.seconds)) s, sqlite3 .import \(format(b.seconds)) s")
        }
        removeWarehouses(data.directory)
        let a = median(ours.map(\.seconds)), b = median(theirs.map(\.seconds))
        let oursMB = (ours.map(\.peakKB).max() ?? 0) / 1024, theirsMB = (theirs.map(\.peakKB).max() ?? 0) / 1024
        return """
            ## Extract vs the sqlite3 shell's `.import`

            One generated ticket CSV: \(data.records) rows, 14 columns, \(size / 1_000_000) MB. `ambassador extract` of a `kind: raw` source
            (SHA-256 of the file, parse, insert into `raw_tickets` with lineage columns, copy into the archive, manifest, commit,
            WAL) against
            `sqlite3 import.sqlite ".import --csv FILE t"` on the same file into a new database; each is a whole process.

            | command | median seconds | rows/s | peak memory | all runs (s) |
            |---|---:|---:|---:|---|
            | `ambassador extract` | \(format(a)) | \(Int(Double(data.records) / a)) | \(oursMB) MB | \(ours.map { format($0.seconds) }.joined(separator: ", ")) |
            | `sqlite3 .import` | \(format(b)) | \(Int(Double(data.records) / b)) | \(theirsMB) MB | \(theirs.map { format($0.seconds) }.joined(separator: ", ")) |

            extract / .import: **\(format(a / b))** — \(a <= b ? "meets" : "MISSES") the bar (extract must take no longer than `.import`).


            """
    }

    /// Extract, normalize and load of six monthly ticket CSVs (about `extractRows` tickets in
    /// all, with their rosters) — three processes, as the make targets run them — against
    /// `.import` of the same six files into one table; and the warehouse's size against theirs.
    /// The pipeline sections' data: a generated organisation (seed 3, 60 teams, six months) in
    /// `directory`, and `pipeline-bench.yml` taking its ticket files with their rosters (so that
    /// attribution resolves agents as in a real load). Returns the counts and the ticket files.
    func ticketPipeline(in directory: String) throws -> (counts: GeneratedCounts, ticketFiles: [String]) {
        try? FileManager.default.removeItem(atPath: directory)
        let counts = try Generator(settings: GeneratorSettings(outDir: directory, teams: 60, tickets: extractRows, months: 6, seed: 3)).run()
        let ticketFiles = try FileManager.default.contentsOfDirectory(atPath: directory + "/tickets").filter { $0.hasSuffix(".csv") }.sorted()
        try """
            warehouse: w.sqlite
            sources:
              roster:
                kind: hr_roster
                inbox: hr/*.csv
              tickets:
                kind: tickets
                inbox: tickets/*.csv
                fields: { channel: Via, first_assignee_id: First Assignee ID, assignee_id: Assignee ID }
            """.write(toFile: directory + "/pipeline-bench.yml", atomically: true, encoding: .utf8)
        return (counts, ticketFiles)
    }

    func pipelineSection() throws -> String {
        let directory = "\(work)/pipeline"
        let (counts, ticketFiles) = try ticketPipeline(in: directory)
        let inputBytes = try ticketFiles.reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: directory + "/tickets/" + name)[.size] as? Int) ?? 0)
        }
        let rosterBytes = try FileManager.default.contentsOfDirectory(atPath: directory + "/hr").reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: directory + "/hr/" + name)[.size] as? Int) ?? 0)
        }
        // The yardstick: the six files into one table, the header of each after the first skipped.
        // Into an existing table every file's header is skipped; a new one takes its columns
        // from the first file's.
        func imports(into table: String, existing: Bool, schema: String = "main") -> String {
            ticketFiles.enumerated().map { index, name in
                ".import --csv --schema \(schema) \(existing || index > 0 ? "--skip 1 " : "")tickets/\(name) \(table)"
            }.joined(separator: "\n")
        }
        try imports(into: "t", existing: false).write(toFile: directory + "/import.sql", atomically: true, encoding: .utf8)
        // One write of every row, keyed by ticket id as a fact table is, in the shell alone:
        // what a design writing each row once could approach.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: directory + "/tickets/" + ticketFiles[0]))
        let header = String(decoding: try handle.read(upToCount: 4096) ?? Data(), as: UTF8.self).prefix { $0 != "\n" && $0 != "\r" }
        try handle.close()
        let columns = header.split(separator: ",").map { "\"\($0)\" TEXT" }.joined(separator: ", ")
        try """
            PRAGMA page_size=\(Database.pageSize);
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE fact (\(columns), PRIMARY KEY ("Ticket ID")) WITHOUT ROWID;
            CREATE TEMP TABLE raw (\(columns));
            \(imports(into: "raw", existing: true, schema: "temp"))
            INSERT OR REPLACE INTO fact SELECT * FROM temp.raw;
            """.write(toFile: directory + "/once.sql", atomically: true, encoding: .utf8)
        var totals: [Double] = [], baselines: [Double] = [], onces: [Double] = [], stages: [[Double]] = [], sizes: [Int] = [], peak = 0
        for run in 0..<runs {
            removeWarehouses(directory)
            try? FileManager.default.removeItem(atPath: directory + "/archive")
            var times: [Double] = []
            for stage in ["extract", "normalize", "load"] {
                let m = try ChildProcess.measure([ambassador, stage, "--pipeline", "pipeline-bench.yml", "--quiet"], in: directory)
                times.append(m.seconds)
                peak = max(peak, m.peakKB)
            }
            sizes.append((try FileManager.default.attributesOfItem(atPath: directory + "/w.sqlite")[.size] as? Int) ?? 0)
            let b = try ChildProcess.measure(["/usr/bin/env", "sqlite3", "import.sqlite", ".read import.sql"], in: directory)
            let o = try ChildProcess.measure(["/usr/bin/env", "sqlite3", "floor.sqlite", ".read once.sql"], in: directory)
            stages.append(times)
            totals.append(times.reduce(0, +))
            baselines.append(b.seconds)
            onces.append(o.seconds)
            print("pipeline \(run + 1)/\(runs): extract+normalize+load \(format(times.reduce(0, +))) s (\(times.map(format).joined(separator: " + "))), .import of the six files \(format(b.seconds)) s, one keyed write in the shell \(format(o.seconds)) s, warehouse \((sizes.last ?? 0) / 1_000_000) MB")
        }
        let archiveBytes = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/archive"))?.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory + "/archive/" + name)[.size] as? Int) ?? 0)
        } ?? 0
        removeWarehouses(directory)
        let total = median(totals), baseline = median(baselines), once = median(onces)
        let stageMedians = (0..<3).map { i in median(stages.map { $0[i] }) }
        let ratio = total / baseline
        let size = sizes.sorted()[sizes.count / 2]
        let sizeRatio = Double(size) / Double(inputBytes + rosterBytes)
        return """
            ## Extract + normalize + load vs `.import`

            Generated (`realistic`, seed 3, 60 teams): \(counts.tickets) tickets in six monthly CSVs (\(inputBytes / 1_000_000) MB) with
            their six roster snapshots (\(rosterBytes / 1000) kB), taken from inbox to `fact_ticket` — archived; each ticket file
            (fresh: new tickets) left by normalize to load, which reads it again in one streaming pass straight into
            `fact_ticket`, attributed to employees and teams; data checks — as `ambassador extract`, `normalize` and `load`
            (three processes), against the yardstick: the `sqlite3` shell's `.import` of the same six files into one table
            (`--skip 1` for each later file's header).

            | step | median seconds |
            |---|---:|
            | extract | \(format(stageMedians[0])) |
            | normalize | \(format(stageMedians[1])) |
            | load | \(format(stageMedians[2])) |
            | **extract + normalize + load** | **\(format(total))** |
            | `sqlite3 .import` of the six files | \(format(baseline)) |
            | the same rows written once, keyed by ticket id, in the shell | \(format(once)) |

            (extract + normalize + load) / .import: **\(format(ratio))** — \(ratio <= 2 ? "meets" : "MISSES") the bar of 2.0 (goal 1.5); one keyed
            write / .import: \(format(once / baseline)). Peak memory of any step: \(peak / 1024) MB (bar: 64 MB).

            Warehouse after the three steps: **\(size / 1_000_000) MB, \(format(sizeRatio))× the input** (\(format(Double(size) / 1_000_000)) MB over
            \(format(Double(inputBytes + rosterBytes) / 1_000_000)) MB of CSV) — \(sizeRatio <= 2 ? "meets" : "MISSES") the bar of 2.0 (goal 1.5). Beside it the
            archive holds the accepted files as they arrived (\(archiveBytes / 1_000_000) MB: the raw layer, a copy of the inbox).


            """
    }

    func memorySection() throws -> String {
        var rowsOut = ""
        for (label, count) in [("1M", extractRows), ("10M", largeRows)] {
            let data = try ticketCSV(count, name: "memory-\(label)")
            removeWarehouses(data.directory)
            let m = try ChildProcess.measure([ambassador, "extract", "--pipeline", "extract.yml", "--quiet"], in: data.directory)
            print("memory \(label): \(m.peakKB / 1024) MB peak, \(format(m.seconds)) s")
            rowsOut += "| \(data.records) | \(format(m.seconds)) | \(Int(Double(data.records) / m.seconds)) | \(m.peakKB / 1024) MB |\n"
            try? FileManager.default.removeItem(atPath: data.directory)
        }
        return """
            ## Extract: memory does not grow with input

            One run each of `ambassador extract` on a generated ticket CSV of each size. The bar is 64 MB.

            | rows | seconds | rows/s | peak memory |
            |---:|---:|---:|---:|
            \(rowsOut)

            """
    }

    func previewSection() throws -> String {
        let data = try ticketCSV(previewRows, name: "preview")
        let size = (try? FileManager.default.attributesOfItem(atPath: data.csv)[.size] as? Int) ?? 0
        let first = try ChildProcess.timeToFirstLine([ambassador, "preview", data.csv])
        let whole = try ChildProcess.measure([ambassador, "preview", data.csv], in: work, quiet: true)
        print("preview: first line after \(format(first)) s, whole file \(format(whole.seconds)) s, \(whole.peakKB / 1024) MB peak")
        try? FileManager.default.removeItem(atPath: data.directory)
        return """
            ## Preview streams

            `ambassador preview` on a generated ticket CSV of \(size / 1_000_000) MB (\(data.records) rows), output to a pipe.

            | measure | value |
            |---|---:|
            | time to the first JSON line | \(format(first)) s |
            | time for the whole file (output discarded) | \(format(whole.seconds)) s |
            | peak memory, whole file | \(whole.peakKB / 1024) MB |


            """
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
    case unexpected(String)

    var description: String {
        switch self {
        case .baselineFailed(let path): return "\(path): the C baseline failed; expected it to print seconds"
        case .unexpected(let what): return what
        }
    }
}

do {
    try Bench(arguments: CommandLine.arguments).run()
} catch {
    FileHandle.standardError.write(Data("ambassador-bench: \(error)\n".utf8))
    exit(1)
}
