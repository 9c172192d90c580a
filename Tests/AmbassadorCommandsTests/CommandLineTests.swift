import AmbassadorCommands
import Extract
import Foundation
import Generate
import TestSupport
import Warehouse
import XCTest

/// The built binary, run as cron and people run it.
final class CommandLineTests: XCTestCase {
    /// A generated dataset with its pipeline.yml, in a fresh directory.
    private func dataset(tickets: Int = 1500, seed: UInt64 = 11) throws -> String {
        let directory = TestSupport.temporaryDirectory()
        let settings = GeneratorSettings(outDir: directory, teams: 8, tickets: tickets, months: 4, seed: seed, agentsPerTeam: 4)
        _ = try Generator(settings: settings).run()
        return directory
    }

    /// `make samples` reproduces the committed samples/ exactly: the Makefile's own
    /// generate lines, pointed at a scratch directory, write the same bytes.
    func testTheCommittedSamplesAreExactlyWhatMakeSamplesWrites() throws {
        let makefile = try String(contentsOfFile: TestSupport.packageRoot + "/Makefile", encoding: .utf8)
        let lines = makefile.split(separator: "\n").filter { $0.contains("generate --out samples") }
        XCTAssertGreaterThanOrEqual(lines.count, 3)
        let out = TestSupport.temporaryDirectory()
        for line in lines {
            var arguments = line.split(separator: " ").map(String.init).drop { $0 != "generate" }.map { $0 }
            let index = try XCTUnwrap(arguments.firstIndex { $0 == "samples" || $0.hasPrefix("samples/") })
            arguments[index] = out + arguments[index].dropFirst("samples".count)
            let result = try TestSupport.run(arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let committed = TestSupport.packageRoot + "/samples"
        let files = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: committed)).sorted()
        let written = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: out)).sorted()
        XCTAssertEqual(written, files)
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: committed + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            XCTAssertEqual(FileManager.default.contents(atPath: out + "/" + file), FileManager.default.contents(atPath: committed + "/" + file),
                           "samples/\(file) differs from what `make samples` writes; run make samples and commit")
        }
    }

    /// The bundled vendor-format samples run as they are, with nothing rejected.
    func testTheVendorFormatSamplesRunCleanly() throws {
        for name in ["zendesk", "servicenow-workday", "freshdesk-bamboohr"] {
            let source = TestSupport.packageRoot + "/samples/vendors/" + name
            let directory = TestSupport.temporaryDirectory(name)
            try FileManager.default.removeItem(atPath: directory)
            try FileManager.default.copyItem(atPath: source, toPath: directory)
            let result = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory)
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            let database = try Database(path: directory + "/var/warehouse.sqlite", readOnly: true)
            XCTAssertEqual(try database.count("SELECT count(*) FROM etl_reject"), 0, name)
            XCTAssertGreaterThan(try database.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NOT NULL"), 1000, name)
            XCTAssertGreaterThan(try database.count("SELECT count(*) FROM linkage_estimate"), 0, name)
        }
    }

    /// Between them, the bundled samples use every format the extract stage reads, except the
    /// generic presets (`csv`'s vendor-named twins, `json`, `xml`), which read with the same
    /// readers as formats the samples do use and are exercised on the fixtures in
    /// ExtractTests. The Freshdesk set's event log feeds FOLLOWUP.
    func testTheSamplesCoverEveryExtractFormat() throws {
        var used: Set<String> = []
        let root = TestSupport.packageRoot + "/samples"
        for pipeline in ["pipeline.yml", "vendors/zendesk/pipeline.yml", "vendors/servicenow-workday/pipeline.yml",
                         "vendors/freshdesk-bamboohr/pipeline.yml"] {
            let text = try String(contentsOfFile: root + "/" + pipeline, encoding: .utf8)
            for line in text.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("format:") {
                used.insert(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
            }
        }
        // servicenow_json and stripe_json read with the JSON reader and are exercised on real
        // pages (ConformanceTests.testServiceNowTableAPIIncidentsLoadTheirFields, …StripeEvents…).
        let generic: Set<String> = ["zendesk_csv", "servicenow_csv", "json", "xml", "servicenow_json", "stripe_json"]
        XCTAssertEqual(used.union(generic), Set(SourceRegistry.formats), "formats used by no sample: \(Set(SourceRegistry.formats).subtracting(used))")
        XCTAssertTrue(used.isDisjoint(with: generic))

        let directory = TestSupport.temporaryDirectory("freshdesk")
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: root + "/vendors/freshdesk-bamboohr", toPath: directory)
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory).status, 0)
        let database = try Database(path: directory + "/var/warehouse.sqlite", readOnly: true)
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json"))) as? [String: Any]
        let counts = try XCTUnwrap(truth?["counts"] as? [String: Any])
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket_event"), try XCTUnwrap(counts["ticket_events"] as? Int))
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM score_agent_period WHERE followup_rate > 0"), 20)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket WHERE first_assignee_employee_id IS NULL AND first_assignee_id IS NOT NULL"), 0)
    }

    func testRunThenRerunExtractsNothingAndExitsZero() throws {
        let directory = try dataset()
        let first = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02"], in: directory)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("run 1: succeeded"), first.stdout)
        XCTAssertTrue(first.stderr.contains("[1/5] extract") && first.stderr.contains("[5/5] report"), first.stderr)
        let warehouse = directory + "/var/warehouse.sqlite"
        let before = try WarehouseDump.dump(warehouse)
        XCTAssertGreaterThan(before["fact_ticket"]?.count ?? 0, 1000)
        let report = try String(contentsOfFile: directory + "/out/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("## Data health"))

        let second = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("files 0 done, 4 unchanged, 0 failed"), second.stdout)
        XCTAssertEqual(try WarehouseDump.dump(warehouse), before)

        let status = try TestSupport.run(["status", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(status.status, 0, status.stderr)
        for expected in ["Last runs:", "run  command", "succeeded", "Files by source and status:", "fact_ticket", "Data checks (latest):"] {
            XCTAssertTrue(status.stdout.contains(expected), "status lacks '\(expected)':\n\(status.stdout)")
        }
    }

    /// kill -9 at several moments inside load, then a plain rerun: the same warehouse as an
    /// uninterrupted run, and an intact file.
    func testKilledInTheMiddleOfLoadARerunEndsInTheSameWarehouse() throws {
        let reference = try dataset(seed: 5)
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02"], in: reference).status, 0)
        let expected = try WarehouseDump.dump(reference + "/var/warehouse.sqlite")

        for point in ["load.employees", "load.tickets#2", "load.tickets.committed#3", "load.attribution", "normalize.file#5"] {
            let directory = try dataset(seed: 5)
            let killed = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02"], in: directory,
                                             environment: ["AMBASSADOR_KILL_AT": point])
            XCTAssertTrue(killed.signaled && killed.status == 9, "\(point): expected SIGKILL, got \(killed.status)\n\(killed.stderr)")
            let warehouse = directory + "/var/warehouse.sqlite"
            XCTAssertEqual(try WarehouseDump.integrity(warehouse), "ok", point)
            let rerun = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02"], in: directory)
            XCTAssertEqual(rerun.status, 0, "\(point): \(rerun.stderr)")
            XCTAssertEqual(try WarehouseDump.integrity(warehouse), "ok", point)
            let actual = try WarehouseDump.dump(warehouse)
            for table in WarehouseDump.factTables {
                XCTAssertEqual(actual[table]?.count, expected[table]?.count, "\(point): row count of \(table)")
                let differing = zip(actual[table] ?? [], expected[table] ?? []).first { $0 != $1 }
                XCTAssertNil(differing.map { "\($0.0.prefix(200)) ≠ \($0.1.prefix(200))" }, "\(point): first differing row of \(table)")
            }
            let ledger = try WarehouseDump.dump(warehouse, tables: ["etl_run"])["etl_run"] ?? []
            XCTAssertTrue(ledger.contains { $0.contains("|interrupted|") }, "\(point): the killed run is recorded as interrupted")
            // One manifest row per inbox file: 4 months of roster, tickets, pulse, CSAT and events,
            // and the relationship survey at the quarter's end and the period's end.
            XCTAssertEqual(try WarehouseDump.count(warehouse, "etl_source_file"), 4 * 5 + 2)
        }
    }

    func testASecondRunExitsAt75WithinTwoSecondsNamingTheHolder() throws {
        let directory = try dataset(tickets: 300)
        let signal = directory + "/paused"
        let holder = try TestSupport.start(["run", "--pipeline", "pipeline.yml"], in: directory,
                                           environment: ["AMBASSADOR_PAUSE_AT": "extract.file.committed:60", "AMBASSADOR_PAUSE_SIGNAL": signal])
        defer { holder.process.terminate() }
        let lockFile = directory + "/var/warehouse.sqlite.lock"
        XCTAssertTrue(TestSupport.awaitPause(holder, signal: signal), "the first run holds the lock at its pause point")
        let started = Date()
        let second = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(second.status, 75, second.stderr)
        XCTAssertLessThan(elapsed, 2.0)
        XCTAssertTrue(second.stderr.contains("locked by process \(holder.process.processIdentifier) (run) since 20"), second.stderr)
        // A reader is not blocked by the run.
        let status = try TestSupport.run(["status", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(status.status, 0, status.stderr)
        // Deleting the lock file during the run does not let a second run in (issue 15.5).
        XCTAssertEqual(unlink(lockFile), 0)
        let third = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(third.status, 75, third.stderr)
        XCTAssertTrue(third.stderr.contains("lock file \(lockFile) was removed while it ran"), third.stderr)
        XCTAssertFalse(third.stderr.contains("UNIQUE"), third.stderr)
        XCTAssertTrue(holder.process.isRunning, "the first run was held throughout")
        unlink(signal)
        holder.process.terminate()
        _ = TestSupport.finish(holder)
        // The lock of a dead holder is taken over at once.
        let after = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(after.status, 0, after.stderr)
    }

    func testConfigurationErrorsExit78AndNameTheKey() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("warehouse: w.sqlite\nsources:\n  t:\n    kind: tickets\n    inbx: in/*.csv\n", to: directory + "/p.yml")
        let result = try TestSupport.run(["run", "--pipeline", "p.yml"], in: directory)
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains("p.yml:5:5: unknown key 'inbx' (did you mean 'inbox'?) at 'sources.t.inbx'"), result.stderr)
        let missing = try TestSupport.run(["status", "--pipeline", "nowhere.yml"], in: directory)
        XCTAssertEqual(missing.status, 78)
        XCTAssertTrue(missing.stderr.contains("nowhere.yml: cannot read the pipeline file: no such file (looked for in \(directory)"), missing.stderr)
    }

    func testUsageErrorsExit64AndNoInputExits66() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("warehouse: w.sqlite\nsources:\n  t:\n    kind: tickets\n    inbox: in/*.csv\n", to: directory + "/p.yml")
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "p.yml"], in: directory).status, 66)
        XCTAssertEqual(try TestSupport.run(["backfill", "--pipeline", "p.yml", "--from", "2026-13-01", "--to", "2026-01-02"], in: directory).status, 64)
        XCTAssertEqual(try TestSupport.run(["frobnicate"], in: directory).status, 64)
        XCTAssertEqual(try TestSupport.run(["extract", "--pipeline", "p.yml", "--source", "nope"], in: directory).status, 64)
        XCTAssertEqual(try TestSupport.run(["status", "--pipeline", "p.yml"], in: directory).status, 66, "no warehouse yet")
    }

    func testPreviewPrintsJSONLinesAndRejectsOnStderrAndWritesNothing() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("id,name\n1,\"Zoë, \"\"the\"\" one\"\n2,x,extra\n3,\n", to: directory + "/t.csv")
        let result = try TestSupport.run(["preview", "t.csv"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, """
            {"id":"1","name":"Zoë, \\"the\\" one","_record_no":2}
            {"id":"3","name":"","_record_no":4}

            """)
        XCTAssertTrue(result.stderr.contains("t.csv:3: rejected: ragged row: 3 fields, expected 2"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["t.csv"])
        let limited = try TestSupport.run(["preview", "t.csv", "--limit", "1"], in: directory)
        XCTAssertEqual(limited.stdout.split(separator: "\n").count, 1)
        XCTAssertEqual(try TestSupport.run(["preview", "missing.csv"], in: directory).status, 66)
        XCTAssertEqual(try TestSupport.run(["preview", "t.csv", "--format", "xlsx"], in: directory).status, 64)
    }

    func testPreviewReadsEveryCSVFixture() throws {
        for directory in ["csv/csv-spectrum/csvs", "csv/csvkit", "tickets/fivetran_dbt_zendesk_seeds"] {
            let path = TestSupport.fixtures + "/" + directory
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() where name.hasSuffix(".csv") && name != "csvkit_empty.csv" {
                let result = try TestSupport.run(["preview", path + "/" + name])
                XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
                for line in result.stdout.split(separator: "\n") {
                    XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)), "\(name): \(line)")
                }
            }
        }
    }

    func testEverySubcommandHasHelpWithThePipelineAndWarehouseOptions() throws {
        let readme = try String(contentsOfFile: TestSupport.packageRoot + "/README.md", encoding: .utf8)
        XCTAssertEqual(Set(Ambassador.subcommandNames).count, 13, "the subcommands: \(Ambassador.subcommandNames)")
        for command in Ambassador.subcommandNames {
            let help = try TestSupport.run([command, "--help"])
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.stdout.contains("--pipeline") && help.stdout.contains("--warehouse"), "\(command) --help:\n\(help.stdout)")
            XCTAssertTrue(readme.contains("ambassador \(command)"), "README does not document `ambassador \(command)`")
        }
        let top = try TestSupport.run(["--help"])
        for code in ["64", "65", "66", "73", "74", "75", "78", "130", "143"] {
            XCTAssertTrue(top.stdout.contains(code), "exit code \(code) missing from --help")
            XCTAssertTrue(readme.contains("| \(code) |") || readme.contains("\(code), ") || readme.contains(", \(code) |"),
                          "exit code \(code) missing from the README's table")
        }
        XCTAssertTrue(top.stdout.contains("--version") && readme.contains("ambassador --version"), "--version is in --help and the README")
    }

    /// A warehouse folder that cannot be made exits 73 naming the folder; a damaged warehouse
    /// exits 74 with SQLite's own words once and what to do, not 1 with a nested message.
    func testAnUncreatableOrDamagedWarehouseSaysSoWithItsOwnExitCode() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 3, tickets: 300, months: 1, seed: 4)).run()
        // A regular file where the warehouse folder should be: not creatable, even by root.
        TestSupport.write("not a folder\n", to: directory + "/blocked")
        let blocked = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--warehouse", directory + "/blocked/w.sqlite"], in: directory)
        XCTAssertEqual(blocked.status, 73, blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("expected the folder \(directory)/blocked to exist"), blocked.stderr)
        XCTAssertFalse(blocked.stderr.contains("no input"), blocked.stderr)
        var garbage = Data("this is no database, just bytes that happen to sit where the warehouse should be\n".utf8)
        garbage.append(Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) }))
        try garbage.write(to: URL(fileURLWithPath: directory + "/damaged.sqlite"))
        let damaged = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--warehouse", directory + "/damaged.sqlite"], in: directory)
        XCTAssertEqual(damaged.status, 74, damaged.stderr)
        XCTAssertTrue(damaged.stderr.contains("damaged or not a SQLite database"), damaged.stderr)
        XCTAssertTrue(damaged.stderr.contains("restore it from a backup"), damaged.stderr)
        XCTAssertEqual(damaged.stderr.components(separatedBy: "SQLite error").count - 1, 1, "SQLite's message once, not nested: \(damaged.stderr)")
        let status = try TestSupport.run(["status", "--pipeline", "pipeline.yml", "--warehouse", directory + "/damaged.sqlite"], in: directory)
        XCTAssertEqual(status.status, 74, status.stderr)
    }

    /// Progress as cron and a person at a terminal see it: without a terminal, plain lines at
    /// the interval for every stage with the stage's own percentage; under a pseudo terminal
    /// (`script`), a redrawn bar that is cleared at the end.
    func testProgressComesAsLinesWithoutATerminalAndAsABarWithOne() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 12, tickets: 20_000, months: 3, seed: 5)).run()
        let environment = ["AMBASSADOR_PROGRESS_SECONDS": "0.02"]
        let plain = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory, environment: environment)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("\u{1B}"), "no terminal control text in cron mail")
        for stage in ["extract", "normalize", "score"] {
            XCTAssertTrue(plain.stderr.contains(" \(stage) ("), "a progress line of \(stage): \(plain.stderr.suffix(3000))")
        }
        XCTAssertTrue(plain.stderr.range(of: #"extract \([^)]*\): [0-9]+% "#, options: .regularExpression) != nil, "extract's percentage")
        try FileManager.default.removeItem(atPath: directory + "/var")
        let command = "AMBASSADOR_PROGRESS_SECONDS=0.02 \(TestSupport.binary) run --pipeline pipeline.yml"
        let terminal = try TestSupport.run(["-qec", command, "/dev/null"], in: directory, executable: "/usr/bin/script")
        XCTAssertEqual(terminal.status, 0, terminal.stdout)
        XCTAssertTrue(terminal.stdout.contains("\r\u{1B}[2K"), "a redrawn bar under a terminal")
        XCTAssertTrue(terminal.stdout.contains("] "), "the bar itself")
    }

    /// The views analysts query and the data dictionary that documents every relation.
    func testTheViewsAnswerAnalystsQuestionsAndDocsDescribesEveryRelation() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 8, tickets: 3_000, months: 3, seed: 6)).run()
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--quiet"], in: directory).status, 0)
        let database = try Database(path: directory + "/var/warehouse.sqlite", readOnly: true)
        XCTAssertEqual(try database.count("SELECT count(*) FROM v_ticket"), try database.count("SELECT count(*) FROM fact_ticket"),
                       "one row per ticket: the roster join never duplicates one")
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM v_ticket v JOIN fact_ticket t USING (ticket_id)
            WHERE t.first_assignee_employee_id IS NOT NULL AND v.employee_name IS NULL
            """), 0, "every attributed ticket shows its assignee as the roster had them")
        XCTAssertEqual(try database.count("SELECT count(*) FROM v_ticket v JOIN fact_ticket_outcome o USING (ticket_id) WHERE v.repeat IS NOT o.repeat"), 0)
        // A team-period's repeat rate is the plain mean over the tickets it resolved then.
        let cell = try XCTUnwrap(database.query("""
            SELECT period, team_id, repeat_rate, tickets_resolved FROM v_team_period WHERE suppressed = 0 AND repeat_rate IS NOT NULL ORDER BY 1, 2 LIMIT 1
            """) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.double(2), $0.int(3)) }.first)
        let direct = try XCTUnwrap(database.scalar("""
            SELECT avg(repeat) FROM fact_ticket_outcome WHERE team_id = ? AND substr(resolved_at, 1, 7) = ?
            """, [.text(cell.1), .text(cell.0)]).doubleValue)
        XCTAssertEqual(cell.2, direct, accuracy: 1e-12)
        XCTAssertEqual(cell.3, try database.count("SELECT count(*) FROM fact_ticket_outcome WHERE team_id = ? AND substr(resolved_at, 1, 7) = ?",
                                                  [.text(cell.1), .text(cell.0)]))
        XCTAssertEqual(try database.count("SELECT count(*) FROM v_team_period WHERE suppressed = 1 AND ambassador_index IS NOT NULL"), 0,
                       "a suppressed team has no figure in the view either")
        XCTAssertEqual(try database.count("SELECT count(*) FROM v_team_period"), try database.count("SELECT count(*) FROM score_team_period"))
        XCTAssertEqual(try database.count("SELECT count(*) FROM v_agent_period"), try database.count("SELECT count(*) FROM score_agent_period"))

        let docs = try TestSupport.run(["docs", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(docs.status, 0, docs.stderr)
        let html = try String(contentsOfFile: directory + "/out/dictionary.html", encoding: .utf8)
        XCTAssertFalse(html.contains("not described"), "every relation has a description")
        XCTAssertFalse(html.contains("<script") || html.contains("http://") || html.contains("https://"), "self-contained")
        let relations = try database.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'") { $0.text(0) ?? "" }
        XCTAssertGreaterThan(relations.count, 30)
        for name in relations { XCTAssertTrue(html.contains("id=\"\(name)\""), "\(name) is in the dictionary") }
        let tickets = try database.count("SELECT count(*) FROM fact_ticket")
        XCTAssertTrue(html.contains("<code>fact_ticket</code> <span class=\"layer\">table, fact, \(tickets.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) rows"),
                      "row counts are today's")
    }

    /// A report of another warehouse (`--warehouse`) goes beside that warehouse and leaves the
    /// pipeline's own out/ alone; a report of an empty warehouse says so.
    func testAReportOfAnotherWarehouseNeverReplacesTheRealOne() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 3, tickets: 300, months: 1, seed: 4)).run()
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--quiet"], in: directory).status, 0)
        let real = try String(contentsOfFile: directory + "/out/report.md", encoding: .utf8)
        let other = TestSupport.temporaryDirectory("other")
        let report = try TestSupport.run(["report", "--pipeline", "pipeline.yml", "--warehouse", other + "/w.sqlite"], in: directory)
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(try String(contentsOfFile: directory + "/out/report.md", encoding: .utf8), real, "the real report is untouched")
        let empty = try String(contentsOfFile: other + "/out/report.md", encoding: .utf8)
        XCTAssertTrue(empty.contains("No data is loaded yet"), empty.prefix(600).description)
        XCTAssertFalse(empty.contains("All data checks pass"))
    }

    /// `--quiet` keeps the summary's headline and the stages that rejected rows, nothing else.
    func testQuietPrintsTheHeadlineAndOnlyStagesWithRejects() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 800, months: 2, seed: 3, dirt: 0.05)).run()
        let quiet = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--quiet"], in: directory)
        let lines = quiet.stdout.split(whereSeparator: \.isNewline)
        XCTAssertTrue(lines.first?.hasPrefix("run 1: ") ?? false, quiet.stdout)
        for line in lines.dropFirst() where !line.hasPrefix("nothing new") {
            let clean = (line.hasSuffix("rejected 0") || line.contains("rejected 0,")) && (!line.contains("failed") || line.hasSuffix(" 0 failed"))
            XCTAssertFalse(clean, "a stage with nothing rejected or failed is listed: \(line)")
        }
        // SQLite reads a ticket file's rows at load, in one pass into the facts: its rejects are counted there.
        XCTAssertTrue(lines.contains { $0.contains("load tickets") && !$0.contains("rejected 0") }, "the planted dirt is rejected and shown: \(quiet.stdout)")
        XCTAssertFalse(quiet.stdout.contains("extract roster"), "a clean stage is left out: \(quiet.stdout)")
        XCTAssertTrue(quiet.stderr.isEmpty || !quiet.stderr.contains(" info "), "no info lines on stderr: \(quiet.stderr)")
        let loud = try TestSupport.run(["run", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertTrue(loud.stdout.contains("extract roster"), "without --quiet every stage is listed")
    }

    /// Every run leaves its results as JSON beside the warehouse, and `status --json` prints
    /// the same objects: what a scheduler or a dashboard reads instead of parsing text.
    func testEveryRunLeavesAResultsFileAndStatusPrintsJSON() throws {
        let directory = TestSupport.temporaryDirectory()
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 800, months: 2, seed: 3, dirt: 0.05)).run()
        let first = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--quiet"], in: directory)
        let path = directory + "/var/runs/run-1.json"
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        XCTAssertEqual(object["run_id"] as? Int, 1)
        XCTAssertEqual(object["exit_code"] as? Int, Int(first.status), "the file's exit code is the process's")
        XCTAssertEqual(object["status"] as? String, first.status == 0 ? "succeeded" : "data_rejected")
        let stages = try XCTUnwrap(object["stages"] as? [[String: Any]])
        let database = try Database(path: directory + "/var/warehouse.sqlite", readOnly: true)
        XCTAssertEqual(stages.count, try database.count("SELECT count(*) FROM etl_stage_run WHERE run_id = 1"))
        let rejectedInFile = stages.reduce(0) { $0 + (($1["rows_rejected"] as? Int) ?? 0) }
        XCTAssertEqual(rejectedInFile, try database.count("SELECT coalesce(sum(rows_rejected), 0) FROM etl_stage_run WHERE run_id = 1"))
        let rejects = try XCTUnwrap(object["rejects"] as? [[String: Any]])
        let notListed = try XCTUnwrap(object["rejects_not_listed"] as? [String: Any])
        XCTAssertEqual(rejects.reduce(0) { $0 + (($1["rows"] as? Int) ?? 0) } + ((notListed["rows"] as? Int) ?? -1),
                       try database.count("SELECT count(*) FROM etl_reject WHERE run_id = 1"), "every reject is listed or counted")
        XCTAssertLessThanOrEqual(rejects.count, 100)
        XCTAssertFalse(rejects.isEmpty, "the planted dirt is in the results")
        XCTAssertEqual((object["checks"] as? [Any])?.count, try database.count("SELECT count(*) FROM etl_check WHERE run_id = 1"))
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o077, 0, "results are private to their owner")
        // A second run gets its own file; latest.json follows it.
        _ = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--quiet"], in: directory)
        let latest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/var/runs/latest.json"))) as? [String: Any])
        XCTAssertEqual(latest["run_id"] as? Int, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/var/runs/run-1.json"))
        let status = try TestSupport.run(["status", "--pipeline", "pipeline.yml", "--json"], in: directory)
        XCTAssertEqual(status.status, 0, status.stderr)
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((parsed["runs"] as? [[String: Any]])?.map { $0["run_id"] as? Int }, [2, 1])
        XCTAssertEqual((parsed["latest"] as? [String: Any])?["run_id"] as? Int, 2)
        XCTAssertEqual(parsed["schema_version"] as? Int, try Migrator.currentVersion(database))
    }

    /// Every repository file the README or a --help text cites (`docs/…`, `*.md`) is in the
    /// repository: a clone alone must hold the method it points to.
    func testEveryDocumentTheREADMEAndHelpCiteIsInTheRepository() throws {
        var texts = [try String(contentsOfFile: TestSupport.packageRoot + "/README.md", encoding: .utf8)]
        for command in ["score", "generate"] { texts.append(try TestSupport.run([command, "--help"]).stdout) }
        var cited = Set<String>()
        for text in texts {
            for word in text.split(whereSeparator: { " `()|,;:\n".contains($0) }) {
                let name = word.trimmingCharacters(in: CharacterSet(charactersIn: "*.'\"[]"))
                if name.hasSuffix(".md") || name.hasSuffix(".md's") { cited.insert(name.replacingOccurrences(of: ".md's", with: ".md")) }
            }
        }
        XCTAssertTrue(cited.contains("docs/SCORING.md"), "\(cited.sorted())")
        // Documents are capitalised (README.md, FORMATS.md) or under docs/; report.md is output.
        for name in cited where name.hasPrefix("docs/") || (name.split(separator: "/").last?.first?.isUppercase ?? false) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: TestSupport.packageRoot + "/" + name), "cited but missing: \(name)")
        }
    }
}

extension CommandLineTests {
    func testDryRunListsWhatWouldBeExtractedAndWritesNothing() throws {
        let directory = try dataset(tickets: 200)
        let result = try TestSupport.run(["run", "--dry-run", "--pipeline", "pipeline.yml"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("roster (\(directory)/hr/*.csv): 4 file(s)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("tickets_2026-01-01.csv: new or changed, would extract"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/var"), "a dry run creates no warehouse")
    }

    func testJSONLogLinesAreJSON() throws {
        let directory = try dataset(tickets: 200)
        let result = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--log-format", "json"], in: directory)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 5)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object?["time"], String(line))
            XCTAssertNotNil(object?["message"], String(line))
        }
        XCTAssertTrue(result.stderr.contains("\"stage\":\"load\""), "stage metadata is a field")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        // Every line inside the run carries the run id; lines about one source carry it too.
        let inRun = objects.filter { $0["stage"] != nil }
        XCTAssertFalse(inRun.isEmpty)
        XCTAssertTrue(inRun.allSatisfy { ($0["run_id"] as? String) == "1" }, "\(inRun.filter { $0["run_id"] == nil }.prefix(2))")
        XCTAssertTrue(objects.contains { ($0["message"] as? String)?.contains("extracted") == true && ($0["source"] as? String) == "tickets" },
                      "extract lines name their source as a field")
        // Counts are numeric fields of one line per stage and source.
        let done = objects.first { ($0["stage"] as? String) == "normalize" && ($0["source"] as? String) == "tickets" && $0["rows_written"] != nil }
        XCTAssertEqual(done?["rows_written"] as? Int, try Database(path: directory + "/var/warehouse.sqlite", readOnly: true).count(
            "SELECT rows_written FROM etl_stage_run WHERE stage = 'normalize' AND source = 'tickets'"))
        // The fatal error is a JSON line too, with its exit code.
        let locked = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--log-format", "json", "--warehouse", directory + "/pipeline.yml/w.sqlite"],
                                         in: directory)
        XCTAssertEqual(locked.status, 73)
        let last = try XCTUnwrap(locked.stderr.split(separator: "\n").last)
        let fatal = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], String(last))
        XCTAssertEqual(fatal["level"] as? String, "critical")
        XCTAssertEqual(fatal["exit_code"] as? Int, 73)
        XCTAssertTrue((fatal["message"] as? String)?.contains("lock file") ?? false)
    }
}

extension CommandLineTests {
    /// Each hostile file is refused by the binary within a second of CPU and under 64 MB.
    func testHostileXMLIsRefusedQuicklyInBoundedMemory() throws {
        let directory = TestSupport.fixtures + "/xml-hostile"
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where !name.contains("simple") {
            let result = try ChildProcess.measure([TestSupport.binary, "preview", directory + "/" + name], quiet: true, allowFailure: true)
            XCTAssertEqual(result.status, 65, "\(name) is refused as bad data")
            // CPU time: wall time on a loaded CI machine measures the machine, not the refusal.
            XCTAssertLessThan(result.cpuSeconds, 1.0, name)
            XCTAssertLessThan(result.peakKB, 64 * 1024, "\(name): \(result.peakKB) KB")
        }
    }

    func testPreviewSaysWhichRecordTypesItSkipped() throws {
        let path = TestSupport.temporaryDirectory() + "/unload.xml"
        TestSupport.write("<unload><incident><n>1</n></incident><sys_attachment><f>x</f></sys_attachment></unload>", to: path)
        let result = try TestSupport.run(["preview", path, "--show-format"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "{\"n\":\"1\",\"_record_no\":1}\n")
        XCTAssertTrue(result.stderr.contains("skipped 1 sys_attachment record(s)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("format servicenow_xml"), result.stderr)
    }
}

extension CommandLineTests {
    /// Under a file-size limit the run ends with a clear message and exit 1, the warehouse
    /// stays intact, and once the limit is gone a rerun ends where an uninterrupted run would.
    func testAFullDiskEndsWithAMessageAndARerunFinishes() throws {
        let reference = try dataset(seed: 8)
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02"], in: reference).status, 0)
        let expected = try WarehouseDump.dump(reference + "/var/warehouse.sqlite")
        let size = (try FileManager.default.attributesOfItem(atPath: reference + "/var/warehouse.sqlite")[.size] as? Int) ?? 0
        let directory = try dataset(seed: 8)
        // Three quarters of the final size, in ulimit's 1 KiB blocks: the run cannot finish
        // under it, and the new warehouse's migrations (and their log) fit, so the run starts
        // and its ledger says how it ended. (Half was too little once load stopped writing
        // dim_customer and one etl_ticket_file row per ticket: migration 14 did not fit.)
        let limit = max(size * 3 / 4 / 1024, 64)
        let limited = try TestSupport.run(["-c", "ulimit -f \(limit); exec \"$0\" run --pipeline pipeline.yml --run-date 2026-05-02", TestSupport.binary],
                                          in: directory, executable: "/bin/bash")
        XCTAssertEqual(limited.status, 1, limited.stderr)
        XCTAssertTrue(limited.stderr.contains("could not write") && limited.stderr.contains("free disk space"), limited.stderr)
        let warehouse = directory + "/var/warehouse.sqlite"
        XCTAssertEqual(try WarehouseDump.integrity(warehouse), "ok")
        let ledger = try WarehouseDump.dump(warehouse, tables: ["etl_run"])["etl_run"] ?? []
        XCTAssertTrue(ledger.contains { $0.contains("|failed|1|") }, "\(ledger)\n\(limited.stderr)")
        let rerun = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-05-02"], in: directory)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try WarehouseDump.dump(warehouse), expected)
    }
}

extension CommandLineTests {
    /// Every option a subcommand's --help lists is documented in the README.
    func testEveryOptionInHelpIsInTheReadme() throws {
        let readme = try String(contentsOfFile: TestSupport.packageRoot + "/README.md", encoding: .utf8)
        for command in Ambassador.subcommandNames {
            let help = try TestSupport.run([command, "--help"]).stdout
            let options = Set(help.matches(of: /--[a-z][a-z-]+/).map { String($0.output) })
            XCTAssertFalse(options.isEmpty, command)
            for option in options where option != "--help" && option != "--version" {
                XCTAssertTrue(readme.contains(option), "`ambassador \(command)` has \(option), which the README does not mention")
            }
        }
    }
}

extension CommandLineTests {
    /// Issue 14: `preview FILE --kind KIND` shows how each column would map — field, column,
    /// rule, samples — what is missing, and what nothing uses, on a real export.
    func testPreviewKindShowsHowEachColumnMaps() throws {
        let path = TestSupport.fixtures + "/tickets/servicenow_table_api_incident_dev197215.json"
        let result = try TestSupport.run(["preview", path, "--kind", "tickets"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        XCTAssertTrue(result.stdout.contains("format servicenow_json, 67 record(s) read"), result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("ticket_id number alias 'number' INC") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("customer_id caller_id alias 'caller id'") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("first_assignee_id — not found") }, result.stdout)
        XCTAssertTrue(result.stdout.contains("Columns nothing maps (") && result.stdout.contains("made_sla"), result.stdout)
        // A required field with no column says so.
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("Ref,When\nA1,2026-01-01\n", to: directory + "/t.csv")
        let missing = try TestSupport.run(["preview", "t.csv", "--kind", "tickets"], in: directory)
        XCTAssertTrue(missing.stdout.contains("REQUIRED, not found (tried: ticket id"), missing.stdout)
        XCTAssertEqual(try TestSupport.run(["preview", "t.csv", "--kind", "widgets"], in: directory).status, 64)
    }
}

extension CommandLineTests {
    /// Issue 19: `--version` answers (it exited 64), and `make help` shows the values, not `$(PIPELINE)`.
    func testVersionAndMakeHelpSayWhatTheyShould() throws {
        let version = try TestSupport.run(["--version"])
        XCTAssertEqual(version.status, 0, version.stderr)
        XCTAssertTrue(version.stdout.hasPrefix("ambassador "), version.stdout)
        let help = try TestSupport.run(["-C", TestSupport.packageRoot, "--no-print-directory", "help"], executable: "/usr/bin/make")
        XCTAssertEqual(help.status, 0, help.stderr)
        XCTAssertTrue(help.stdout.contains("every stage on pipelines/sample.yml"), help.stdout)
        XCTAssertFalse(help.stdout.contains("$("), help.stdout)
    }
}

extension CommandLineTests {
    /// Issue 19: `score` on an empty warehouse says there is nothing to score (exit 66), and a
    /// pulse source with nothing loaded yet is named as such — not "data rejected" (65) with a
    /// claim that no employee survey source is configured.
    func testScoreOnAnEmptyWarehouseSaysSoAndExits66() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            warehouse: w.sqlite
            sources:
              pulse: {kind: survey, respondent: employee, format: qualtrics_csv, inbox: pulse/*.csv}
              tickets: {kind: tickets, inbox: tickets/*.csv}
            """, to: directory + "/p.yml")
        let empty = try TestSupport.run(["score", "--pipeline", "p.yml"], in: directory)
        XCTAssertEqual(empty.status, 66, empty.stderr)
        XCTAssertTrue(empty.stderr.contains("nothing to score") && empty.stderr.contains("ambassador run"), empty.stderr)
        TestSupport.write("Ticket ID,Created At\n1,2026-03-01T10:00:00Z\n", to: directory + "/tickets/t_2026-03-01.csv")
        let tickets = try TestSupport.run(["run", "--pipeline", "p.yml", "--run-date", "2026-11-22"], in: directory)
        XCTAssertEqual(tickets.status, 0, tickets.stderr)
        XCTAssertTrue(tickets.stderr.contains("score.pulse_source 'pulse': no pulse responses are loaded yet"), tickets.stderr)
        XCTAssertFalse(tickets.stderr.contains("no survey source with respondent: employee"), tickets.stderr)
    }
}

