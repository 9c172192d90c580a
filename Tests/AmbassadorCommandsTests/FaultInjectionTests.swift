import AmbassadorCore
import Foundation
import Generate
import TestSupport
import Warehouse
import XCTest

/// SIGKILL at seeded random moments across every stage, then a plain rerun: the warehouse
/// must end identical to an uninterrupted run's, intact, with no duplicate rows and no file
/// left half-done. `make fault-test` runs 50 kill points (AMBASSADOR_FAULT_POINTS=50); the
/// default in `make test` is 8.
final class FaultInjectionTests: XCTestCase {
    /// Commit boundaries in every stage with how often a run reaches each; a point-based
    /// kill picks one and an occurrence.
    static let points: [(String, Int)] = [("extract.file", 20), ("extract.file.committed", 20), ("normalize.file", 20),
                                          ("normalize.file.committed", 20), ("load.employees", 1), ("load.employees.committed", 1),
                                          ("load.tickets", 4), ("load.tickets.committed", 4), ("load.attribution", 1),
                                          ("load.attribution.committed", 1), ("load.survey", 8), ("load.survey.committed", 8),
                                          ("load.customer_events", 4), ("score.outcomes", 1), ("score.team_period", 4),
                                          ("score.period", 4), ("score.linkage", 1), ("report.staged", 1), ("report.switched", 1)]

    func inputs(_ directory: String) throws {
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 10, tickets: 3_000, months: 4, seed: 21,
                                                      agentsPerTeam: 5, dirt: 0.01)).run()
    }

    /// One killed run: at a seeded moment up to the clean run's `duration` (even `index`:
    /// anywhere, mid-transaction included) or at a seeded commit point (odd); how, and the result.
    func killOnce(_ arguments: [String], in directory: String, index: Int, duration: Double,
                  random: inout SeededRandom) throws -> (how: String, result: TestSupport.Result) {
        if index % 2 == 0 {
            let delay = 0.02 + random.uniform() * duration * 0.95
            let running = try TestSupport.start(arguments, in: directory)
            usleep(useconds_t(delay * 1_000_000))
            if running.process.isRunning { kill(running.process.processIdentifier, SIGKILL) }
            return ("after \(fixedPoint(delay, 2)) s", TestSupport.finish(running))
        }
        let (name, occurrences) = Self.points[random.int(Self.points.count)]
        let point = name + "#\(1 + random.int(occurrences))"
        return ("at \(point)", try TestSupport.run(arguments, in: directory, environment: ["AMBASSADOR_KILL_AT": point]))
    }

    func testKilledAtSeededRandomMomentsEveryRerunEndsInTheSameWarehouse() throws {
        let count = ProcessInfo.processInfo.environment["AMBASSADOR_FAULT_POINTS"].flatMap(Int.init) ?? 8
        let arguments = ["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02", "--quiet"]
        let reference = TestSupport.temporaryDirectory()
        try inputs(reference)
        let started = Date()
        let clean = try TestSupport.run(arguments, in: reference)
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        let expected = try WarehouseDump.dump(reference + "/var/warehouse.sqlite")
        XCTAssertGreaterThan(expected["fact_ticket"]?.count ?? 0, 2_000)
        XCTAssertGreaterThan(expected["linkage_estimate"]?.count ?? 0, 0)

        var random = SeededRandom(seed: 50)
        var identical = 0, killed = 0
        var log: [String] = []
        for index in 0..<count {
            let directory = TestSupport.temporaryDirectory("fault\(index)")
            try inputs(directory)
            let (how, first) = try killOnce(arguments, in: directory, index: index, duration: duration, random: &random)
            if first.signaled { killed += 1 }
            let rerun = try TestSupport.run(arguments, in: directory)
            XCTAssertEqual(rerun.status, 0, "kill \(how): rerun failed: \(rerun.stderr)")
            let warehouse = directory + "/var/warehouse.sqlite"
            XCTAssertEqual(try WarehouseDump.integrity(warehouse), "ok", "kill \(how)")
            let database = try Database(path: warehouse, readOnly: true)
            XCTAssertEqual(try database.count("SELECT count(*) FROM etl_source_file WHERE status IN ('extracted', 'normalized')"), 0,
                           "kill \(how): a file left in progress")
            XCTAssertEqual(try database.count("SELECT count(*) FROM etl_run WHERE status = 'running'"), 0, "kill \(how)")
            XCTAssertEqual(try database.count("""
                SELECT count(*) FROM etl_source_file f WHERE f.status = 'loaded' AND f.raw_first_rowid IS NOT NULL
                  AND f.raw_last_rowid - f.raw_first_rowid + 1 <> f.records
                """), 0, "kill \(how): raw rows duplicated or lost")
            XCTAssertEqual(try database.count("SELECT count(*) - count(DISTINCT customer_id || event || occurred_at) FROM fact_customer_event"), 0)
            // The report is one whole set, and nothing of a killed run's set is left beside it.
            let out = try FileManager.default.contentsOfDirectory(atPath: directory + "/out").sorted()
            XCTAssertEqual(out, ["linkage_estimates.csv", "report.html", "report.md", "team_scores.csv"], "kill \(how)")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("out.") }, [], "kill \(how)")
            let dump = try WarehouseDump.dump(warehouse)
            if dump == expected {
                identical += 1
            } else {
                let differing = expected.keys.filter { dump[$0] != expected[$0] }.sorted()
                XCTFail("kill \(how): tables differ from the uninterrupted run: \(differing)")
            }
            log.append("\(index + 1): kill \(how) → \(first.signaled ? "killed" : "finished first"), rerun exit \(rerun.status)")
        }
        print("fault-test: \(identical)/\(count) kill points ended in an identical warehouse (\(killed) runs actually killed)\n" + log.joined(separator: "\n"))
        XCTAssertEqual(identical, count)
        XCTAssertGreaterThan(killed, count / 2, "most runs must really be killed, or the test proves nothing")
    }
}

