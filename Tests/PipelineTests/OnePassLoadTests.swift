import AmbassadorCore
import Extract
import Foundation
import Generate
import Load
import Logging
import Normalize
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// On SQLite, normalize leaves a plain ticket file to load, which reads it from the archive
/// into `fact_ticket` in one pass (`TicketFactWriter`), and stages it as before only when it
/// cannot: a ticket of it is held already, or held twice in it; its rejects pass the
/// threshold; its bytes are not the registered ones. Whichever way, the warehouse must be the
/// one staging gives, row for row.
final class OnePassLoadTests: XCTestCase {
    /// Extracts, normalizes and loads `config`'s inboxes into a fresh warehouse by calling the
    /// three stage bodies, with ticket files read in one pass or all staged.
    private func load(_ config: PipelineConfig, onePass: Bool, name: String = #function) throws -> StageHarness {
        let harness = try StageHarness(name + (onePass ? "-one-pass" : "-staged"))
        harness.config = config
        var context = harness.context
        context.ticketsInOnePass = onePass
        _ = try ExtractStage.run(database: harness.database, context: context)
        _ = try NormalizeStage.run(database: harness.database, context: context)
        _ = try LoadStage.run(database: harness.database, context: context)
        return harness
    }

    /// The load's tables, the rejects (without their run) and each file's state and counts.
    private func dump(_ harness: StageHarness) throws -> [String: [String]] {
        var tables = try WarehouseDump.dump(harness.database)
        tables["etl_reject"] = try harness.rows("""
            SELECT f.path || '|' || r.stage || '|' || r.record_no || '|' || coalesce(r.field, '∅') || '|' || coalesce(r.raw_value, '∅') || '|' || r.reason
            FROM etl_reject r JOIN etl_source_file f ON f.file_id = r.file_id
            """).sorted()
        tables["etl_source_file"] = try harness.rows("""
            SELECT path || '|' || status || '|' || records || '|' || rejected || '|' || coalesce(error, '∅') FROM etl_source_file
            """).sorted()
        return tables
    }

    /// Ticket files load staged after normalize left them to it (it notes why).
    private func stagedTicketFiles(_ harness: StageHarness) throws -> Int {
        try harness.database.count("SELECT count(DISTINCT file_id) FROM etl_file_metadata WHERE key = ?", [.text(NormalizeStage.stagedAtLoad)])
    }

