import AmbassadorCore
import Foundation
import Extract
import Generate
import Logging
import TestSupport
import Normalize
import Warehouse
import XCTest
@testable import Pipeline

/// Runs against a PostgreSQL warehouse (`warehouse: postgresql://…`), each test in a schema
/// of its own named by the URL's `search_path`: extract with its ledger, lock, results file
/// and `status`; every stage and `trace` the same as on SQLite; pseudonymisation with no
/// clear identity in the schema or the server's files.
final class PostgresRunTests: XCTestCase {
    private let runDate = CivilDate(year: 2026, month: 11, day: 22)!

    /// A fresh schema, a connection to it and the URL that names it (`search_path`), or a skip
    /// (a failure under CI) without a server.
    func postgresSchema(_ name: String = #function) throws -> (connection: PostgresConnection, url: String, drop: () -> Void) {
        let (connection, drop) = try PostgresSupport.schemaOrSkip(name)
        return (connection, try PostgresSupport.url(ofSchemaOf: connection), drop)
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

    func testTheBundledSamplesRunTheSameOnBothEnginesStageByStageToTheReport() throws {
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
            config.report.outDir = directory + (index == 0 ? "/out-sqlite" : "/out-postgres")
            if index == 0 { sqlite = config } else { postgres = config }
        }
        XCTAssertEqual(postgres.localDirectory, directory + "/var", "the archive and run results under the root")
        // Extract and normalize, compared before load deletes the staged rows. SQLite leaves
        // the ticket files to load, which reads them into the facts in one pass; PostgreSQL
        // stages them. So the staged tickets are PostgreSQL's alone, and the facts below
        // compare SQLite's one pass with PostgreSQL's staged merge.
        XCTAssertEqual(try run(sqlite, [.extract, .normalize]).exitCode, 0)
        XCTAssertEqual(try run(postgres, [.extract, .normalize]).exitCode, 0)
        let database = try Database(path: sqlite.warehouse, readOnly: true)
        let names = sqlite.sources.map(\.name)
        func staged(_ line: String) -> Bool {
            line.hasPrefix("stg_ticket ") || line.hasPrefix("stg_ticket_agent ") || line.contains("|ticket_ids/") || line.contains("|\(NormalizeStage.leftToLoad)|")
        }
        let left = try ExtractDump.dump(database, sources: names) + StagingDump.dump(database)
        let right = try ExtractDump.dump(pg, sources: names) + StagingDump.dump(pg)
        EngineComparison.assertSameLines(right.filter { !staged($0) }, left.filter { !staged($0) }, "samples after extract and normalize")
        XCTAssertGreaterThan(right.filter { $0.hasPrefix("stg_ticket ") }.count, 10_000, "the samples' tickets were staged on PostgreSQL")
        XCTAssertEqual(left.filter { $0.hasPrefix("stg_ticket ") }.count, 0, "and left to load on SQLite")
        let ticketFiles = try database.count("SELECT count(*) FROM etl_source_file WHERE source IN (\(sqlite.sources.filter { $0.kind == .tickets }.map { "'\($0.name)'" }.joined(separator: ", ")))")
        XCTAssertGreaterThan(ticketFiles, 0)
        XCTAssertEqual(left.filter { $0.contains("|\(NormalizeStage.leftToLoad)|") }.count, ticketFiles, "every ticket file is left to load")
        XCTAssertGreaterThan(left.filter { $0.hasPrefix("stg_survey_answer ") }.count, 1_000)
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_source_file WHERE status <> 'normalized'"), 0)

        // Load: the same dimensions, facts, ticket holders and checks; a second run changes nothing.
        XCTAssertEqual(try run(sqlite, [.load]).exitCode, 0)
        XCTAssertEqual(try run(postgres, [.load]).exitCode, 0)
        let loaded = try WarehouseDump.dump(database)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), loaded)
        // The event facts are partitioned by month there: one partition per month the events
        // hold (read from the SQLite warehouse), each row in its month's, none in the catch-all,
        // and a query over one month reads that month's partition alone. (The samples have
        // customer events over six months and no ticket event log.)
        var partitionedMonths = 0
        for (table, key) in MonthlyPartitions.facts {
            let months = try database.rows("SELECT DISTINCT substr(\(key), 1, 7) FROM \(table) ORDER BY 1", []) { $0.text(0) ?? "" }
            partitionedMonths += months.count
            let partitions = try pg.rows("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = CAST(? AS regclass) ORDER BY 1",
                                         [.text(table)]) { $0.text(0) ?? "" }
            XCTAssertEqual(partitions, (months.map { table + "_" + $0.replacingOccurrences(of: "-", with: "_") } + [table + "_other"]).sorted(), table)
            XCTAssertEqual(try pg.count("SELECT count(*) FROM \(table)_other"), 0, table)
            for month in months {
                let partition = table + "_" + month.replacingOccurrences(of: "-", with: "_")
                XCTAssertEqual(try pg.count("SELECT count(*) FROM \(partition)"),
                               try database.count("SELECT count(*) FROM \(table) WHERE substr(\(key), 1, 7) = ?", [.text(month)]), partition)
            }
            guard !months.isEmpty else { continue }
            let month = months[months.count / 2]
            let bounds = ScorePeriod.bounds(of: month)
            let plan = try pg.rows("EXPLAIN SELECT count(*) FROM \(table) WHERE \(key) >= '\(bounds.from)' AND \(key) < '\(bounds.to)'", []) { $0.text(0) ?? "" }
                .joined(separator: "\n")
            XCTAssertTrue(plan.contains(table + "_" + month.replacingOccurrences(of: "-", with: "_")), plan)
            XCTAssertEqual(months.filter { plan.contains(table + "_" + $0.replacingOccurrences(of: "-", with: "_")) }, [month], "only \(month) is read: \(plan)")
        }
        XCTAssertGreaterThanOrEqual(partitionedMonths, 6, "the samples' six months of customer events were partitioned")
        // trace reads the same lineage on both: the file, the record read back from the
        // archive, the mapping, the attribution and the files holding the ticket.
        for key in ["100000", try XCTUnwrap(database.scalar("SELECT max(ticket_id) FROM fact_ticket").stringValue)] {
            let left = try RowTrace.render(config: sqlite, warehouse: sqlite.warehouse, table: "fact_ticket", key: key)
            let right = try RowTrace.render(config: postgres, warehouse: postgres.warehouse, table: "fact_ticket", key: key)
            // The archive is beside the warehouse file for SQLite, in var/ for a server: the file's name is its hash on both.
            func lines(_ text: String) -> [String] {
                text.components(separatedBy: "\n").map { $0.hasPrefix("  read back from the archive: ") ? "archive " + ($0.split(separator: "/").last ?? "") : $0 }
            }
            EngineComparison.assertSameLines(lines(right), lines(left), "trace fact_ticket \(key)")
            XCTAssertTrue(left.contains("read back from the archive") && left.contains("raw record") && left.contains("employee"), left)
        }
        XCTAssertGreaterThan(loaded["fact_ticket"]?.count ?? 0, 10_000)
        XCTAssertGreaterThan(loaded["dim_employee"]?.count ?? 0, 400)
        XCTAssertEqual(try pg.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NULL"),
                       try database.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NULL"))

        // Score and report: every outcome, score and linkage row, and the report's files.
        XCTAssertEqual(try run(sqlite, [.score, .report]).exitCode, 0)
        XCTAssertEqual(try run(postgres, [.score, .report]).exitCode, 0)
        let scored = try WarehouseDump.dump(database, tables: WarehouseDump.scoreTables)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg, tables: WarehouseDump.scoreTables), scored, "score")
        XCTAssertGreaterThan(scored["fact_ticket_outcome"]?.count ?? 0, 15_000)
        XCTAssertGreaterThan(scored["score_agent_period"]?.count ?? 0, 1_000)
        XCTAssertGreaterThan(scored["score_customer_period"]?.count ?? 0, 4)
        XCTAssertGreaterThan(scored["linkage_estimate"]?.count ?? 0, 20)
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM linkage_estimate WHERE status = 'ok' AND p_value IS NOT NULL"), 10,
                             "fitted models were compared, not only their absence")
        for name in ["report.md", "team_scores.csv", "linkage_estimates.csv"] {
            let left = try String(contentsOfFile: sqlite.report.outDir + "/" + name, encoding: .utf8)
            let right = try String(contentsOfFile: postgres.report.outDir + "/" + name, encoding: .utf8)
            EngineComparison.assertSameLines(right.components(separatedBy: "\n"), left.components(separatedBy: "\n"), name)
            XCTAssertGreaterThan(left.count, 1_000, name)
        }
        // trace of a linkage estimate: the same row, waves, sibling estimates and files on both
        // (the run that fitted it is named on both; its start time is the engine's own).
        let estimate = "REPEAT/joint/team_self_index"
        let traced = try [sqlite, postgres].map { config in
            try RowTrace.render(config: config, warehouse: config.warehouse, table: "linkage_estimate", key: estimate)
                .components(separatedBy: "\n")
        }
        for lines in traced { XCTAssertTrue(lines.contains { $0.hasPrefix("fitted by run ") }, lines.joined(separator: "\n")) }
        EngineComparison.assertSameLines(traced[1].filter { !$0.hasPrefix("fitted by run ") }, traced[0].filter { !$0.hasPrefix("fitted by run ") },
                                         "trace linkage_estimate \(estimate)")

        // A second full run on PostgreSQL reads nothing new and changes nothing.
        let again = try run(postgres, PipelineStep.all)
        XCTAssertEqual(again.exitCode, 0)
        XCTAssertTrue(again.text.contains("nothing new"), again.text)
        let rescored = again.stages.first { $0.name == "score" }?.counts.first
        XCTAssertEqual(rescored?.filesDone, 0, "no period recomputed: the fingerprints of unchanged inputs are the same")
        XCTAssertGreaterThan(rescored?.filesSkipped ?? 0, 6)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), loaded, "a second run on PostgreSQL")
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg, tables: WarehouseDump.scoreTables), scored, "scores after a second run")
    }


    /// The bundled samples with pseudonymisation on, run on PostgreSQL to the report: no
    /// clear name or e-mail in any row of the schema, and none in the server's files — its
    /// tables, indexes and write-ahead log, where a row written and then deleted (as raw
    /// rows of surveys used to be, once staged) would stay until recycled. The identities
    /// looked for in the server's files carry a token of this test alone (the cluster is
    /// shared with tests that store the samples' names in clear); they sit in a roster row,
    /// tickets naming agents and customers by e-mail, and customer and pulse surveys' e-mail
    /// columns, mapped and unmapped.
    func testAPseudonymisedPipelineRunsOnPostgreSQLAndNoClearIdentityReachesTheServer() throws {
        let started = Date()
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/samples", toPath: directory + "/samples")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/pipelines", toPath: directory + "/pipelines")
        // Letters only (a name must look like one to be hashed as a person's).
        let token = "zq" + String((0..<10).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement() ?? "x" })
        let agentName = "Ada Tok\(token)", agentEmail = "ada.\(token)@example.com"
        let customerEmail = "cust.\(token)@example.org", pulseEmail = "pulse.\(token)@example.com", relationshipEmail = "rel.\(token)@example.net"
        let identities = try TestSupport.rosterIdentities(in: directory + "/samples/hr").identities
            .union([agentName, agentEmail, customerEmail, pulseEmail, relationshipEmail])
        let rosters = try FileManager.default.contentsOfDirectory(atPath: directory + "/samples/hr").sorted()
        let lastRoster = try String(contentsOfFile: directory + "/samples/hr/" + (rosters.last ?? ""), encoding: .utf8)
        TestSupport.write(lastRoster + "E99998,\(agentName),\(agentEmail),Support 01,,Agent,Lisbon,1/1/2025,0000-00-00,Active,\n",
                          to: directory + "/samples/hr/roster_2026-06-02.csv")
        TestSupport.write("""
            Ticket ID,Requester ID,Created At,Updated At,Solved At,Status,Priority,Via,Category,First Assignee ID,Assignee ID,Reassignments,Reopens,Escalated
            TOK1,\(customerEmail),2026-06-03T10:00:00Z,2026-06-03T12:00:00Z,2026-06-03T11:00:00Z,solved,normal,email,billing,\(agentEmail.uppercased()),\(agentEmail),0,0,false

            """, to: directory + "/samples/tickets/by_email_2026-06-03.csv")
        func headerRows(_ file: String, _ count: Int) throws -> String {
            try String(contentsOfFile: directory + "/samples/surveys/" + file, encoding: .utf8)
                .components(separatedBy: "\n").prefix(count).joined(separator: "\n") + "\n"
        }
        TestSupport.write(try headerRows("csat_2026-06-01.csv", 3) + "R_TOK1,2026-06-04 10:00:00,\(customerEmail),TOK1,5,5,5,5,9\n",
                          to: directory + "/samples/surveys/csat_2026-06-04.csv")
        TestSupport.write(try headerRows("pulse_2026-06-30.csv", 3) + "R_TOKP,2026-06-30 10:00:00,\(pulseEmail),Support 01,5,5,5,5,5,5,5,5,5\n",
                          to: directory + "/samples/surveys/pulse_2026-07-01.csv")
        TestSupport.write(try headerRows("relationship_2026-06-30.csv", 2)
                          + "11000009999,431551,06/30/2026 9:46:00 AM,06/30/2026 9:47:30 AM,,\(relationshipEmail),C000010,6,Yes,Strongly agree\n",
                          to: directory + "/samples/surveys/relationship_2026-07-01.csv")
        let pipeline = try String(contentsOfFile: directory + "/pipelines/sample.yml", encoding: .utf8)
        TestSupport.write(pipeline + "\nprivacy:\n  pseudonymise: [name, email]\n  key_env: TEST_PRIVACY_KEY\n", to: directory + "/pipelines/sample.yml")
        let result = try TestSupport.run(["run", "--pipeline", "pipelines/sample.yml", "--warehouse", url, "--run-date", "2026-11-22"], in: directory,
                                         environment: ["TEST_PRIVACY_KEY": "a key only this test knows, long enough"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(identities.filter { result.stdout.contains($0) || result.stderr.contains($0) }, [], "none in the logs")

        // Every row of every table of the schema, as text.
        let schema = try XCTUnwrap(pg.scalar("SELECT current_schema()").stringValue)
        let tables = try pg.rows("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", [.text(schema)]) { $0.text(0) ?? "" }
        XCTAssertFalse(tables.contains { $0.hasPrefix("raw_") }, "no raw rows: \(tables)")
        // The server looks: a value equal to a name or e-mail, or anything holding an
        // e-mail domain of the samples or this test's token.
        try pg.execute("CREATE TEMP TABLE secret (value text PRIMARY KEY)")
        for identity in identities { try pg.run("INSERT INTO secret VALUES ($1)", [.text(identity)]) }
        var rows = 0
        var clear: [String] = []
        for table in tables {
            rows += try pg.count("SELECT count(*) FROM \(pg.quoted(table))")
            clear += try pg.rows("""
                SELECT CAST(t AS text) FROM \(pg.quoted(table)) t
                WHERE strpos(CAST(t AS text), '@example.') > 0 OR strpos(CAST(t AS text), $1) > 0
                   OR EXISTS (SELECT 1 FROM json_each_text(row_to_json(t)) j JOIN secret s ON s.value = j.value)
                LIMIT 5
                """, [.text(token)]) { "\(table): \(($0.text(0) ?? "").prefix(200))" }
        }
        XCTAssertGreaterThan(rows, 100_000)
        XCTAssertEqual(Array(clear.prefix(5)), [], "\(clear.count) rows with a clear name or e-mail")
        // The pseudonyms still join: the agent named by e-mail resolves, the customer's
        // response is about its ticket, under the same pseudonym.
        XCTAssertEqual(try pg.rows("SELECT first_assignee_employee_id, customer_id FROM fact_ticket WHERE ticket_id = 'TOK1'", []) {
            [$0.text(0) ?? "-", $0.text(1) ?? "-"]
        }.first?.first, "E99998")
        let pseudonyms = try pg.rows("""
            SELECT t.customer_id, r.respondent_id FROM fact_ticket t JOIN fact_survey_response r ON r.ticket_id = t.ticket_id
            WHERE t.ticket_id = 'TOK1'
            """, []) { [$0.text(0) ?? "", $0.text(1) ?? ""] }
        XCTAssertEqual(pseudonyms.count, 1)
        XCTAssertEqual(pseudonyms.first?[0], pseudonyms.first?[1])
        XCTAssertTrue((pseudonyms.first?[0] ?? "").count == 32, "\(pseudonyms)")

        // The server's own files written during the test: none holds the token.
        try pg.execute("CHECKPOINT")
        let dataDirectory = try XCTUnwrap(pg.scalar("SHOW data_directory").stringValue)
        guard FileManager.default.isReadableFile(atPath: dataDirectory + "/pg_wal") else {
            // CI (AMBASSADOR_REQUIRE_POSTGRES=1) runs the server it starts, as root: there the scan must run.
            let why = "the server's data directory \(dataDirectory) is not readable by this user (CI runs its own server as root)"
            if PostgresSupport.required { return XCTFail(why) }
            throw XCTSkip(why)
        }
        var scanned = 0
        var found: [String] = []
        for relative in FileManager.default.subpaths(atPath: dataDirectory) ?? [] {
            let path = dataDirectory + "/" + relative
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular,
                  let modified = attributes[.modificationDate] as? Date, modified >= started.addingTimeInterval(-2),
                  let data = FileManager.default.contents(atPath: path) else { continue }
            scanned += data.count
            if PostgresRunTests.contains(data, Array(token.utf8)) { found.append(relative) }
        }
        XCTAssertGreaterThan(scanned, 1_000_000, "the run's pages and WAL were read")
        XCTAssertEqual(found, [], "the server's files hold a clear identity")
        // Nor the files the run wrote beside the pipeline (results, the report).
        for folder in ["var", "out"] {
            for relative in FileManager.default.subpaths(atPath: directory + "/" + folder) ?? [] {
                guard let data = FileManager.default.contents(atPath: directory + "/" + folder + "/" + relative) else { continue }
                XCTAssertNil(data.range(of: Data(token.utf8)), "\(folder)/\(relative) holds a clear identity")
            }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/var/out/report.md") || FileManager.default.fileExists(atPath: directory + "/out/report.md"),
                      "the report was written, and read")
    }

    /// A customer survey without a satisfaction, effort or "cared" item (the samples without
    /// their CSAT source): those outcome columns are NULL — typed, which PostgreSQL needs for
    /// a column made from a bare NULL — and the scores are the same on both engines.
    func testOutcomesWithoutSomeSurveyRolesAreTheSameOnBothEngines() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/samples", toPath: directory + "/samples")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/pipelines", toPath: directory + "/pipelines")
        let pipeline = try String(contentsOfFile: directory + "/pipelines/sample.yml", encoding: .utf8)
        let start = try XCTUnwrap(pipeline.range(of: "  # Transactional CSAT"))
        let end = try XCTUnwrap(pipeline.range(of: "\n\n", range: start.upperBound..<pipeline.endIndex))
        TestSupport.write(String(pipeline[..<start.lowerBound] + pipeline[end.upperBound...]), to: directory + "/pipelines/sample.yml")
        for warehouse in ["var/warehouse.sqlite", url] {
            let result = try TestSupport.run(["run", "--pipeline", "pipelines/sample.yml", "--warehouse", warehouse, "--quiet", "--run-date", "2026-11-22"],
                                             in: directory)
            XCTAssertEqual(result.status, 0, "\(warehouse): \(result.stderr)")
        }
        let sqlite = try Database(path: directory + "/var/warehouse.sqlite", readOnly: true)
        XCTAssertEqual(try sqlite.count("SELECT count(*) FROM fact_survey_response WHERE source = 'csat'"), 0, "no CSAT source")
        XCTAssertEqual(try sqlite.count("SELECT count(*) FROM fact_ticket_outcome WHERE csat IS NOT NULL OR effort IS NOT NULL OR cx_emp IS NOT NULL"), 0)
        XCTAssertGreaterThan(try sqlite.count("SELECT count(*) FROM fact_ticket_outcome"), 1_000)
        let scored = try WarehouseDump.dump(sqlite, tables: WarehouseDump.scoreTables)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg, tables: WarehouseDump.scoreTables), scored, "scores without CSAT")
    }

    /// Whether `needle` occurs in `data` (memchr finds each candidate first byte: the
    /// server's files run to hundreds of megabytes).
    static func contains(_ data: Data, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        return data.withUnsafeBytes { bytes -> Bool in
            guard let base = bytes.baseAddress else { return false }
            var offset = 0
            while offset + needle.count <= bytes.count {
                guard let hit = memchr(base + offset, Int32(first), bytes.count - offset - needle.count + 1) else { return false }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, needle, needle.count) == 0 { return true }
                offset = at + 1
            }
            return false
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

extension PostgresRunTests {
    /// A generated organisation through `ambassador run` on both engines gives the same
    /// dimensions, facts, outcomes, scores and linkage. A backfill of one month on
    /// PostgreSQL is one transaction: killed before its commit, it leaves the schema exactly as
    /// it was (the server rolls back what a lost connection left open); finished, it changes
    /// no fact and no score, as on SQLite.
    func testAGeneratedOrganisationRunsTheSameOnBothEnginesAndABackfillIsOneTransaction() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 900, months: 3, seed: 8)).run()
        for warehouse in ["var/warehouse.sqlite", url] {
            let result = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--warehouse", warehouse, "--quiet", "--run-date", "2026-11-22"],
                                             in: directory)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let sqlite = try Database(path: directory + "/var/warehouse.sqlite", readOnly: true)
        let tables = WarehouseDump.loadTables + WarehouseDump.scoreTables
        let expected = try WarehouseDump.dump(sqlite, tables: tables)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg, tables: tables), expected, "a generated organisation")
        XCTAssertGreaterThan(expected["fact_ticket_outcome"]?.count ?? 0, 500)
        XCTAssertGreaterThan(expected["score_team_period"]?.count ?? 0, 4)

        // Killed at commit boundaries inside the backfill's one transaction: nothing of it stays.
        let before = try WarehouseDump.dump(pg, tables: tables + ["etl_source_file", "etl_file_metadata"])
        let backfill = ["backfill", "--from", "2026-02-01", "--to", "2026-02-28", "--pipeline", "pipeline.yml", "--warehouse", url, "--quiet"]
        for point in ["extract.file.committed#3", "normalize.file.committed#2", "load.tickets.committed", "load.attribution.committed"] {
            let killed = try TestSupport.run(backfill, in: directory, environment: ["AMBASSADOR_KILL_AT": point])
            XCTAssertTrue(killed.signaled, "\(point): the backfill was killed")
            // The server ends the killed client's session when it reads the closed socket, and
            // rolls its transaction back and frees its lock with it (a moment later, not at once).
            XCTAssertTrue(try PostgresSupport.waitForRunLock(pg), "\(point): the killed backfill's session ended")
            EngineComparison.assertSameTables(try WarehouseDump.dump(pg, tables: tables + ["etl_source_file", "etl_file_metadata"]), before,
                                              "\(point): nothing of the killed backfill remains", names: ("the schema after", "before"))
        }
        let finished = try TestSupport.run(backfill, in: directory)
        XCTAssertEqual(finished.status, 0, finished.stderr)
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_run WHERE command = 'backfill' AND status = 'succeeded'"), 1)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg, tables: tables), expected, "after the backfill",
                                          names: ("PostgreSQL after the backfill", "SQLite"))
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_source_file"), try sqlite.count("SELECT count(*) FROM etl_source_file"),
                       "reprocessed in place, not duplicated")
    }
}
