import AmbassadorCore
import Foundation
import Generate
import Load
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Normalize
@testable import Pipeline

final class RunnerTests: XCTestCase {
    private let runDate = CivilDate(year: 2026, month: 11, day: 22)!

    private func run(_ config: PipelineConfig, steps: [PipelineStep] = PipelineStep.all, range: ClosedRange<CivilDate>? = nil) throws -> RunSummary {
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        return try runner.run(steps, options: RunOptions(command: "test", arguments: [], runDate: runDate, partitionRange: range,
                                                         now: { "2026-11-22T00:00:00Z" }))
    }

    /// A pipeline over `directory/hr` and `directory/tickets`.
    private func pipeline(_ directory: String, threshold: Double = 0.05) throws -> PipelineConfig {
        TestSupport.write("""
            warehouse: var/w.sqlite
            reject_threshold: \(threshold)
            sources:
              roster:
                kind: hr_roster
                inbox: hr/*.csv
                fields: { team: Department, agent_ids: Agent }
              tickets:
                kind: tickets
                inbox: tickets/*.csv
            """, to: directory + "/p.yml")
        return try ConfigLoader(path: directory + "/p.yml").load()
    }

    func testGeneratedDataRunsEndToEndAndASecondRunChangesNothing() throws {
        let directory = TestSupport.temporaryDirectory()
        let settings = GeneratorSettings(outDir: directory, teams: 6, tickets: 900, months: 3, seed: 7, agentsPerTeam: 4)
        let truth = try Generator(settings: settings).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()

        let first = try run(config)
        XCTAssertEqual(first.exitCode, 0)
        let w = config.warehouse
        XCTAssertEqual(try WarehouseDump.count(w, "fact_ticket"), truth.tickets)
        XCTAssertEqual(try Database(path: w, readOnly: true).count("SELECT sum(records) FROM etl_source_file WHERE source = 'roster'"), truth.rosterRows)
        XCTAssertFalse(try Database(path: w, readOnly: true).tableExists("raw_roster"), "a roster's records are read from its file, not copied")
        XCTAssertEqual(try Database(path: w, readOnly: true).count("SELECT count(DISTINCT employee_id) FROM dim_employee"), truth.employees)
        XCTAssertEqual(try Database(path: w, readOnly: true).count("SELECT count(*) FROM fact_ticket WHERE team_id IS NULL"), 0,
                       "every ticket is attributed to the team of its first assignee at the time")
        XCTAssertGreaterThan(try WarehouseDump.count(w, "score_agent_period"), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: config.report.outDir + "/report.md"))
        let before = try WarehouseDump.dump(w)

        let second = try run(config)
        XCTAssertEqual(second.exitCode, 0)
        let extract = second.stages.first { $0.name == "extract" }?.counts ?? []
        XCTAssertEqual(extract.map(\.filesDone), [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(extract.map(\.filesSkipped), [truth.rosterFiles, truth.ticketFiles, settings.months, settings.months,
                                                     truth.relationshipFiles, settings.months])
        XCTAssertEqual(try WarehouseDump.dump(w), before, "a second run changes no fact, dimension or score row")
        let ledger = try Database(path: w, readOnly: true).query("SELECT status FROM etl_run ORDER BY run_id") { $0.text(0) ?? "" }
        XCTAssertEqual(ledger, ["succeeded", "succeeded"])
        XCTAssertEqual(try Database(path: w, readOnly: true).count("SELECT count(DISTINCT stage) FROM etl_stage_run"), 5)
    }

    func testAFileAboveTheRejectThresholdIsNotLoadedAndTheRunExits65() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("Ticket ID,Created At\n1,2026-01-01T10:00:00Z\n2,2026-01-02T10:00:00Z\n", to: directory + "/tickets/good.csv")
        var bad = "Ticket ID,Created At\n"
        for i in 0..<20 { bad += "\(100 + i),\(i < 2 ? "someday" : "2026-01-03T10:00:00Z")\n" }
        TestSupport.write(bad, to: directory + "/tickets/bad.csv")
        let config = try pipeline(directory)
        let summary = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(summary.exitCode, 65)
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try database.query("SELECT ticket_id FROM fact_ticket ORDER BY 1") { $0.text(0) ?? "" }, ["1", "2"])
        let failed = try database.query("SELECT path, error FROM etl_source_file WHERE status = 'failed' AND source = 'tickets'") {
            ($0.text(0) ?? "", $0.text(1) ?? "")
        }
        XCTAssertEqual(failed.map(\.0), ["tickets/bad.csv"], "the manifest names files relative to the root")
        XCTAssertTrue(failed.first?.1.contains("2 of 20 rows rejected (10.0%), above the reject threshold of 5.0%") ?? false, failed.first?.1 ?? "")
        let rejects = try database.query("SELECT record_no, field, raw_value, reason FROM etl_reject WHERE stage = 'normalize' ORDER BY record_no") {
            "\($0.int(0))|\($0.text(1) ?? "")|\($0.text(2) ?? "")|\($0.text(3) ?? "")"
        }
        XCTAssertEqual(rejects.count, 2)
        XCTAssertTrue(rejects[0].hasPrefix("2|created_at|someday|not a timestamp"), rejects[0])
        XCTAssertEqual(try database.count("SELECT count(*) FROM stg_ticket WHERE file_id = (SELECT file_id FROM etl_source_file WHERE path LIKE '%bad.csv')"), 0,
                       "nothing of a failed file is half-loaded")
    }

    func testAMissingRequiredColumnFailsTheFileWithTheNamesTried() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("Subject,Created At\nHelp,2026-01-01\n", to: directory + "/tickets/t.csv")
        let config = try pipeline(directory)
        let summary = try run(config, steps: [.extract, .normalize])
        XCTAssertEqual(summary.exitCode, 65)
        let error = try Database(path: config.warehouse, readOnly: true).scalar("SELECT error FROM etl_source_file WHERE source = 'tickets'").stringValue ?? ""
        XCTAssertTrue(error.contains("t.csv:1: source 'tickets' has no column for the required field 'ticket_id'"), error)
        XCTAssertTrue(error.contains("ticket number"), error)
    }

    func testNoInputExits66AndAnUnknownSourceIsAUsageError() throws {
        let directory = TestSupport.temporaryDirectory()
        let config = try pipeline(directory)
        XCTAssertThrowsError(try run(config)) { XCTAssertEqual(($0 as? PipelineError)?.exitCode, 66) }
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        XCTAssertThrowsError(try runner.run([.extract], options: RunOptions(command: "x", arguments: [], runDate: runDate, sourceFilter: "nope", now: { "" }))) {
            XCTAssertEqual(($0 as? PipelineError)?.exitCode, 64)
        }
    }
}

extension RunnerTests {
    func testBackfillRereadsOnlyTheFilesOfItsRangeAndChangesNoFact() throws {
        let directory = TestSupport.temporaryDirectory()
        let settings = GeneratorSettings(outDir: directory, teams: 4, tickets: 600, months: 3, agentsPerTeam: 3)
        _ = try Generator(settings: settings).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        _ = try run(config)
        let before = try WarehouseDump.dump(config.warehouse)
        let february = CivilDate(year: 2026, month: 2, day: 1)!...CivilDate(year: 2026, month: 2, day: 28)!
        let summary = try run(config, range: february)
        XCTAssertEqual(summary.exitCode, 0)
        let extract = summary.stages.first { $0.name == "extract" }?.counts ?? []
        XCTAssertEqual(extract.map(\.filesDone), [1, 1, 1, 1, 0, 1], "February's file of each monthly source (the relationship survey is quarterly), nothing else")
        XCTAssertEqual(try WarehouseDump.dump(config.warehouse), before, "the same data read again gives the same warehouse")
        XCTAssertEqual(try WarehouseDump.count(config.warehouse, "etl_source_file"), 3 * 5 + 1, "reprocessed in place, not duplicated")
    }
}

extension RunnerTests {
    /// A corrected re-export replaces exactly what its predecessor contributed: a ticket it
    /// drops is gone, unless another file still holds it, and a changed one is changed.
    /// Two ticketing systems whose ids overlap (both start at 1): without a prefix the second
    /// system's clashing tickets are quarantined at load, never written over the first's;
    /// with `ticket_id_prefix` both keep all their tickets, and a survey and an event log
    /// with the same prefix still find theirs.
    func testTicketIDsOfTwoSystemsNeverOverwriteEachOther() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            Ticket ID,Created At,Updated At,Status
            1,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,solved
            2,2026-01-02T12:00:00Z,2026-01-02T13:00:00Z,solved
            3,2026-01-03T09:00:00Z,2026-01-03T10:00:00Z,open