extension CommandLineTests {
    /// Issue 19: a rerun that finds nothing new says so in one line; a report of a warehouse
    /// with no data says so instead of "All data checks pass".
    func testARerunWithNothingNewAndAReportOfNothingSaySo() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("warehouse: w.sqlite\nsources:\n  tickets: {kind: tickets, inbox: tickets/*.csv}\n", to: directory + "/p.yml")
        let empty = try TestSupport.run(["report", "--pipeline", "p.yml"], in: directory)
        XCTAssertEqual(empty.status, 0, empty.stderr)
        let report = try String(contentsOfFile: directory + "/out/report.md", encoding: .utf8)
        XCTAssertTrue(report.contains("No data is loaded yet") && !report.contains("All data checks pass"), report)
        TestSupport.write("Ticket ID,Created At\n1,2026-03-01T10:00:00Z\n", to: directory + "/tickets/t_2026-03-01.csv")
        let first = try TestSupport.run(["run", "--pipeline", "p.yml", "--run-date", "2026-11-22"], in: directory)
        XCTAssertFalse(first.stdout.contains("nothing new"), first.stdout)
        let second = try TestSupport.run(["run", "--pipeline", "p.yml", "--run-date", "2026-11-22"], in: directory)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout.split(separator: "\n").dropFirst().first, "nothing new: every inbox file was already extracted and is unchanged")
    }
}

