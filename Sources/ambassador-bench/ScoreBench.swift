import AmbassadorCore
import Foundation
import Generate
import Score
import TestSupport
import Warehouse

/// The score stage's benchmarks (issue: score 1 M tickets / 60 teams / ~500 agents with 999
/// bootstrap draws in under 60 s, next to statsmodels' time for the same logistic fit) and
/// the statsmodels comparison. The calibration over many seeds is CalibrationBench.swift.
extension Bench {
    func scoreSection() throws -> String {
        let directory = "\(work)/score"
        let counts = try Generator(settings: GeneratorSettings(outDir: directory, teams: 60, tickets: scoreTickets, months: 6, seed: 3)).run()
        _ = try ChildProcess.measure([ambassador, "run", "--pipeline", "pipeline.yml", "--quiet"], in: directory)
        let warehouse = directory + "/var/warehouse.sqlite"
        let database = try Database(path: warehouse)
        let agents = try database.count("SELECT count(DISTINCT employee_id) FROM score_agent_period")
        var times: [Double] = [], peak = 0
        for run in 0..<3 {
            try database.run("DELETE FROM score_state")  // forces every period and the linkage to be recomputed
            let m = try ChildProcess.measure([ambassador, "score", "--pipeline", "pipeline.yml", "--quiet"], in: directory)
            times.append(m.seconds)
            peak = max(peak, m.peakKB)
            print("score \(run + 1)/3: \(format(m.seconds)) s")
        }
        let draws = try database.count("SELECT count(*) FROM linkage_estimate WHERE method LIKE '%999 draws%'")
        let modelRows = try database.count("SELECT tickets FROM linkage_estimate WHERE confirmatory = 1")
        // The same REPEAT design, refitted by statsmodels and by our IRLS + CR1 alone.
        let designs = directory + "/designs"
        try FileManager.default.createDirectory(atPath: designs, withIntermediateDirectories: true)
        _ = try ChildProcess.measure([ambassador, "score", "--pipeline", "pipeline.yml", "--quiet", "--export-designs", designs], in: directory)
        let csv = designs + "/design_REPEAT_confirmatory.csv"
        let design = try Bench.readDesign(csv)
        var oursFit: [Double] = []
        var fit: RegressionFit?
        for _ in 0..<3 {
            let started = ContinuousClock.now
            guard case let .success(result) = LogisticRegression.fit(design) else { break }
            _ = ClusterRobust.covariance(design, fit: result)
            oursFit.append(Bench.seconds(since: started))
            fit = result
        }
        var statsmodelsLine = "statsmodels is not installed (`pip install statsmodels`): no comparison."
        var agreement = ""
        if let reference = try statsmodels(csv), let fit {
            let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: design.columns)
            let coefficientGap = zip(fit.coefficients, reference.coefficients).map { abs($0 - $1) }.max() ?? .nan
            let seGap = zip(se, reference.se).map { abs($0 - $1) }.max() ?? .nan
            statsmodelsLine = "statsmodels \(reference.version) `GLM(Binomial).fit(cov_type='cluster')` on the same \(design.rows) rows: "
                + "**\(format(reference.seconds)) s** (one fit, CSV reading excluded); ours, IRLS + CR1 in-process: **\(format(median(oursFit))) s**."
            agreement = "Largest difference over the \(design.columns) coefficients: \(String(format: "%.1e", coefficientGap)); "
                + "over their clustered SEs: \(String(format: "%.1e", seGap))."
        }
        let total = median(times)
        let server = try postgresScore(directory: directory, sqlite: database)
        return """
            ## Score: \(counts.tickets) tickets, 60 teams, 999 bootstrap draws

            Generated (`realistic`, seed 3): \(counts.tickets) tickets over 6 months, 60 teams, \(agents) agents. `ambassador score`
            with every period and the linkage forced to recompute: outcomes for every resolved ticket, team and agent
            indices, then 3 models (index, behaviour, joint) for each of 6 outcomes on up to \(modelRows) rows each (IRLS, CR1, exact restricted refits for the
            score-bootstrap p-values, test-inversion intervals; \(draws) estimates with 999 draws), lift tables,
            correlations, the reverse check and the AUCs.

            | | seconds |
            |---|---:|
            | `ambassador score`, median of 3 | **\(format(total))** |
            | runs | \(times.map(format).joined(separator: ", ")) |

            \(total < 60 ? "Meets" : "MISSES") the bar of 60 s. Peak memory \(peak / 1024) MB.

            \(server)

            \(statsmodelsLine) \(agreement)
            To reproduce the comparison: `ambassador score --export-designs DIR`, then
            `python3 Tests/ScoreTests/Golden/statsmodels_fit.py DIR/design_REPEAT_confirmatory.csv`.



            """
    }

    /// The same organisation run into a fresh PostgreSQL schema (`ambassador run --warehouse
    /// postgresql://…`), then `score` with everything forced to recompute, three times; the
    /// confirmatory estimate compared with SQLite's. A paragraph for the score section.
    func postgresScore(directory: String, sqlite: Database) throws -> String {
        guard let base = ProcessInfo.processInfo.environment["AMBASSADOR_TEST_POSTGRES_URL"], !base.isEmpty else {
            return "On PostgreSQL: not measured (no server; `make bench` starts one)."
        }
        let admin = try PostgresConnection(.postgres(url: base), applicationName: "ambassador-bench")
        let schema = "bench_score"
        let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
        try admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
        defer { try? admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let first = try ChildProcess.measure([ambassador, "run", "--pipeline", "pipeline.yml", "--warehouse", url, "--quiet"], in: directory)
        var times: [Double] = [], peak = 0
        for run in 0..<3 {
            try admin.execute("DELETE FROM \(schema).score_state")
            let m = try ChildProcess.measure([ambassador, "score", "--pipeline", "pipeline.yml", "--warehouse", url, "--quiet"], in: directory)
            times.append(m.seconds)
            peak = max(peak, m.peakKB)
            print("score on PostgreSQL \(run + 1)/3: \(format(m.seconds)) s")
        }
        let confirmatory = "SELECT estimate, std_error, p_value, tickets FROM %@linkage_estimate WHERE confirmatory = 1"
        let read: (any WarehouseRow) -> String = { row in (0..<4).map { row.value(Int32($0)).description }.joined(separator: " ") }
        let left = try sqlite.rows(confirmatory.replacingOccurrences(of: "%@", with: ""), read)
        let right = try admin.rows(confirmatory.replacingOccurrences(of: "%@", with: schema + "."), read)
        return """
            On PostgreSQL (the same files through `ambassador run --warehouse postgresql://…` into a fresh schema of the
            `.ci/with-postgres` cluster: \(format(first.seconds)) s for the whole run), `ambassador score` forced to recompute, median
            of 3: **\(format(median(times))) s** (\(times.map(format).joined(separator: ", "))), peak memory \(peak / 1024) MB. The
            confirmatory estimate (estimate, SE, p, tickets) is \(left == right && !left.isEmpty ? "identical on both engines" : "DIFFERENT: SQLite \(left), PostgreSQL \(right)").
            """
    }

    /// `ambassador generate` at 10 M tickets: throughput and memory (bars: 200 k tickets/s, 64 MB).
    func generateSection() throws -> String {
        let directory = "\(work)/generate"
        let m = try ChildProcess.measure([ambassador, "generate", "--out", directory, "--teams", "60", "--tickets", String(largeRows),
                                          "--months", "12", "--seed", "1"], quiet: true)
        let truth = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let tickets = ((truth?["counts"] as? [String: Any])?["tickets"] as? Int) ?? 0
        let bytes = (try? Bench.bytes(under: directory, skipping: [])) ?? 0
        try? FileManager.default.removeItem(atPath: directory)
        let rate = Double(tickets) / m.seconds
        print("generate: \(tickets) tickets in \(format(m.seconds)) s, \(m.peakKB / 1024) MB")
        return """
            ## Generator at scale

            `ambassador generate --teams 60 --tickets \(largeRows) --months 12` (one run): \(tickets) tickets and every other file
            (rosters, pulse, CSAT, relationship surveys, customer events; \(bytes / 1_000_000) MB in all) in \(format(m.seconds)) s:
            **\(Int(rate)) tickets/s** (bar: 200 000 — \(rate >= 200_000 ? "meets" : "MISSES") it), peak memory **\(m.peakKB / 1024) MB**
            (bar: 64 MB — \(m.peakKB < 64 * 1024 ? "meets" : "MISSES") it).


            """
    }

    /// Runs the statsmodels script on a design CSV; nil when Python or statsmodels is missing.
    func statsmodels(_ csv: String) throws -> (seconds: Double, coefficients: [Double], se: [Double], version: String)? {
        let script = FileManager.default.currentDirectoryPath + "/Tests/ScoreTests/Golden/statsmodels_fit.py"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import statsmodels, runpy, sys; print(statsmodels.__version__); sys.argv = ['fit', '\(csv)']; runpy.run_path('\(script)', run_name='__main__')"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.count >= 2, let object = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any],
              let seconds = object["seconds"] as? Double, let coefficients = object["coefficients"] as? [Double],
              let se = object["cluster_se"] as? [Double] else { return nil }
        return (seconds, coefficients, se, String(lines[0]))
    }

    /// Reads an exported design (y, cluster, predictors) back, with the intercept.
    static func readDesign(_ path: String) throws -> Design {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n")
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var values: [Double] = [], outcome: [Double] = [], cluster: [Int] = []
        values.reserveCapacity(lines.count * (header.count - 1))
        var clusters = 0
        for line in lines {
            let fields = line.split(separator: ",")
            outcome.append(Double(fields[0]) ?? .nan)
            let c = Int(fields[1]) ?? 0
            cluster.append(c)
            clusters = max(clusters, c + 1)
            values.append(1)
            for field in fields.dropFirst(2) { values.append(Double(field) ?? .nan) }
        }
        return Design(names: ["const"] + header.dropFirst(2), values: values, outcome: outcome, cluster: cluster, clusters: clusters)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = start.duration(to: .now).components
        return Double(d.seconds) + Double(d.attoseconds) / 1e18
    }
}