            """, to: directory + "/zendesk/tickets_2026-01-03.csv")
        TestSupport.write("""
            Ticket ID,Created At,Updated At,Status
            2,2026-01-05T08:00:00Z,2026-01-06T08:00:00Z,closed
            3,2026-01-05T09:00:00Z,2026-01-06T09:00:00Z,closed
            4,2026-01-05T10:00:00Z,2026-01-06T10:00:00Z,open

            """, to: directory + "/freshdesk/tickets_2026-01-06.csv")
        TestSupport.write("""
            Ticket ID,Timestamp,Event,Actor
            3,2026-01-05T09:30:00Z,public_comment,77

            """, to: directory + "/events/events_2026-01-06.csv")
        TestSupport.write("""
            ResponseId,Ticket ID,EndDate,Q1
            R_1,4,2026-01-07T10:00:00Z,9

            """, to: directory + "/csat/csat_2026-01-07.csv")
        func configure(prefix: String, warehouse: String) throws -> PipelineConfig {
            let line = prefix.isEmpty ? "" : "\n    ticket_id_prefix: \(prefix)"
            TestSupport.write("""
                warehouse: \(warehouse)
                sources:
                  zendesk:
                    kind: tickets
                    inbox: zendesk/*.csv
                  freshdesk:
                    kind: tickets
                    inbox: freshdesk/*.csv\(line)
                  freshdesk_events:
                    kind: ticket_events
                    inbox: events/*.csv\(line)
                  csat:
                    kind: survey
                    respondent: customer
                    inbox: csat/*.csv\(line)
                """, to: directory + "/p.yml")
            return try ConfigLoader(path: directory + "/p.yml").load()
        }

        let plain = try configure(prefix: "", warehouse: "var/plain.sqlite")
        let clashing = try run(plain, steps: [.extract, .normalize, .load])
        XCTAssertEqual(clashing.exitCode, 65, "tickets left out of the facts fail the run")
        var database = try Database(path: plain.warehouse, readOnly: true)
        let facts = try database.query("SELECT ticket_id, source, status FROM fact_ticket ORDER BY ticket_id") {
            [$0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? ""]
        }
        XCTAssertEqual(facts, [["1", "zendesk", "solved"], ["2", "zendesk", "solved"], ["3", "zendesk", "open"], ["4", "freshdesk", "open"]],
                       "the first system's tickets are not overwritten by the later-updated ones of the second")
        let rejects = try database.query("SELECT stage, source, record_no, field, raw_value, reason, file_path FROM etl_reject ORDER BY record_no") {
            (stage: $0.text(0) ?? "", source: $0.text(1) ?? "", record: $0.int64(2), field: $0.text(3) ?? "", raw: $0.text(4) ?? "",
             reason: $0.text(5) ?? "", path: $0.text(6) ?? "")
        }
        XCTAssertEqual(rejects.map(\.raw), ["2", "3"])
        for reject in rejects {
            XCTAssertEqual([reject.stage, reject.source, reject.field], ["load", "freshdesk", "ticket_id"])
            XCTAssertTrue(reject.path.hasSuffix("freshdesk/tickets_2026-01-06.csv"), reject.path)
            XCTAssertTrue(reject.reason.contains("source 'zendesk'") && reject.reason.contains("zendesk/tickets_2026-01-03.csv")
                          && reject.reason.contains("ticket_id_prefix"), reject.reason)
        }
        // Nothing lost: every record of each file is a fact or a reject.
        for source in ["zendesk", "freshdesk"] {
            let kept = try database.count("SELECT count(*) FROM fact_ticket WHERE source = ?", [.text(source)])
            let rejected = try database.count("SELECT count(*) FROM etl_reject WHERE source = ?", [.text(source)])
            XCTAssertEqual(kept + rejected, try database.count("SELECT sum(records) FROM etl_source_file WHERE source = ?", [.text(source)]), source)
        }
        let status = clashing.stages.first { $0.name == "load" }?.counts.first { $0.source == "freshdesk" }
        XCTAssertEqual(status?.rowsRejected, 2)

        let prefixed = try configure(prefix: "fd-", warehouse: "var/prefixed.sqlite")
        XCTAssertEqual(try run(prefixed, steps: [.extract, .normalize, .load]).exitCode, 0)
        database = try Database(path: prefixed.warehouse, readOnly: true)
        XCTAssertEqual(try database.query("SELECT ticket_id FROM fact_ticket ORDER BY ticket_id") { $0.text(0) ?? "" },
                       ["1", "2", "3", "fd-2", "fd-3", "fd-4"])
        XCTAssertEqual(try database.count("SELECT count(*) FROM etl_reject"), 0)
        XCTAssertEqual(try database.query("SELECT ticket_id FROM fact_ticket_event") { $0.text(0) ?? "" }, ["fd-3"])
        XCTAssertEqual(try database.query("SELECT ticket_id FROM fact_survey_response") { $0.text(0) ?? "" }, ["fd-4"])
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM fact_survey_response r JOIN fact_ticket t ON t.ticket_id = r.ticket_id WHERE t.source = 'freshdesk'
            """), 1, "the survey response links to the second system's ticket")
    }

    func testACorrectedReExportReplacesExactlyItsPredecessorsRows() throws {
        let directory = TestSupport.temporaryDirectory()
        let header = "Ticket ID,Created At,Updated At,Status\n"
        TestSupport.write(header + "1,2026-01-01T10:00:00Z,2026-01-02T10:00:00Z,open\n2,2026-01-01T11:00:00Z,2026-01-02T11:00:00Z,open\n3,2026-01-01T12:00:00Z,2026-01-02T12:00:00Z,open\n",
                          to: directory + "/tickets/t_2026-01-01.csv")
        TestSupport.write(header + "9,2026-01-05T10:00:00Z,2026-01-05T10:00:00Z,open\n2,2026-01-01T11:00:00Z,2025-12-31T00:00:00Z,pending\n",
                          to: directory + "/tickets/t_2026-01-05.csv")
        let config = try pipeline(directory)
        _ = try run(config, steps: [.extract, .normalize, .load])
        func facts() throws -> [String] {
            try Database(path: config.warehouse, readOnly: true).query("SELECT ticket_id, status FROM fact_ticket ORDER BY 1") {
                "\($0.text(0) ?? "") \($0.text(1) ?? "")"
            }
        }
        XCTAssertEqual(try facts(), ["1 open", "2 open", "3 open", "9 open"])
        // The correction drops ticket 2 and 3 and solves ticket 1.
        TestSupport.write(header + "1,2026-01-01T10:00:00Z,2026-01-03T10:00:00Z,solved\n", to: directory + "/tickets/t_2026-01-01.csv")
        let summary = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(summary.exitCode, 0)
        XCTAssertEqual(try facts(), ["1 solved", "2 pending", "9 open"],
                       "3 is gone; 2 falls back to the copy another file still holds")
        XCTAssertEqual(try Database(path: config.warehouse, readOnly: true).count("SELECT count(*) FROM fact_ticket WHERE _file_id IN (SELECT file_id FROM etl_source_file WHERE status = 'superseded')"), 0)
    }
}

extension RunnerTests {
    /// Every raw record of every file is in the facts (by its ticket or employee) or in
    /// etl_reject — counted per file, both sides.
    private func assertEveryRawRecordIsAccountedFor(_ warehouse: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try WarehouseDump.unaccountedRecords(warehouse), [], file: file, line: line)
    }

    func testRealVendorExportsAreAllAccountedForFromRawToFacts() throws {
        let directory = TestSupport.temporaryDirectory()
        let fixtures = TestSupport.fixtures
        let copies = [
            ("tickets/go-zendesk_GET_tickets.json", "zendesk/tickets_2019-06-03.json"),
            ("tickets/go-zendesk_GET_ticket_custom_field.json", "zendesk/ticket_2019-06-04.json"),
            ("tickets/python-freshdesk_v2_all_tickets.json", "freshdesk/tickets_2015-01-01.json"),
            ("tickets/python-freshdesk_v2_ticket_1.json", "freshdesk/ticket_2015-01-02.json"),
            ("tickets/fivetran_dbt_zendesk_seeds/fivetran_ticket_data.csv", "fivetran/ticket_data_2020-03-20.csv"),
            ("hr/cranbambooHR_employees_directory.json", "bamboo/directory_2021-03-01.json"),
        ]
        for (from, to) in copies {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures + "/" + from)))
            TestSupport.write(bytes, to: directory + "/" + to)
        }
        TestSupport.write("""
            warehouse: w.sqlite
            timezone: America/New_York
            sources:
              roster:
                kind: hr_roster
                format: bamboohr_json
                inbox: bamboo/*.json
              zendesk:
                kind: tickets
                format: zendesk_json
                inbox: zendesk/*.json
              freshdesk:
                kind: tickets
                format: freshdesk_json
                inbox: freshdesk/*.json
              fivetran:
                kind: tickets
                format: zendesk_csv
                inbox: fivetran/*.csv
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        _ = try run(config, steps: [.extract, .normalize])
        _ = try run(config, steps: [.load])
        // Freshdesk's ticket 1 is in both files: the first is read into the facts in one pass,
        // the second (its ticket held already) is staged and merged, and the copy updated
        // last (2016, not 2014's +10:00 copy, which the golden files show in UTC) is kept.
        let kept = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try kept.rows("SELECT created_at, updated_at FROM fact_ticket WHERE source = 'freshdesk' AND ticket_id = '1'", []) {
            "\($0.text(0) ?? "") \($0.text(1) ?? "")"
        }, ["2016-05-18T04:36:04Z 2016-05-18T23:42:50Z"])
        XCTAssertEqual(try kept.count("SELECT count(*) FROM etl_ticket_file WHERE ticket_id = '1'"), 2, "ticket 1 is noted held by both files")
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket WHERE source = 'zendesk'"), 3)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket WHERE source = 'fivetran'"), 10)
        // Both Freshdesk files hold ticket 1: the later-updated version wins. Its codes
        // become words; offsets and naive times become UTC.
        XCTAssertEqual(try database.query("SELECT status, priority, channel, created_at FROM fact_ticket WHERE source = 'freshdesk'") {
            [$0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", $0.text(3) ?? ""]
        }, [["open", "low", "portal", "2016-05-18T04:36:04Z"]])
        XCTAssertEqual(try database.scalar("SELECT created_at FROM fact_ticket WHERE ticket_id = '1595'").stringValue, "2020-02-19T06:54:52Z",
                       "a naive Fivetran timestamp read in the pipeline's zone (EST, UTC-5)")
        XCTAssertEqual(try database.scalar("SELECT channel FROM fact_ticket WHERE ticket_id = '2'").stringValue, "email", "Zendesk via/channel")
        XCTAssertEqual(try database.query("SELECT employee_id, name, email, team_id FROM dim_employee") {
            [$0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", $0.text(3) ?? ""]
        }, [["1", "John Smith", "john.smith@company.com", "Team"]])
    }

    func testGeneratedSamplesAreAllAccountedFor() throws {
        let directory = TestSupport.temporaryDirectory()
        let settings = GeneratorSettings(outDir: directory, teams: 5, tickets: 800, months: 2, agentsPerTeam: 3)
        let truth = try Generator(settings: settings).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0)
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_survey_response WHERE source = 'pulse'"), truth.pulseResponses)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_survey_response WHERE source = 'csat'"), truth.csatResponses)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_customer_event"), truth.customerEvents)
        XCTAssertEqual(try database.count("SELECT count(DISTINCT item) FROM fact_survey_answer WHERE source = 'pulse'"), 9)
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM fact_survey_response WHERE source = 'csat' AND ticket_id NOT IN (SELECT ticket_id FROM fact_ticket)
            """), 0, "every CSAT response links to its ticket")
    }
}

extension RunnerTests {
}

extension RunnerTests {
    /// Issue 15.4: with no `validation:` block, one ticket dated 2099 is quarantined by the
    /// default rule (it used to move the data cut-off); a future hire date is not; a roster
    /// snapshot dated years ahead by its file name fails instead of becoming everyone's
    /// current version.
    func testWithoutAValidationBlockEventsFromTheFutureAreQuarantinedButPlannedHiresAreNot() throws {
        let directory = TestSupport.temporaryDirectory()
        var tickets = "Ticket ID,Created At,Updated At\n"
        for i in 1...40 { tickets += "\(i),2026-03-0\(i % 9 + 1)T10:00:00Z,2026-03-0\(i % 9 + 1)T12:00:00Z\n" }
        tickets += "41,2026-03-05T10:00:00Z,2099-03-05T10:00:00Z\n"
        TestSupport.write(tickets, to: directory + "/tickets/t_2026-03-31.csv")
        TestSupport.write("Employee ID,Name,Department,Hire Date\nE1,Ann,A,2026-01-10\nE2,Bo,A,2027-02-01\n", to: directory + "/hr/roster_2026-11-01.csv")
        TestSupport.write("Employee ID,Name,Department,Hire Date\nE1,Ann,B,2026-01-10\n", to: directory + "/hr/roster_2031-01-01.csv")
        TestSupport.write("""
            warehouse: w.sqlite
            sources:
              tickets: {kind: tickets, inbox: tickets/*.csv}
              roster: {kind: hr_roster, inbox: hr/*.csv}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        let summary = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(summary.exitCode, 65, "the future roster fails, and says so")
        let database = try Database(path: config.warehouse, readOnly: true)
        let reject = try database.query("SELECT record_no, field, reason FROM etl_reject WHERE source = 'tickets'") {
            "\($0.int(0))|\($0.text(1) ?? "")|\($0.text(2) ?? "")"
        }
        XCTAssertEqual(reject.count, 1)
        XCTAssertTrue(reject.first?.hasPrefix("42|updated_at|2099-03-05T10:00:00Z is after 2026-11-24, beyond the run date plus 2 days") == true, "\(reject)")
        XCTAssertEqual(try WarehouseDump.count(config.warehouse, "fact_ticket"), 40)
        // The planned hire (2027) loads; the 2031 snapshot does not become current.
        XCTAssertEqual(try database.query("SELECT employee_id, team_id, hire_date FROM dim_employee WHERE is_current = 1 ORDER BY 1") {
            "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.text(2) ?? "")"
        }, ["E1|A|2026-01-10", "E2|A|2027-02-01"])
        let failed = try database.query("SELECT path, error FROM etl_source_file WHERE status = 'failed'") { ($0.text(0) ?? "", $0.text(1) ?? "") }
        XCTAssertEqual(failed.map { ($0.0 as NSString).lastPathComponent }, ["roster_2031-01-01.csv"])
        XCTAssertEqual(try database.scalar("SELECT reason FROM etl_reject WHERE source = 'roster'").stringValue?.hasPrefix("2031-01-01 is after 2026-11-24"), true)
    }
}

extension RunnerTests {
    /// `ticket_id|status` of every fact ticket, by id.
    private func ticketStatuses(_ warehouse: String) throws -> [String] {
        try Database(path: warehouse, readOnly: true).query("SELECT ticket_id, status FROM fact_ticket ORDER BY 1") {
            "\($0.text(0) ?? "")|\($0.text(1) ?? "")"
        }
    }

    /// After a load: no staged ticket is left, and every record is a fact or a reject.
    private func assertLoadedCleanly(_ warehouse: String, _ message: String = "", line: UInt = #line) throws {
        XCTAssertEqual(try Database(path: warehouse, readOnly: true).count("SELECT count(*) FROM stg_ticket"), 0, message, line: line)
        try assertEveryRawRecordIsAccountedFor(warehouse, line: line)
    }

    /// A corrected re-export takes back its predecessor's tickets; one that another loaded file
    /// also holds comes back with that file's version, read again from the archive (the inbox
    /// copy is gone) — the same with `keep_raw`, where it is read from raw_<source>. Without an
    /// archive (pseudonymisation) and without the inbox file, the correction fails alone and
    /// says which file it needs; nothing of it is loaded.
    func testACorrectedReExportGetsTicketsBackFromTheFilesThatStillHoldThem() throws {
        for mode in ["archive", "keep_raw", "no archive"] {
            let directory = TestSupport.temporaryDirectory(mode.replacingOccurrences(of: " ", with: "_"))
            let header = "Ticket ID,Created At,Updated At,Status\n"
            TestSupport.write(header + "3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n4,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n",
                              to: directory + "/tickets/a_2026-01-01.csv")
            let day = directory + "/tickets/day_2026-01-02.csv"
            TestSupport.write(header + "1,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open\n2,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open\n"
                              + "3,2026-01-01T08:00:00Z,2026-01-02T12:00:00Z,solved\n", to: day)
            let options = mode == "keep_raw" ? "\n    keep_raw: true" : ""
            let privacy = mode == "no archive" ? "privacy:\n  pseudonymise: [email]\n  key_env: AMBASSADOR_TEST_KEY\n" : ""
            TestSupport.write("warehouse: w.sqlite\n\(privacy)sources:\n  tickets:\n    kind: tickets\n    inbox: tickets/*.csv\(options)\n",
                              to: directory + "/p.yml")
            let config = try ConfigLoader(path: directory + "/p.yml", environment: ["AMBASSADOR_TEST_KEY": "sixteen bytes or more"]).load()
            XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0, mode)
            let database = try Database(path: config.warehouse, readOnly: true)
            func tickets() throws -> [String] { try ticketStatuses(config.warehouse) }
            XCTAssertEqual(try tickets(), ["1|open", "2|open", "3|solved", "4|open"], mode)
            XCTAssertEqual(try database.count("SELECT count(*) FROM stg_ticket"), 0, "\(mode): loaded files keep no staged rows")
            try FileManager.default.removeItem(atPath: directory + "/tickets/a_2026-01-01.csv")
            TestSupport.write(header + "1,2026-01-02T10:00:00Z,2026-01-02T11:30:00Z,solved\n", to: day)
            let corrected = try run(config, steps: [.extract, .normalize, .load])
            if mode == "no archive" {
                XCTAssertEqual(corrected.exitCode, 65)
                let error = try database.scalar("SELECT error FROM etl_source_file WHERE status = 'extracted'").stringValue ?? ""
                XCTAssertTrue(error.contains("day_2026-01-02.csv") && error.contains("a_2026-01-01.csv") && error.contains("cannot be read again")
                              && error.contains("next run"), error)
                XCTAssertEqual(try tickets(), ["1|open", "2|open", "3|solved", "4|open"], "the waiting correction changed nothing")
                let status = try StatusReport.render(warehouse: config.warehouse)
                XCTAssertTrue(status.contains("Files waiting to be staged:\n  tickets/day_2026-01-02.csv: "), status)
                // The other file is back: the next run stages and loads the correction.
                TestSupport.write(header + "3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n4,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n",
                                  to: directory + "/tickets/a_2026-01-01.csv")
                XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0)
            } else {
                XCTAssertEqual(corrected.exitCode, 0, mode)
            }
            XCTAssertEqual(try tickets(), ["1|solved", "3|open", "4|open"],
                           "\(mode): ticket 2 left with its file; ticket 3 is a_2026-01-01.csv's version again")
            try assertLoadedCleanly(config.warehouse, mode)
        }
    }

    /// Two corrections in one run that both take back tickets the same third file holds:
    /// each gets its tickets back from it (the second does not undo what the first staged).
    func testTwoCorrectionsInOneRunBothGetTheirTicketsBackFromOneFile() throws {
        let directory = TestSupport.temporaryDirectory()
        let header = "Ticket ID,Created At,Updated At,Status\n"
        TestSupport.write(header + "3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n4,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n",
                          to: directory + "/tickets/a_2026-01-01.csv")
        TestSupport.write(header + "1,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open\n3,2026-01-01T08:00:00Z,2026-01-02T12:00:00Z,solved\n",
                          to: directory + "/tickets/b_2026-01-02.csv")
        TestSupport.write(header + "2,2026-01-03T10:00:00Z,2026-01-03T11:00:00Z,open\n4,2026-01-01T08:00:00Z,2026-01-03T12:00:00Z,solved\n",
                          to: directory + "/tickets/c_2026-01-03.csv")
        TestSupport.write("warehouse: w.sqlite\nsources:\n  tickets:\n    kind: tickets\n    inbox: tickets/*.csv\n", to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0)
        XCTAssertEqual(try ticketStatuses(config.warehouse), ["1|open", "2|open", "3|solved", "4|solved"])
        TestSupport.write(header + "1,2026-01-02T10:00:00Z,2026-01-02T11:30:00Z,solved\n", to: directory + "/tickets/b_2026-01-02.csv")
        TestSupport.write(header + "2,2026-01-03T10:00:00Z,2026-01-03T11:30:00Z,solved\n", to: directory + "/tickets/c_2026-01-03.csv")
        XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0)
        XCTAssertEqual(try ticketStatuses(config.warehouse), ["1|solved", "2|solved", "3|open", "4|open"], "3 and 4 are a_2026-01-01.csv's versions again")
        try assertLoadedCleanly(config.warehouse)
    }

    /// A ticket to give back that the other file no longer yields when read again (here a rule
    /// added since that file was loaded rejects it) is not passed over: the run exits 65
    /// naming the file and the ticket, and the correction's metadata keeps it.
    func testATicketThatCannotBeGivenBackIsSaid() throws {
        let directory = TestSupport.temporaryDirectory()
        let header = "Ticket ID,Created At,Updated At,Status\n"
        TestSupport.write(header + "3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open\n", to: directory + "/tickets/a_2026-01-01.csv")
        let day = directory + "/tickets/day_2026-01-02.csv"
        TestSupport.write(header + "1,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open\n3,2026-01-01T08:00:00Z,2026-01-02T12:00:00Z,solved\n", to: day)
        let pipeline = "warehouse: w.sqlite\nsources:\n  tickets:\n    kind: tickets\n    inbox: tickets/*.csv\n"
        TestSupport.write(pipeline, to: directory + "/p.yml")
        XCTAssertEqual(try run(try ConfigLoader(path: directory + "/p.yml").load(), steps: [.extract, .normalize, .load]).exitCode, 0)
        // Since then only solved tickets are accepted, and the day is re-exported.
        TestSupport.write(pipeline + "validation:\n  accepted: { status: [solved] }\n", to: directory + "/p.yml")
        TestSupport.write(header + "1,2026-01-02T10:00:00Z,2026-01-02T11:30:00Z,solved\n", to: day)
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        let corrected = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(corrected.exitCode, 65)
        let messages = corrected.stages.flatMap { $0.1.flatMap(\.messages) }.joined(separator: "\n")
        XCTAssertTrue(messages.contains("day_2026-01-02.csv: 1 ticket(s)") && messages.contains("a_2026-01-01.csv") && messages.contains("(3)"), messages)
        XCTAssertEqual(try ticketStatuses(config.warehouse), ["1|solved"], "ticket 3 left with the replaced file, and the run said so")
        XCTAssertEqual(try Database(path: config.warehouse, readOnly: true).query(
            "SELECT value FROM etl_file_metadata WHERE key LIKE 'not_given_back/%'") { $0.text(0) ?? "" }, ["3"])
    }

    func testCustomerEventsLoadAsCanonicalEventsOnceEachAndCorrectionsReplace() throws {
        let directory = TestSupport.temporaryDirectory()
        let header = "Account ID,Event Type,Event Date,Amount\n"
        TestSupport.write(header + "C1,Renewed,2026-01-05,\"$1,200.00\"\nC2,Cancelled,2026-01-09,\nC3,Upsell,2026-01-10,300\nC4,Referral,2026-01-11,\nC5,Webinar,2026-01-12,\n",
                          to: directory + "/events/events_2026-01-31.csv")
        TestSupport.write(header + "C1,renewal,2026-01-05,1200\nC9,purchase,2026-02-02,50\n", to: directory + "/events/events_2026-02-28.csv")
        TestSupport.write("""
            warehouse: w.sqlite
            sources:
              events: {kind: customer_events, format: customer_events_csv, inbox: events/*.csv}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        _ = try run(config, steps: [.extract, .normalize, .load])
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        func events() throws -> [String] {
            try Database(path: config.warehouse, readOnly: true).query(
                "SELECT customer_id, event, occurred_at, coalesce(amount, '') FROM fact_customer_event ORDER BY customer_id") {
                "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "") \($0.value(3).stringValue ?? "")"
            }
        }
        XCTAssertEqual(try events(), [
            "C1 renewal 2026-01-05T00:00:00Z 1200.0", "C2 cancellation 2026-01-09T00:00:00Z ", "C3 purchase 2026-01-10T00:00:00Z 300.0",
            "C4 referral 2026-01-11T00:00:00Z ", "C5 other 2026-01-12T00:00:00Z ", "C9 purchase 2026-02-02T00:00:00Z 50.0",
        ], "the renewal in both files is one event; a kind no vocabulary knows (Webinar) is `other`, and counted")
        XCTAssertEqual(try Database(path: config.warehouse, readOnly: true).scalar(
            "SELECT value FROM etl_file_metadata WHERE key = 'unmapped/event/Webinar'").stringValue, "1")
        let before = try WarehouseDump.dump(config.warehouse, tables: ["fact_customer_event"])
        _ = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(try WarehouseDump.dump(config.warehouse, tables: ["fact_customer_event"]), before, "loading again changes nothing")
        // January is re-exported without C5's event and with C3's amount corrected.
        TestSupport.write(header + "C1,Renewed,2026-01-05,1200\nC2,Cancelled,2026-01-09,\nC3,Upsell,2026-01-10,350\nC4,Referral,2026-01-11,\n",
                          to: directory + "/events/events_2026-01-31.csv")
        _ = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(try events(), [
            "C1 renewal 2026-01-05T00:00:00Z 1200.0", "C2 cancellation 2026-01-09T00:00:00Z ", "C3 purchase 2026-01-10T00:00:00Z 350.0",
            "C4 referral 2026-01-11T00:00:00Z ", "C9 purchase 2026-02-02T00:00:00Z 50.0",
        ])
    }
}

extension RunnerTests {
    func testSurveyExportsLoadAsResponsesAndLongAnswersAndPulsesStayAnonymous() throws {
        let directory = TestSupport.temporaryDirectory()
        let fixtures = TestSupport.fixtures + "/surveys/"
        for (from, to) in [("qualtRics_sample.csv", "csat/modern_2017-07-18.csv"), ("qualtRics_sample_legacy.csv", "csat/legacy_2017-07-19.csv"),
                           ("QualtricsTools_Single_Answer_MC_Insights.csv", "csat/insights_2016-05-27.csv"),
                           ("sp_qualtrics_xml_export_Responses.xml", "csatxml/responses_2019-08-20.xml"),
                           ("fivethirtyeight_steak-risk-survey_surveymonkey_2header.csv", "monkey/steak_2014-05-01.csv")] {
            TestSupport.write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures + from))), to: directory + "/" + to)
        }
        TestSupport.write("""
            ResponseId,RecordedDate,RecipientEmail,ExternalReference,Team,Q1_1,Q1_2,Q1_3
            Response ID,Recorded Date,Recipient Email,External Reference,Team,I am proud of this company,I believe in what we sell,I go out of my way for customers
            {"ImportId":"_recordId"},{"ImportId":"recordedDate"},{"ImportId":"recipientEmail"},{"ImportId":"externalDataReference"},{"ImportId":"Team"},{"ImportId":"QID1_1"},{"ImportId":"QID1_2"},{"ImportId":"QID1_3"}
            R_1,2026-03-01 10:00:00,ada@example.com,T-77,Support 01,Strongly agree,4,-99
            R_2,2026-03-01 11:00:00,ben@example.com,T-78,Support 01,Disagree,,Neither agree nor disagree

            """, to: directory + "/pulse/pulse_2026-03-01.csv")
        TestSupport.write("""
            warehouse: w.sqlite
            sources:
              csat: {kind: survey, respondent: customer, format: qualtrics_csv, inbox: csat/*.csv}
              csatxml: {kind: survey, respondent: customer, format: qualtrics_xml, inbox: csatxml/*.xml}
              monkey: {kind: survey, respondent: customer, format: surveymonkey_csv, inbox: monkey/*.csv}
              pulse: {kind: survey, respondent: employee, format: qualtrics_csv, inbox: pulse/*.csv}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0)
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try database.query("SELECT source, count(*) FROM fact_survey_response GROUP BY source ORDER BY source") {
            "\($0.text(0) ?? "") \($0.int(1))"
        }, ["csat 6", "csatxml 4", "monkey 550", "pulse 2"], "1 + 5 Qualtrics CSV responses (legacy R_2YPO… repeats the modern one), 4 XML, 550 SurveyMonkey")
        // Pulse answers: labels become 1-5, -99 is seen-not-answered, and no one is identifiable.
        XCTAssertEqual(try database.query("""
            SELECT r.response_id, coalesce(r.respondent_id, '-'), coalesce(r.ticket_id, '-'), r.team_id, a.item,
                   coalesce(a.numeric_value, ''), a.answered
            FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
            WHERE r.source = 'pulse' ORDER BY r.response_id, a.item
            """) { row in (0..<7).map { row.value(Int32($0)).stringValue ?? "" }.joined(separator: "|") }, [
            "R_1|-|-|Support 01|Q1_1|5.0|1", "R_1|-|-|Support 01|Q1_2|4.0|1", "R_1|-|-|Support 01|Q1_3||0",
            "R_2|-|-|Support 01|Q1_1|2.0|1", "R_2|-|-|Support 01|Q1_3|3.0|1",
        ])
        let everything = try WarehouseDump.dump(config.warehouse, tables: ["stg_survey_response", "fact_survey_response", "fact_survey_answer"])
        XCTAssertFalse(everything.values.flatMap { $0 }.joined().contains("ada@example.com"), "a pulse respondent is never stored past raw")
        XCTAssertEqual(try database.scalar("SELECT label FROM dim_survey_item WHERE source = 'pulse' AND item = 'Q1_3'").stringValue,
                       "I go out of my way for customers")
        XCTAssertEqual(try database.scalar("SELECT import_id FROM dim_survey_item WHERE source = 'csat' AND item = 'Q1'").stringValue, "QID1")
        // A customer survey keeps its seen-but-not-answered (-99) items.
        // 63 = the number of <QID…>-99</QID…> elements in the file (counted with grep).
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_survey_answer WHERE source = 'csatxml' AND answered = 0"), 63)
    }
}

extension RunnerTests {
    /// Every check runs after load, is recorded, and fails when its rule is broken.
    func testDataChecksAreRecordedAndCatchBrokenRules() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("Account ID,Event,Date\nC1,renewal,2026-01-05\nC2,webinar,2026-01-06\n", to: directory + "/events/e.csv")
        TestSupport.write("""
            warehouse: w.sqlite
            sources:
              events: {kind: customer_events, inbox: events/*.csv, partition: none}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        let first = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(first.exitCode, 0, "warnings do not fail the run")
        let database = try Database(path: config.warehouse)
        let checks = try database.query("SELECT name, severity, failing_rows, sample_keys FROM etl_check ORDER BY name") {
            "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.int(2))|\($0.text(3) ?? "")"
        }
        XCTAssertEqual(checks.count, DataChecks.count)
        XCTAssertTrue(checks.contains("customer_event_accepted|warning|1|C2:other:2026-01-06T00:00:00Z"), "\(checks)")
        // Break an error-level rule behind the pipeline's back: the next load exits 65.
        try database.execute("""
            INSERT INTO fact_survey_response (source, response_id, respondent_kind, respondent_id, _file_id, _record_no)
            VALUES ('pulse', 'R_9', 'employee', 'someone@example.com', 1, 2)
            """)
        let second = try run(config, steps: [.load])
        XCTAssertEqual(second.exitCode, 65)
        XCTAssertTrue(second.stages.flatMap { $0.counts }.flatMap(\.messages).contains { $0.contains("pulse_response_anonymous (error)") })
        let status = try StatusReport.render(warehouse: config.warehouse)
        XCTAssertTrue(status.contains("pulse_response_anonymous") && status.contains("pulse:R_9"), status)
    }
}

extension RunnerTests {
    func testTicketEventLogsLoadAsCanonicalEventsOnceEach() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = """
            ticket id,timestamp,event,actor
            100,2026-02-01 09:00:00,Created,C7
            100,2026-02-01 09:05:00,Assigned,A1
            100,2026-02-01 10:00:00,Public Reply,A1
            100,2026-02-01 12:00:00,Transferred,A1
            100,2026-02-02 08:00:00,Resolved,A2
            100,2026-02-05 08:00:00,Reopen,C7
            100,2026-02-05 09:00:00,Complaint,C7
            100,2026-02-05 09:30:00,Customer Reply,C7
            100,2026-02-05 09:30:00,Customer Reply,C7

            """
        TestSupport.write(log, to: directory + "/events/log_2026-02-05.csv")
        TestSupport.write("""
            warehouse: w.sqlite
            timezone: Europe/Berlin
            sources:
              log: {kind: ticket_events, format: event_log_csv, inbox: events/*.csv}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        _ = try run(config, steps: [.extract, .normalize, .load])
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        let events = try Database(path: config.warehouse, readOnly: true).query(
            "SELECT occurred_at, event, actor_id FROM fact_ticket_event ORDER BY occurred_at") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "")"
        }
        XCTAssertEqual(events, [
            "2026-02-01T08:00:00Z created C7", "2026-02-01T08:05:00Z assigned A1", "2026-02-01T09:00:00Z agent_message A1",
            "2026-02-01T11:00:00Z reassigned A1", "2026-02-02T07:00:00Z solved A2", "2026-02-05T07:00:00Z reopened C7",
            "2026-02-05T08:00:00Z escalated C7", "2026-02-05T08:30:00Z customer_message C7",
        ], "Berlin wall-clock times in UTC; the duplicated line is one event")
        let before = try WarehouseDump.dump(config.warehouse, tables: ["fact_ticket_event"])
        _ = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(try WarehouseDump.dump(config.warehouse, tables: ["fact_ticket_event"]), before)
    }

    /// A ServiceNow export of display values: states, priorities and escalation levels in
    /// words, agents by name. Names one employee holds resolve to them; a name two share
    /// resolves to no one and is counted by the check.
    func testServiceNowDisplayValuesLoadAndNamesResolveWhenUnique() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            Employee ID,Name,Email,Department,Hire Date
            E1,Beth Anglin,beth@example.com,Service Desk,2020-01-01
            E2,David Loo,david@example.com,Network,2020-01-01
            E3,Sam Lee,sam.lee@example.com,Network,2020-01-01
            E4,Sam Lee,sam.lee2@example.com,Service Desk,2021-01-01

            """, to: directory + "/hr/roster_2024-03-01.csv")
        TestSupport.write("""
            "number","opened_at","sys_updated_on","resolved_at","state","priority","assigned_to","reassignment_count","escalation"
            "INC0010001","2024-03-14 09:12:44","2024-03-15 11:02:10","2024-03-15 11:02:10","Resolved","3 - Moderate","Beth Anglin","0","Normal"
            "INC0010002","2024-03-14 10:00:00","2024-03-14 10:30:00","","In Progress","1 - Critical","david loo","0","Overdue"
            "INC0010003","2024-03-14 11:00:00","2024-03-14 11:30:00","","On Hold","4 - Low","Sam Lee","0","Moderate"

            """, to: directory + "/incidents/incident_2024-03-15.csv")
        TestSupport.write("""
            warehouse: w.sqlite
            timezone: America/Los_Angeles
            sources:
              roster: {kind: hr_roster, inbox: hr/*.csv}
              incidents: {kind: tickets, format: servicenow_csv, inbox: incidents/*.csv}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        XCTAssertEqual(try run(config, steps: [.extract, .normalize, .load]).exitCode, 0)
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        let database = try Database(path: config.warehouse, readOnly: true)
        let facts = try database.query("""
            SELECT ticket_id, created_at, status, priority, escalated, coalesce(first_assignee_employee_id, '-'), coalesce(team_id, '-')
            FROM fact_ticket ORDER BY ticket_id
            """) { row in (0..<7).map { row.text(Int32($0)) ?? "" }.joined(separator: " ") }
        XCTAssertEqual(facts, [
            "INC0010001 2024-03-14T16:12:44Z solved normal 0 E1 Service Desk",
            "INC0010002 2024-03-14T17:00:00Z open urgent 1 E2 Network",
            "INC0010003 2024-03-14T18:00:00Z pending low 1 - -",
        ])
        let check = try database.query(
            "SELECT failing_rows, sample_keys FROM etl_check WHERE name = 'first_assignee_resolves_to_employee' ORDER BY check_id DESC LIMIT 1") {
            "\($0.int(0)) \($0.text(1) ?? "")"
        }
        XCTAssertEqual(check, ["1 INC0010003"], "the name two employees share is counted as unresolved")
    }

    func testZendeskAuditsBecomeTicketEvents() throws {
        let directory = TestSupport.temporaryDirectory()
        let audits = """
            {"audits": [
              {"id": 1, "ticket_id": 7, "created_at": "2026-02-01T09:00:00Z", "author_id": 900, "events": [
                {"id": 11, "type": "Comment", "author_id": 900, "public": true, "body": "My invoice is wrong"},
                {"id": 12, "type": "Create", "field_name": "status", "value": "new"},
                {"id": 13, "type": "Create", "field_name": "assignee_id", "value": "111"},
                {"id": 14, "type": "Notification", "subject": "Received", "recipients": [900]}]},
              {"id": 2, "ticket_id": 7, "created_at": "2026-02-01T10:00:00Z", "author_id": 111, "events": [
                {"id": 21, "type": "Comment", "public": false, "body": "checking with billing"},
                {"id": 22, "type": "Change", "field_name": "status", "value": "solved", "previous_value": "new"}]},
              {"id": 3, "ticket_id": 7, "created_at": "2026-02-03T08:00:00Z", "author_id": 900, "events": [
                {"id": 31, "type": "Change", "field_name": "status", "value": "open", "previous_value": "solved"}]},
              {"id": 4, "ticket_id": 7, "created_at": "2026-02-03T09:00:00Z", "author_id": 111, "events": [
                {"id": 41, "type": "Change", "field_name": "assignee_id", "value": 222, "previous_value": 111},
                {"id": 42, "type": "Change", "field_name": "priority", "value": "high", "previous_value": "normal"}]},
              {"id": 5, "ticket_id": 7, "created_at": "2026-02-04T09:00:00Z", "author_id": 222, "events": [
                {"id": 51, "type": "Comment", "public": true, "body": "Fixed; credited."},
                {"id": 52, "type": "Change", "field_name": "status", "value": "closed", "previous_value": "open"}]},
              {"id": 6, "ticket_id": 7, "created_at": "2026-02-04T10:00:00Z", "author_id": 222, "events": []},
              {"id": 7, "ticket_id": 7, "created_at": "2026-02-04T11:00:00Z", "author_id": 222, "events": "garbled"}
            ], "next_page": null, "count": 7}
            """
        TestSupport.write(audits, to: directory + "/audits/audits_2026-02-04.json")
        // The same story as Zendesk's incremental ticket event export tells it: child_events
        // with the field as key, epoch seconds, the actor in updater_id.
        TestSupport.write("""
            {"ticket_events": [
              {"id": 901, "ticket_id": 55, "timestamp": 1769936400, "created_at": "2026-02-01T09:00:00Z", "updater_id": 900,
               "via": "Mail", "event_type": "Audit", "child_events": [
                {"id": 9011, "via": "Mail", "via_reference_id": null, "comment_present": true, "comment_public": true, "event_type": "Comment"},
                {"id": 9012, "via": "Mail", "via_reference_id": null, "status": "new", "event_type": "Create"},
                {"id": 9013, "via": "Mail", "via_reference_id": null, "assignee_id": 111, "event_type": "Create"}]},
              {"id": 902, "ticket_id": 55, "timestamp": 1769940000, "updater_id": 111, "via": "Web form", "event_type": "Audit", "child_events": [
                {"id": 9021, "comment_present": true, "comment_public": false, "event_type": "Comment"},
                {"id": 9022, "status": "solved", "previous_value": "new", "event_type": "Change"}]},
              {"id": 903, "ticket_id": 55, "timestamp": 1770105600, "updater_id": 900, "via": "Mail", "event_type": "Audit", "child_events": [
                {"id": 9031, "status": "open", "previous_value": "solved", "event_type": "Change"}]},
              {"id": 904, "ticket_id": 55, "timestamp": 1770109200, "updater_id": 111, "via": "Web form", "event_type": "Audit", "child_events": [
                {"id": 9041, "assignee_id": 222, "previous_value": 111, "event_type": "Change"},
                {"id": 9042, "priority": "high", "previous_value": "normal", "event_type": "Change"}]}
            ], "next_page": null, "end_of_stream": true, "end_time": 1770109200, "count": 4}
            """, to: directory + "/incremental/ticket_events_2026-02-03.json")
        let fixtures = TestSupport.fixtures + "/tickets/"
        for name in ["go-zendesk_GET_ticket_audits.json", "zendesk_api_client_rb_ticket_1_audits.json"] {
            TestSupport.write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures + name))), to: directory + "/real/" + name)
        }
        TestSupport.write("""
            warehouse: w.sqlite
            reject_threshold: 0.5
            sources:
              audits: {kind: ticket_events, format: zendesk_json, inbox: audits/*.json, partition: none, ticket_id_prefix: zd-}
              real: {kind: ticket_events, format: zendesk_json, inbox: real/*.json, partition: none}
              incremental: {kind: ticket_events, format: zendesk_json, inbox: incremental/*.json, partition: none}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        _ = try run(config, steps: [.extract, .normalize, .load])
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
        let database = try Database(path: config.warehouse, readOnly: true)
        let events = try database.query(
            "SELECT occurred_at, event, coalesce(actor_id, '-') FROM fact_ticket_event WHERE source = 'audits' ORDER BY occurred_at, event") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "")"
        }
        XCTAssertEqual(events, [
            // 900 created the ticket, so 900 is its requester: their comment is the customer's.
            "2026-02-01T09:00:00Z assigned 111", "2026-02-01T09:00:00Z created 900", "2026-02-01T09:00:00Z customer_message 900",
            "2026-02-01T09:00:00Z other 900", "2026-02-01T10:00:00Z internal_note 111", "2026-02-01T10:00:00Z solved 111",
            "2026-02-03T08:00:00Z reopened 900", "2026-02-03T09:00:00Z other 111", "2026-02-03T09:00:00Z reassigned 222",
            "2026-02-04T09:00:00Z agent_message 222", "2026-02-04T09:00:00Z closed 222",
        ])
        XCTAssertEqual(Set(try database.query("SELECT DISTINCT event FROM fact_ticket_event") { $0.text(0) ?? "" })
            .subtracting(TicketEvent.allCases.map(\.rawValue)), [], "every event is a TicketEvent word")
        XCTAssertEqual(try database.query("SELECT DISTINCT ticket_id FROM fact_ticket_event WHERE source = 'audits'") { $0.text(0) ?? "" }, ["zd-7"],
                       "the source's ticket_id_prefix applies to the tickets its audits name")
        let incremental = try database.query(
            "SELECT ticket_id, occurred_at, event, coalesce(actor_id, '-') FROM fact_ticket_event WHERE source = 'incremental' ORDER BY occurred_at, event") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "") \($0.text(3) ?? "")"
        }
        XCTAssertEqual(incremental, [
            "55 2026-02-01T09:00:00Z assigned 111", "55 2026-02-01T09:00:00Z created 900", "55 2026-02-01T09:00:00Z customer_message 900",
            "55 2026-02-01T10:00:00Z internal_note 111", "55 2026-02-01T10:00:00Z solved 111", "55 2026-02-03T08:00:00Z reopened 900",
            "55 2026-02-03T09:00:00Z other 111", "55 2026-02-03T09:00:00Z reassigned 222",
        ], "the incremental export's child events read as the audits API's events")
        let rejects = try database.query("SELECT record_no, field, reason FROM etl_reject WHERE source = 'audits' ORDER BY record_no") {
            "\($0.int(0)) \($0.text(1) ?? ""): \($0.text(2) ?? "")"
        }
        XCTAssertEqual(rejects.count, 2, "\(rejects)")
        XCTAssertTrue(rejects.first?.contains("events: the audit holds no events") ?? false, "\(rejects)")
        XCTAssertTrue(rejects.last?.contains("events: the audit's events are not a JSON array") ?? false, "\(rejects)")

        // The real exports: one fact per distinct (ticket, time, event, actor) their audits hold.
        var expected: Set<String> = []
        for name in ["go-zendesk_GET_ticket_audits.json", "zendesk_api_client_rb_ticket_1_audits.json"] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixtures + name))) as? [String: Any]
            var requester: String? = nil
            for audit in json?["audits"] as? [[String: Any]] ?? [] {
                let parsed = try XCTUnwrap(AuditNormalizer.events(audit["events"] as Any, author: (audit["author_id"] as? NSNumber)?.stringValue,
                                                                  requester: &requester))
                let prefix = "\((audit["ticket_id"] as? NSNumber)?.stringValue ?? "")|\(audit["created_at"] as? String ?? "")|"
                for event in parsed { expected.insert(prefix + event.event.rawValue + "|" + (event.actor ?? "")) }
            }
        }
        let loaded = try database.query("SELECT ticket_id, occurred_at, event, coalesce(actor_id, '') FROM fact_ticket_event WHERE source = 'real'") {
            "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.text(2) ?? "")|\($0.text(3) ?? "")"
        }
        XCTAssertEqual(Set(loaded), expected)
        XCTAssertEqual(loaded.count, expected.count)
        XCTAssertEqual(loaded.filter { $0.contains("|created|") }.count, 1)
        XCTAssertEqual(loaded.filter { $0.contains("|assigned|") }.count, 1)
        XCTAssertGreaterThan(loaded.filter { $0.contains("|internal_note|") }.count, 0)
        // Public comments in zendesk_api_client_rb_ticket_1_audits.json (counted in the file):
        // 2 by the requester its Create event names (20014182), 18 by 20014187.
        XCTAssertEqual(loaded.filter { $0.contains("|customer_message|20014182") }.count, 2)
        XCTAssertEqual(loaded.filter { $0.contains("|agent_message|20014187") }.count, 18)
        let before = try WarehouseDump.dump(config.warehouse, tables: ["fact_ticket_event"])
        _ = try run(config, steps: [.extract, .normalize, .load])
        XCTAssertEqual(try WarehouseDump.dump(config.warehouse, tables: ["fact_ticket_event"]), before)
    }
}

extension RunnerTests {
    /// Generated dirt is found exactly: the planted rows and no others are rejected, at the
    /// stage that should catch them; duplicates collapse; unknown agents are flagged.
    func testGeneratedDirtIsRejectedExactly() throws {
        let directory = TestSupport.temporaryDirectory()
        let settings = GeneratorSettings(outDir: directory, teams: 6, tickets: 3000, months: 2, seed: 3, agentsPerTeam: 4, dirt: 0.02)
        let truth = try Generator(settings: settings).run()
        XCTAssertGreaterThan(truth.dirtyBadDates * truth.dirtyRaggedRows * truth.dirtyInvalidBytes * truth.dirtyDuplicates * truth.dirtyUnknownAgents, 0,
                             "every kind of dirt is planted at least once")
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        XCTAssertEqual(try run(config).exitCode, 0, "2% dirt is under the 5% threshold; warnings do not fail the run")
        let database = try Database(path: config.warehouse, readOnly: true)
        let rejects = try database.query("SELECT stage, count(*) FROM etl_reject WHERE source = 'tickets' GROUP BY stage ORDER BY stage") {
            "\($0.text(0) ?? "") \($0.int(1))"
        }
        XCTAssertEqual(rejects, ["extract \(truth.dirtyRaggedRows + truth.dirtyInvalidBytes)", "normalize \(truth.dirtyBadDates)"])
        XCTAssertEqual(try database.count("SELECT count(*) FROM etl_reject WHERE source <> 'tickets'"), 0)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket"), truth.tickets - truth.dirtyRejected,
                       "every clean ticket once, duplicates collapsed")
        XCTAssertEqual(try database.count("SELECT failing_rows FROM etl_check WHERE name = 'first_assignee_resolves_to_employee'"),
                       truth.dirtyUnknownAgents)
        try assertEveryRawRecordIsAccountedFor(config.warehouse)
    }
}

extension RunnerTests {
    /// REPEAT measured in the warehouse (same customer and category within 7 days of the
    /// resolution) and its split by the teams' planted latent level.
    private func measuredRepeat(_ scenario: Scenario) throws -> (overall: Double, coincidence: Double, planted: Double, highTeams: Double, lowTeams: Double) {
        let directory = TestSupport.temporaryDirectory("repeat\(scenario.rawValue)")
        var settings = GeneratorSettings(outDir: directory, teams: 20, tickets: 30_000, months: 3, seed: 11, scenario: scenario, agentsPerTeam: 6)
        // The planted effect alone: no team level of its own (with 20 teams an SD 0.3 level
        // alone would part high and low teams by chance).
        settings.teamOutcomeSD = 0
        let counts = try Generator(settings: settings).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        _ = try run(config, steps: [.extract, .normalize, .load])
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json"))) as? [String: Any]
        let latent = truth?["team_latent"] as? [Double] ?? []
        let database = try Database(path: config.warehouse)
        try database.execute("CREATE INDEX IF NOT EXISTS test_repeat ON fact_ticket (customer_id, category, created_at)")
        let cutoff = try database.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(created_at), '-7 days') FROM fact_ticket").stringValue ?? ""
        let rows = try database.query("""
            SELECT a.team_id, EXISTS (SELECT 1 FROM fact_ticket b WHERE b.customer_id = a.customer_id AND b.category = a.category
                                      AND b.created_at > a.resolved_at
                                      AND b.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', a.resolved_at, '+7 days'))
            FROM fact_ticket a WHERE a.resolved_at IS NOT NULL AND a.resolved_at <= ? AND a.team_id IS NOT NULL
            """, [.text(cutoff)]) { ($0.text(0) ?? "", $0.int(1)) }
        // Contacts in another category in the same window: coincidence only (follow-ups keep
        // their category), spread over the three other categories.
        let otherCategory = try database.scalar("""
            SELECT avg(EXISTS (SELECT 1 FROM fact_ticket b WHERE b.customer_id = a.customer_id AND b.category <> a.category
                               AND b.created_at > a.resolved_at
                               AND b.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', a.resolved_at, '+7 days')))
            FROM fact_ticket a WHERE a.resolved_at IS NOT NULL AND a.resolved_at <= ? AND a.team_id IS NOT NULL
            """, [.text(cutoff)]).doubleValue ?? 0
        func rate(_ keep: (Double) -> Bool) -> Double {
            let chosen = rows.filter { row in Int(row.0.dropFirst(8)).map { keep(latent[$0 - 1]) } ?? false }
            return Double(chosen.reduce(0) { $0 + $1.1 }) / Double(max(chosen.count, 1))
        }
        return (rate { _ in true }, otherCategory / 3, Double(counts.repeatTickets) / Double(counts.resolved), rate { $0 > 0.5 }, rate { $0 < -0.5 })
    }

    func testThePlantedRepeatRateAndTeamEffectReachTheWarehouse() throws {
        let strong = try measuredRepeat(.strong)
        XCTAssertEqual(strong.overall - strong.coincidence, strong.planted, accuracy: 0.015,
                       "measured REPEAT less coincidence ≈ planted (\(strong.overall) - \(strong.coincidence) vs \(strong.planted))")
        XCTAssertLessThan(strong.highTeams, strong.lowTeams - 0.015,
                          "strong scenario: teams with high latent ambassadorship see fewer repeats (\(strong.highTeams) vs \(strong.lowTeams))")
        let null = try measuredRepeat(.null)
        XCTAssertEqual(null.overall - null.coincidence, null.planted, accuracy: 0.015)
        XCTAssertEqual(null.highTeams, null.lowTeams, accuracy: 0.015, "null scenario: no planted difference between teams")
    }
}

extension RunnerTests {
    /// The same organisation with its tickets written as Zendesk incremental-export JSON pages
    /// (the boundary ticket on two pages) or a ServiceNow XML unload (integer state and
    /// priority codes, naive timestamps, an attachment record to skip) instead of CSV: the
    /// warehouse holds the same tickets, attributed to the same people and teams, with the
    /// same outcomes.
    /// Freshdesk API pages (integer status, priority and source codes) likewise.
    /// Rosters as a Workday report or a BambooHR custom report give the same employee history
    /// as the CSV snapshots; CSAT as Qualtrics XML the same answers as Qualtrics CSV; customer
    /// events as JSON Lines the same events as the CSV feed.
    func testVendorFormatsLoadTheSameFactsAsTheCSVExports() throws {
        var facts: [String: [String]] = [:], employees: [String: [String]] = [:]
        var answers: [String: [String]] = [:], events: [String: [String]] = [:]
        for (format, roster) in [(TicketFormat.csv, RosterFormat.csv), (.zendeskJSON, .csv), (.serviceNowXML, .workdayXML),
                                 (.freshdeskJSON, .bambooHRJSON)] {
            let directory = TestSupport.temporaryDirectory("tickets-\(format.rawValue)")
            var settings = GeneratorSettings(outDir: directory, teams: 6, tickets: 3_000, months: 3, seed: 12)
            settings.ticketFormat = format
            settings.rosterFormat = roster
            if format == .freshdeskJSON {
                settings.csatFormat = .qualtricsXML
                settings.eventsFormat = .jsonl
            }
            let counts = try Generator(settings: settings).run()
            if format == .zendeskJSON {
                let pages = try FileManager.default.contentsOfDirectory(atPath: directory + "/tickets").filter { $0.hasSuffix(".json") }
                XCTAssertEqual(pages.count, counts.ticketFiles)
                XCTAssertGreaterThan(pages.count, 3, "a month spans two pages, so one ticket is on both")
            }
            let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
            XCTAssertEqual(try run(config).exitCode, 0)
            let database = try Database(path: config.warehouse, readOnly: true)
            facts[format.rawValue] = try database.query("""
                SELECT ltrim(replace(t.ticket_id, 'INC', ''), '0'), t.customer_id, t.created_at, t.updated_at, t.resolved_at,
                       CASE WHEN t.status IN ('resolved', 'closed') THEN 'solved' ELSE t.status END, replace(t.priority, 'medium', 'normal'),
                       replace(replace(t.channel, 'voice', 'phone'), 'portal', 'web'), lower(t.category), t.first_assignee_employee_id, t.resolver_employee_id, t.team_id,
                       t.reassignments, t.reopens, t.escalated, o.repeat, o.churn
                FROM fact_ticket t LEFT JOIN fact_ticket_outcome o ON o.ticket_id = t.ticket_id ORDER BY 1
                """) { row in (0..<17).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|") }
            XCTAssertEqual(facts[format.rawValue]?.count, counts.tickets)
            employees[format.rawValue] = try database.query("""
                SELECT employee_id, name, email, team_id, manager_id, role, location, hire_date, termination_date, status, valid_from,
                       valid_to, is_current FROM dim_employee ORDER BY employee_id, valid_from
                """) { row in (0..<13).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|") }
            // Qualtrics XML names items by question id (QID1…), the CSV by export tag (Q1…).
            answers[format.rawValue] = try database.query("""
                SELECT r.response_id, r.respondent_id, r.ticket_id, r.submitted_at, replace(a.item, 'QID', 'Q'), a.numeric_value, a.answered
                FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
                WHERE r.source = 'csat' ORDER BY 1, 5
                """) { row in (0..<7).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|") }
            events[format.rawValue] = try database.query("""
                SELECT customer_id, event, substr(occurred_at, 1, 10), amount FROM fact_customer_event ORDER BY 1, 2, 3, 4
                """) { row in (0..<4).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|") }
        }
        XCTAssertEqual(employees["freshdesk_json"], employees["csv"], "the BambooHR roster gives the same history")
        XCTAssertEqual(facts["freshdesk_json"], facts["csv"])
        XCTAssertGreaterThan(answers["csv"]?.count ?? 0, 1000)
        XCTAssertEqual(answers["freshdesk_json"], answers["csv"], "Qualtrics XML gives the same CSAT answers as Qualtrics CSV")
        XCTAssertGreaterThan(events["csv"]?.count ?? 0, 50)
        XCTAssertEqual(events["freshdesk_json"], events["csv"], "JSON Lines gives the same customer events as the CSV feed")
        XCTAssertEqual(employees["servicenow_xml"], employees["csv"], "the Workday roster gives the same history")
        XCTAssertGreaterThan(employees["csv"]?.count ?? 0, 50)
        XCTAssertEqual(facts["zendesk_json"], facts["csv"])
        XCTAssertEqual(facts["servicenow_xml"], facts["csv"])
        XCTAssertTrue(facts["csv"]?.contains { $0.contains("|solved|") && !$0.contains("|∅|∅|∅|") } ?? false)
    }
}