extension CommandLineTests {
    /// The README's cron line, run as written (its /srv/ambassador home, env file and release
    /// binary replaced by a test home, a test env file and the binary under test): cron sees
    /// Ambassador's own exit code — the run's, 75 while another run holds the lock (so cron
    /// may retry), 78 for a broken environment — not make's 2.
    func testTheREADMECronLinePassesAmbassadorsExitCodesThrough() throws {
        let readme = try String(contentsOfFile: TestSupport.packageRoot + "/README.md", encoding: .utf8)
        let block = try XCTUnwrap(readme.components(separatedBy: "```cron\n").dropFirst().first?.components(separatedBy: "```").first)
        let line = try XCTUnwrap(block.split(separator: "\n").first { !$0.hasPrefix("#") })
        // Five schedule fields, then the command.
        let command = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true).last.map(String.init) ?? ""
        XCTAssertTrue(command.contains(".build/release/ambassador run"), "cron calls the binary: \(command)")
        XCTAssertFalse(command.contains("make "), "make would turn every exit code into 2")

        let home = TestSupport.temporaryDirectory("cronhome")
        let inbox = TestSupport.temporaryDirectory("croninbox")
        _ = try Generator(settings: GeneratorSettings(outDir: inbox, teams: 4, tickets: 600, months: 2, seed: 12)).run()
        try FileManager.default.createDirectory(atPath: home + "/pipelines", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home + "/.build/release", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home + "/var", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/pipelines/nightly.yml", toPath: home + "/pipelines/nightly.yml")
        try FileManager.default.createSymbolicLink(atPath: home + "/.build/release/ambassador", withDestinationPath: TestSupport.binary)
        let env = home + "/env"
        TestSupport.write("export AMBASSADOR_INBOX=\(inbox)\nexport AMBASSADOR_PSEUDONYM_KEY=cron-test-key-0123456789\n", to: env)
        let asWritten = command.replacingOccurrences(of: "/srv/ambassador", with: home).replacingOccurrences(of: "/etc/ambassador/env", with: env)
        func cron(_ text: String = asWritten) throws -> Int32 {
            try TestSupport.run(["-c", text], executable: "/bin/sh").status
        }

        let first = try cron()
        let results = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home + "/var/runs/latest.json"))) as? [String: Any])
        XCTAssertEqual(Int(first), results["exit_code"] as? Int, "cron sees the run's own exit code")
        XCTAssertTrue([0, 65].contains(first), "a finished run: \(first)")
        let log = try String(contentsOfFile: home + "/var/nightly.log", encoding: .utf8)
        XCTAssertTrue(log.contains("run 1: "), log.suffix(500).description)

        // Another run holds the lock: 75, at once.
        let lockPath = home + "/var/warehouse.sqlite.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        XCTAssertEqual(try cron(), 75)
        flock(fd, LOCK_UN)
        close(fd)
        XCTAssertTrue(try String(contentsOfFile: home + "/var/nightly.log", encoding: .utf8).contains("locked by"))

        // A broken environment (the inbox variable missing): 78, a configuration error.
        TestSupport.write("export AMBASSADOR_PSEUDONYM_KEY=cron-test-key-0123456789\n", to: env)
        XCTAssertEqual(try cron(), 78)
    }
}