    func testGeneratedExportsLoadTheSameInOnePassAsStaged() throws {
        let directory = TestSupport.temporaryDirectory()
        let counts = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 3_000, months: 3, seed: 11)).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let ticketFiles = counts.ticketFiles
        let staged = try load(config, onePass: false)
        let onePass = try load(config, onePass: true)

        EngineComparison.assertSameTables(try dump(staged), try dump(onePass), "clean exports", names: ("staged", "one pass"))
        let facts = try onePass.database.count("SELECT count(*) FROM fact_ticket")
        XCTAssertEqual(facts, counts.tickets, "every generated ticket is a fact")
        XCTAssertGreaterThan(try onePass.database.count("SELECT count(*) FROM fact_ticket WHERE team_id IS NOT NULL"), facts / 2,
                             "tickets are attributed to teams")
        XCTAssertGreaterThan(ticketFiles, 1)
        XCTAssertEqual(try staged.database.count("SELECT count(DISTINCT file_id) FROM etl_file_metadata WHERE key = ?", [.text(TicketMerge.distinctIDsRows)]),
                       ticketFiles, "staging staged every ticket file (and noted its ids' span)")
        XCTAssertEqual(try onePass.database.count("SELECT count(*) FROM etl_file_metadata WHERE key LIKE 'ticket_ids/%'"), 0,
                       "no ticket file of fresh tickets was staged")
        XCTAssertEqual(try stagedTicketFiles(onePass), 0)
        XCTAssertEqual(try onePass.database.count("SELECT count(*) FROM stg_ticket"), 0)
        XCTAssertEqual(try onePass.database.count("SELECT count(*) FROM etl_file_metadata WHERE key = ?", [.text(NormalizeStage.leftToLoad)]), 0,
                       "no file is left marked")
    }

    /// Planted dirt — bad dates, ragged rows, bytes that are not UTF-8, a ticket twice in its
    /// file, unknown agents: the files with a ticket twice are staged, the others read in one
    /// pass, and the facts, rejects and holders are the ones staging gives.
    func testDirtyExportsLoadTheSameInOnePassAsStaged() throws {
        let directory = TestSupport.temporaryDirectory()
        let counts = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 3_000, months: 6, seed: 12, dirt: 0.003)).run()
        XCTAssertGreaterThan(counts.dirtyDuplicates, 0, "the seed plants a ticket twice")
        XCTAssertGreaterThan(counts.dirtyRejected, 0, "and rows to reject")
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let staged = try load(config, onePass: false)
        let onePass = try load(config, onePass: true)

        EngineComparison.assertSameTables(try dump(staged), try dump(onePass), "dirty exports", names: ("staged", "one pass"))
        XCTAssertEqual(try onePass.database.count("SELECT count(*) FROM etl_reject WHERE source = 'tickets'"), counts.dirtyRejected,
                       "each planted reject once, though a file staged after its one pass was read twice")
        XCTAssertGreaterThan(try onePass.database.count("SELECT count(*) FROM etl_ticket_file"), 0, "the tickets held twice are noted")
        let fellBack = try stagedTicketFiles(onePass)
        XCTAssertGreaterThan(fellBack, 0, "a file with a ticket twice is staged")
        XCTAssertLessThan(fellBack, counts.ticketFiles, "the others are read in one pass")
        XCTAssertEqual(try onePass.rows("SELECT DISTINCT substr(value, 1, instr(value, ':') - 1) FROM etl_file_metadata WHERE key = ?",
                                        [.text(NormalizeStage.stagedAtLoad)]).filter { !$0.hasPrefix("record ") }, [],
                       "each was staged for a ticket held already, at the record that says so")
    }

    /// A ticket file whose rejects pass the threshold fails at load with normalize's message,
    /// its rejects kept once and none of its rows in the facts; the next file loads.
    func testATicketFileOverTheRejectThresholdFailsAloneAtLoad() throws {
        let harness = try StageHarness()
        harness.config.rejectThreshold = 0.2
        harness.config.sources = [SourceConfig(name: "tickets", kind: .tickets, inbox: harness.directory + "/inbox/*.csv")]
        TestSupport.write("Ticket ID,Created At\n1,2026-01-02T10:00:00Z\n2,not a date\n3,2026-13-01T00:00:00Z\n4,2026-01-02T11:00:00Z\n",
                          to: harness.directory + "/inbox/tickets_2026-01-02.csv")
        TestSupport.write("Ticket ID,Created At\n5,2026-01-03T10:00:00Z\n6,2026-01-03T11:00:00Z\n", to: harness.directory + "/inbox/tickets_2026-01-03.csv")
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        let normalized = try XCTUnwrap(NormalizeStage.run(database: harness.database, context: harness.context).first)
        XCTAssertEqual(normalized.filesDone, 2, "both are left to load")
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM etl_reject"), 0, "no row is read before load")

        let loaded = try XCTUnwrap(LoadStage.run(database: harness.database, context: harness.context).first { $0.source == "tickets" })
        XCTAssertEqual(loaded.filesFailed, 1)
        XCTAssertEqual(loaded.filesDone, 1)
        XCTAssertTrue(loaded.dataFailure)
        XCTAssertTrue(loaded.messages.contains { $0.contains("tickets_2026-01-02.csv: 2 of 4 rows rejected") && $0.contains("reject threshold") },
                      "\(loaded.messages)")
        XCTAssertEqual(try harness.rows("SELECT status FROM etl_source_file ORDER BY file_id"), ["failed", "loaded"])
        XCTAssertEqual(try harness.rows("SELECT ticket_id FROM fact_ticket ORDER BY ticket_id"), ["5", "6"], "nothing of the failed file")
        XCTAssertEqual(try harness.rows("SELECT record_no || ' ' || field FROM etl_reject ORDER BY record_no"), ["3 created_at", "4 created_at"],
                       "its rejects once each (lines 3 and 4)")
    }

    /// A file naming more agents than SQLite lets one compound SELECT list (500) in its first
    /// rows is still read in one pass, and each of its agents is mapped to its employee.
    func testAFileOfManyNewAgentsIsReadInOnePass() throws {
        let harness = try StageHarness()
        harness.config.sources = [SourceConfig(name: "roster", kind: .hrRoster, inbox: harness.directory + "/hr/*.csv"),
                                  SourceConfig(name: "tickets", kind: .tickets, inbox: harness.directory + "/inbox/*.csv")]
        let agents = 1_200
        var roster = "Employee ID,Name,Team,Agent ID\n"
        var tickets = "Ticket ID,Created At,Solved At,Assignee ID\n"
        for agent in 0..<agents {
            roster += "E\(agent),Agent \(agent),T\(agent % 7),A\(agent)\n"
            tickets += "\(agent + 1),2026-01-02T10:00:00Z,2026-01-02T12:00:00Z,A\(agent)\n"
        }
        TestSupport.write(roster, to: harness.directory + "/hr/roster_2026-01-01.csv")
        TestSupport.write(tickets, to: harness.directory + "/inbox/tickets_2026-01-02.csv")
        for stage in [ExtractStage.run, NormalizeStage.run, LoadStage.run] { _ = try stage(harness.database, harness.context) }

        XCTAssertEqual(try stagedTicketFiles(harness), 0, "read in one pass, not staged after a failed one")
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM fact_ticket"), agents)
        // Ticket n+1 was resolved by agent An, employee En, of team T(n mod 7).
        XCTAssertEqual(try harness.database.count("""
            SELECT count(*) FROM fact_ticket WHERE resolver_employee_id = 'E' || (CAST(ticket_id AS INTEGER) - 1)
            """), agents, "every ticket's resolver is its agent's employee")
    }

    /// A file whose bytes are not the registered ones when load reads it (read from the inbox:
    /// not archived under pseudonymisation) fails alone at load, in normalize's words.
    func testAFileChangedBeforeLoadFailsAloneAndLoadsNothing() throws {
        let harness = try StageHarness()
        harness.config.privacy.pseudonymise = ["email"]
        harness.config.privacy.key = Array("a key of sixteen bytes or more".utf8)
        harness.config.sources = [SourceConfig(name: "tickets", kind: .tickets, inbox: harness.directory + "/inbox/*.csv")]
        let changed = harness.directory + "/inbox/tickets_2026-01-03.csv"
        TestSupport.write("Ticket ID,Created At\n7,2026-01-02T10:00:00Z\n", to: changed)
        TestSupport.write("Ticket ID,Created At\n9,2026-01-04T10:00:00Z\n", to: harness.directory + "/inbox/tickets_2026-01-04.csv")
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        _ = try NormalizeStage.run(database: harness.database, context: harness.context)
        TestSupport.write("Ticket ID,Created At\n8,2026-01-02T10:00:00Z\n", to: changed)

        let loaded = try XCTUnwrap(LoadStage.run(database: harness.database, context: harness.context).first { $0.source == "tickets" })
        XCTAssertEqual(loaded.filesFailed, 1)
        XCTAssertEqual(loaded.filesDone, 1)
        let error = try XCTUnwrap(try harness.rows("SELECT error FROM etl_source_file WHERE status = 'failed'").first)
        XCTAssertTrue(error.contains("tickets_2026-01-03.csv") && error.contains("not the file extract registered"), error)
        XCTAssertEqual(try harness.rows("SELECT ticket_id FROM fact_ticket"), ["9"], "nothing of the changed file, all of the other")
    }

    /// A file that repeats tickets already loaded (a re-export of the same tickets, updated) is
    /// staged and merged: the newer rows win, the older stay where they are newer, and both
    /// files are noted as holding them.
    func testAFileOfTicketsLoadedAlreadyIsMergedByUpdatedAt() throws {
        let harness = try StageHarness()
        harness.config.sources = [SourceConfig(name: "tickets", kind: .tickets, inbox: harness.directory + "/inbox/*.csv")]
        TestSupport.write("Ticket ID,Created At,Updated At,Status\n1,2026-01-02T10:00:00Z,2026-01-02T10:00:00Z,open\n2,2026-01-02T11:00:00Z,2026-01-05T00:00:00Z,solved\n",
                          to: harness.directory + "/inbox/tickets_2026-01-02.csv")
        for stage in [ExtractStage.run, NormalizeStage.run, LoadStage.run] { _ = try stage(harness.database, harness.context) }
        TestSupport.write("Ticket ID,Created At,Updated At,Status\n1,2026-01-02T10:00:00Z,2026-01-03T00:00:00Z,solved\n2,2026-01-02T11:00:00Z,2026-01-04T00:00:00Z,open\n3,2026-01-03T09:00:00Z,2026-01-03T09:00:00Z,new\n",
                          to: harness.directory + "/inbox/tickets_2026-01-03.csv")
        try harness.newRun()
        for stage in [ExtractStage.run, NormalizeStage.run, LoadStage.run] { _ = try stage(harness.database, harness.context) }

        XCTAssertEqual(try harness.rows("SELECT ticket_id || ' ' || status || ' ' || updated_at FROM fact_ticket ORDER BY ticket_id"),
                       ["1 solved 2026-01-03T00:00:00Z", "2 solved 2026-01-05T00:00:00Z", "3 new 2026-01-03T09:00:00Z"])
        XCTAssertEqual(try harness.rows("SELECT ticket_id || ' ' || file_id FROM etl_ticket_file ORDER BY ticket_id, file_id"),
                       ["1 1", "1 2", "2 1", "2 2"])
        XCTAssertEqual(try stagedTicketFiles(harness), 1, "the first file was read in one pass, the second staged")
        XCTAssertEqual(try harness.rows("SELECT status FROM etl_source_file ORDER BY file_id"), ["loaded", "loaded"])
    }
}
