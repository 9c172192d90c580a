import AmbassadorCore
import Foundation
import Extract
import Generate
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// Runs against a PostgreSQL warehouse (`warehouse: postgresql://…`), each test in a schema
/// of its own named by the URL's `search_path`: extract with its ledger, lock, results file
/// and `status`; stages not yet on PostgreSQL refused before anything is written.
final class PostgresRunTests: XCTestCase {
    private let runDate = CivilDate(year: 2026, month: 11, day: 22)!

    /// A fresh schema, a connection to it and the URL that names it (`search_path`), or a skip
    /// (a failure under CI) without a server.
    func postgresSchema(_ name: String = #function) throws -> (connection: PostgresConnection, url: String, drop: () -> Void) {
        let (connection, drop) = try PostgresSupport.schemaOrSkip(name)
        let base = try XCTUnwrap(PostgresSupport.url)
        let schema = try XCTUnwrap(connection.scalar("SELECT current_schema()").stringValue)
        return (connection, base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema, drop)
    }

    /// `yaml` written as `directory/p.yml`, loaded once for its SQLite warehouse and once for the schema at `url`.
    func bothEngines(_ yaml: String, in directory: String, url: String) throws -> (sqlite: PipelineConfig, postgres: PipelineConfig) {
        TestSupport.write(yaml, to: directory + "/p.yml")
        return (try ConfigLoader(path: directory + "/p.yml").load(), try ConfigLoader(path: directory + "/p.yml").load(warehouseOverride: url))
    }

