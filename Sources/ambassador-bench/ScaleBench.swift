import Foundation
import Generate
import TestSupport

/// The whole pipeline at scale (issue 18: "full `run` on 10 M tickets, measured in `make
/// bench`; ≤ 10× the 1 M time; warehouse ≤ 1.5× input"): a generated organisation of a tenth
/// of `scaleTickets` and one of `scaleTickets` (60 teams, 12 months, seed 3, every source the
/// generator writes), each stage of `ambassador run` as its own process so that each has its
/// time and peak memory, in the same invocation; then the sizes on disk.
extension Bench {
    struct ScaleRun {
        var tickets: Int
        var inputBytes: Int
        var stages: [(name: String, seconds: Double, peakKB: Int, status: Int32)] = []
        var warehouseBytes = 0
        var archiveBytes = 0
        var total: Double { stages.reduce(0) { $0 + $1.seconds } }
    }

    static let scaleStages = ["extract", "normalize", "load", "score", "report"]

    func scaleSection() throws -> String {
        var measured: [ScaleRun] = []
        for size in [scaleTickets / 10, scaleTickets] {
            let directory = "\(work)/scale-\(size)"
            try? FileManager.default.removeItem(atPath: directory)
            let counts = try Generator(settings: GeneratorSettings(outDir: directory, teams: 60, tickets: size, months: 12, seed: 3)).run()
            var run = ScaleRun(tickets: counts.tickets, inputBytes: try Bench.bytes(under: directory, skipping: ["var", "pipeline.yml", "truth.json"]))
            for stage in Bench.scaleStages {
                // A stage that exits non-zero (65: rows quarantined, a check failed) still ran
                // over everything; its code is reported beside its time. Its log (timestamped
                // steps) goes to the bench's standard error: where a stage's time goes at scale.
                let m = try ChildProcess.measure([ambassador, stage, "--pipeline", "pipeline.yml", "--run-date", "2027-01-15"],
                                                 in: directory, allowFailure: true)
                run.stages.append((stage, m.seconds, m.peakKB, m.status))
                print("scale \(counts.tickets): \(stage) \(format(m.seconds)) s, \(m.peakKB / 1024) MB, exit \(m.status)")
            }
            // The warehouse file and its WAL; the archive beside it (the raw layer) on its own.
            run.warehouseBytes = ["", "-wal"].reduce(0) { total, suffix in
                total + ((try? FileManager.default.attributesOfItem(atPath: directory + "/var/warehouse.sqlite" + suffix)[.size] as? Int) ?? 0)
            }
            run.archiveBytes = (try? Bench.bytes(under: directory + "/var/archive", skipping: [])) ?? 0
            measured.append(run)
            try? FileManager.default.removeItem(atPath: directory)
        }
        guard measured.count == 2 else { return "" }
        let (small, large) = (measured[0], measured[1])
        func mb(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
        var rows = ""
        for (k, stage) in Bench.scaleStages.enumerated() {
            let a = small.stages[k], b = large.stages[k]
            let codes = a.status == 0 && b.status == 0 ? "" : " (exit \(a.status) / \(b.status))"
            rows += "| \(stage)\(codes) | \(format(a.seconds)) | \(a.peakKB / 1024) MB | \(format(b.seconds)) | \(b.peakKB / 1024) MB | "
                + String(format: "%.1f×", b.seconds / max(a.seconds, 0.001)) + " |\n"
        }
        let ratio = large.total / max(small.total, 0.001)
        let growth = Double(large.tickets) / Double(max(small.tickets, 1))
        let sizeRatio = Double(large.warehouseBytes) / Double(max(large.inputBytes, 1))
        let peak = large.stages.map(\.peakKB).max() ?? 0
        let scorePeak = large.stages.first { $0.name == "score" }?.peakKB ?? 0
        return """
            ## The whole pipeline at \(large.tickets) tickets against \(small.tickets)

            `ambassador generate --teams 60 --months 12 --seed 3` at \(small.tickets) and at \(large.tickets) tickets (every source
            the generator writes: tickets, rosters, pulse and relationship surveys, CSAT, customer events), then each stage
            of `ambassador run` as its own process (`--run-date 2027-01-15`), one run each, in this invocation. Input:
            \(mb(small.inputBytes)) and \(mb(large.inputBytes)) of exports.

            | stage | seconds (\(small.tickets)) | peak | seconds (\(large.tickets)) | peak | growth |
            |---|---:|---:|---:|---:|---:|
            \(rows)| **whole run** | **\(format(small.total))** | | **\(format(large.total))** | **\(peak / 1024) MB** | **\(String(format: "%.1f×", ratio))** |

            \(String(format: "%.1f", growth))× the tickets took **\(String(format: "%.1f", ratio))×** the time (goal: ≤ 10×); the score stage's
            peak at \(large.tickets) tickets: **\(scorePeak / 1024) MB** (first bar ≤ 1 GB). Warehouse after the run: \(mb(large.warehouseBytes)),
            **\(String(format: "%.2f", sizeRatio))×** the input (goal ≤ 1.5×; \(mb(small.warehouseBytes)) at \(small.tickets) tickets);
            beside it the archive of accepted files, \(mb(large.archiveBytes)).


            """
    }

    /// The bytes of the regular files under `directory`, leaving out the entries of its top
    /// level named in `skipping` (the generator's own files, the run's `var/`).
    static func bytes(under directory: String, skipping: Set<String>) throws -> Int {
        var total = 0
        for top in try FileManager.default.contentsOfDirectory(atPath: directory) where !skipping.contains(top) {
            let path = directory + "/" + top
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                total += try bytes(under: path, skipping: [])
            } else {
                total += (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            }
        }
        return total
    }
}