extension FaultInjectionTests {
    /// The same on a PostgreSQL warehouse: killed at seeded moments and commit points, then a
    /// plain rerun into the same schema ends with the dimensions, facts, outcomes, scores and
    /// linkage of an uninterrupted SQLite run, no file left in progress and no run left
    /// `running`. Between the kill and the rerun the server must notice the lost client (its
    /// session's transaction rolled back and advisory lock freed); the rerun waits for that
    /// (a rerun that came sooner would exit 75 naming the session), as a nightly run hours
    /// later would never have to.
    func testKilledAtSeededRandomMomentsOnPostgreSQLEveryRerunEndsInTheSameWarehouse() throws {
        let count = ProcessInfo.processInfo.environment["AMBASSADOR_FAULT_POINTS"].flatMap(Int.init) ?? 6
        let reference = TestSupport.temporaryDirectory()
        try inputs(reference)
        let runDate = ["--run-date", "2026-05-02", "--quiet"]
        let clean = try TestSupport.run(["run", "--pipeline", "pipeline.yml"] + runDate, in: reference)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        let tables = WarehouseDump.loadTables + WarehouseDump.scoreTables
        let expected = try WarehouseDump.dump(try Database(path: reference + "/var/warehouse.sqlite", readOnly: true), tables: tables)
        XCTAssertGreaterThan(expected["linkage_estimate"]?.count ?? 0, 0)
        // The uninterrupted run on PostgreSQL: the same warehouse, and how long a run takes there.
        let (cleanSchema, dropClean) = try PostgresSupport.schemaOrSkip("fault_pg_clean")
        defer { dropClean() }
        let started = Date()
        let cleanRun = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--warehouse", try PostgresSupport.url(ofSchemaOf: cleanSchema)] + runDate,
                                           in: reference)
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(cleanRun.status, 0, cleanRun.stderr)
        XCTAssertEqual(try WarehouseDump.dump(cleanSchema, tables: tables), expected, "an uninterrupted run on PostgreSQL")

        var random = SeededRandom(seed: 51)
        var identical = 0, killed = 0
        var log: [String] = []
        for index in 0..<count {
            let (schema, drop) = try PostgresSupport.schemaOrSkip("fault_pg_\(index)")
            defer { drop() }
            let url = try PostgresSupport.url(ofSchemaOf: schema)
            let arguments = ["run", "--pipeline", "pipeline.yml", "--warehouse", url] + runDate
            let directory = TestSupport.temporaryDirectory("fault-pg\(index)")
            try inputs(directory)
            let (how, first) = try killOnce(arguments, in: directory, index: index, duration: duration, random: &random)
            if first.signaled { killed += 1 }
            XCTAssertTrue(try PostgresSupport.waitForRunLock(schema), "kill \(how): the server ended the killed run's session")
            let rerun = try TestSupport.run(arguments, in: directory)
            XCTAssertEqual(rerun.status, 0, "kill \(how): rerun failed: \(rerun.stderr)")
            XCTAssertEqual(try schema.count("SELECT count(*) FROM etl_source_file WHERE status IN ('extracted', 'normalized')"), 0,
                           "kill \(how): a file left in progress")
            XCTAssertEqual(try schema.count("SELECT count(*) FROM etl_run WHERE status = 'running'"), 0, "kill \(how)")
            let dump = try WarehouseDump.dump(schema, tables: tables)
            if dump == expected {
                identical += 1
            } else {
                let differing = expected.keys.filter { dump[$0] != expected[$0] }.sorted()
                XCTFail("kill \(how): tables differ from the uninterrupted SQLite run: \(differing)")
            }
            log.append("\(index + 1): kill \(how) → \(first.signaled ? "killed" : "finished first"), rerun exit \(rerun.status)")
        }
        print("fault-test (PostgreSQL): \(identical)/\(count) kill points ended in an identical warehouse (\(killed) runs actually killed)\n"
              + log.joined(separator: "\n"))
        XCTAssertEqual(identical, count)
        XCTAssertGreaterThan(killed, count / 2, "most runs must really be killed, or the test proves nothing")
    }
}