    /// A generated organisation whose pipeline points at a fresh schema; the schema's URL.
    private func pipeline(_ name: String = #function) throws -> (config: PipelineConfig, url: String, session: PostgresConnection, drop: () -> Void) {
        let (connection, url, drop) = try postgresSchema(name)
        let directory = TestSupport.temporaryDirectory(name)
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 3, tickets: 300, months: 2, seed: 5, agentsPerTeam: 3)).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load(warehouseOverride: url)
        return (config, url, connection, drop)
    }

    func run(_ config: PipelineConfig, _ steps: [PipelineStep]) throws -> RunSummary {
        try Runner(config: config, logger: Logger(label: "test"), progress: .silent)
            .run(steps, options: RunOptions(command: "test", arguments: [], runDate: runDate, now: { "2026-11-22T00:00:00Z" }))
    }

    func testExtractRunsOnPostgreSQLWithItsLedgerResultsAndStatusAndASecondRunReadsNothingAgain() throws {
        let (config, url, pg, drop) = try pipeline()
        defer { drop() }
        let first = try run(config, [.extract])
        XCTAssertEqual(first.exitCode, 0)
        let files = config.sources.map { InboxScanner.files(matching: $0.inbox).count }.reduce(0, +)
        XCTAssertGreaterThan(files, 0)
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_source_file WHERE status = 'extracted'"), files, "every inbox file registered")
        XCTAssertEqual(try pg.scalar("SELECT status FROM etl_run WHERE run_id = $1", [.integer(first.runID)]), .text("succeeded"))
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_stage_run WHERE run_id = $1 AND stage = 'extract'", [.integer(first.runID)]),
                       config.sources.count)
        // The run results beside the other local files, under the root.
        let results = try String(contentsOfFile: RunResults.directory(config: config) + "/latest.json", encoding: .utf8)
        XCTAssertTrue(results.contains("\"status\" : \"succeeded\""), results)
        // status names the server without its password.
        let password = try XCTUnwrap(URLComponents(string: url)?.password)
        let status = try StatusReport.render(warehouse: config.warehouse)
        XCTAssertTrue(status.contains(":***@"), status)
        XCTAssertFalse(status.contains(password), "the password never reaches status")
        XCTAssertTrue(status.contains("extracted"), status)
        let json = try StatusReport.json(warehouse: config.warehouse)
        XCTAssertFalse(json.contains(password))

        let second = try run(config, [.extract])
        let counts = second.stages.first?.counts ?? []
        XCTAssertEqual(counts.map(\.filesDone).reduce(0, +), 0, "nothing is read twice")
        XCTAssertEqual(counts.map(\.filesSkipped).reduce(0, +), files)
        XCTAssertTrue(second.text.contains("nothing new"), second.text)
    }

    func testTheBundledSamplesExtractNormalizeAndLoadTheSameOnBothEngines() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        // The samples' pipeline, its warehouse and local files in a folder of the test's own.
        let directory = TestSupport.temporaryDirectory()
        var sqlite = try ConfigLoader(path: TestSupport.packageRoot + "/pipelines/sample.yml").load(warehouseOverride: directory + "/w.sqlite")
        var postgres = try ConfigLoader(path: TestSupport.packageRoot + "/pipelines/sample.yml").load(warehouseOverride: url)
        for index in [0, 1] {
            var config = index == 0 ? sqlite : postgres
            config.inboxRoots = [config.root]
            config.root = directory
            if index == 0 { sqlite = config } else { postgres = config }
        }
        XCTAssertEqual(postgres.localDirectory, directory + "/var", "the archive and run results under the root")
        // Extract and normalize, compared before load deletes the staged tickets.
        XCTAssertEqual(try run(sqlite, [.extract, .normalize]).exitCode, 0)
        XCTAssertEqual(try run(postgres, [.extract, .normalize]).exitCode, 0)
        let database = try Database(path: sqlite.warehouse, readOnly: true)
        let names = sqlite.sources.map(\.name)
        let left = try ExtractDump.dump(database, sources: names) + StagingDump.dump(database)
        let right = try ExtractDump.dump(pg, sources: names) + StagingDump.dump(pg)
        EngineComparison.assertSameLines(right, left, "samples after extract and normalize")
        XCTAssertGreaterThan(left.filter { $0.hasPrefix("stg_ticket ") }.count, 10_000, "the samples' tickets were compared")
        XCTAssertGreaterThan(left.filter { $0.hasPrefix("stg_survey_answer ") }.count, 1_000)
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_source_file WHERE status <> 'normalized'"), 0)

        // Load: the same dimensions, facts, ticket holders and checks; a second run changes nothing.
        XCTAssertEqual(try run(sqlite, [.load]).exitCode, 0)
        XCTAssertEqual(try run(postgres, [.load]).exitCode, 0)
        let loaded = try WarehouseDump.dump(database)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), loaded)
        XCTAssertGreaterThan(loaded["fact_ticket"]?.count ?? 0, 10_000)
        XCTAssertGreaterThan(loaded["dim_employee"]?.count ?? 0, 400)
        XCTAssertEqual(try pg.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NULL"),
                       try database.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NULL"))
        XCTAssertEqual(try run(postgres, PipelineStep.all.filter { $0.engines.contains(.postgresql) }).exitCode, 0)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), loaded, "a second run on PostgreSQL")
    }


    func testAStageNotYetOnPostgreSQLIsRefusedBeforeAnythingIsWritten() throws {
        let (config, url, pg, drop) = try pipeline()
        defer { drop() }
        let password = try XCTUnwrap(URLComponents(string: url)?.password)
        for steps in [PipelineStep.all, [PipelineStep.score], [PipelineStep.extract, PipelineStep.report]] {
            XCTAssertThrowsError(try run(config, steps)) { error in
                guard let error = error as? PipelineError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.exitCode, 78)
                let text = "\(error)"
                XCTAssertFalse(text.contains(password), text)
                XCTAssertTrue(text.contains(steps.count == 1 ? ": score does not run on a PostgreSQL warehouse yet" : "not run on a PostgreSQL warehouse yet"), text)
                XCTAssertTrue(text.contains("only the stages that run on PostgreSQL (extract, normalize, load)"), text)
                XCTAssertFalse(text.contains(": extract") || text.contains(": normalize") || text.contains(": load"), "those run there: \(text)")
            }
        }
        // A pseudonymised pipeline: deleted raw rows would outlive their delete in the server's pages.
        var pseudonymised = config
        pseudonymised.privacy.pseudonymise = ["email"]
        XCTAssertThrowsError(try run(pseudonymised, [.extract])) { error in
            XCTAssertEqual((error as? PipelineError)?.exitCode, 78)
            XCTAssertTrue("\(error)".contains("pseudonymisation is not supported on a PostgreSQL warehouse yet"), "\(error)")
            XCTAssertFalse("\(error)".contains(password))
        }
        XCTAssertFalse(try pg.relationExists("etl_run"), "nothing was created")
        XCTAssertThrowsError(try RowTrace.render(config: config, warehouse: config.warehouse, table: "fact_ticket", key: "1")) { error in
            XCTAssertEqual((error as? PipelineError)?.exitCode, 78)
        }
    }

    func testASecondRunOnTheSameSchemaIsRefusedNamingTheHolder() throws {
        let (config, _, pg, drop) = try pipeline()
        defer { drop() }
        // Another session holds the schema's lock, as a run in progress does.
        let schema = try XCTUnwrap(pg.scalar("SELECT current_schema()").stringValue)
        let holder = PostgresAdvisoryLock(connection: pg, schema: schema)
        XCTAssertNil(try holder.acquire())
        XCTAssertThrowsError(try run(config, [.extract])) { error in
            guard case let PipelineError.lockHeld(_, pid, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual((error as? PipelineError)?.exitCode, 75)
            XCTAssertEqual(pid.map(Int.init), try? pg.scalar("SELECT pg_backend_pid()").intValue.map(Int.init), "the holder's server process")
        }
        try holder.release()
        XCTAssertEqual(try run(config, [.extract]).exitCode, 0, "free once the holder lets go")
    }
}
