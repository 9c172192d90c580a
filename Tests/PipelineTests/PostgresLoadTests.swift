import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

extension PostgresRunTests {
    /// Two nights of a small organisation on both engines: a ticket a file holds twice, an
    /// event a file holds twice, a second ticket system whose id collides (quarantined at load),
    /// then a corrected re-export that drops tickets — one of them given back from the file
    /// that still holds it — and a roster that moves an agent. After each night the two
    /// engines hold the same dimensions, facts, ticket holders, checks and rejects.
    func testCorrectionsCollisionsAndRepeatedKeysLoadTheSameOnBothEngines() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        let tickets = "Ticket ID,Created At,Updated At,Status,Assignee ID\n"
        TestSupport.write("Employee ID,Name,Department,Agent\nE1,Ann,A,a1\nE2,Bob,B,b2\n", to: directory + "/hr/roster_2026-01-01.csv")
        TestSupport.write(tickets + "3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open,a1\n4,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open,b2\n",
                          to: directory + "/tickets/a_2026-01-01.csv")
        let day = directory + "/tickets/day_2026-01-02.csv"
        TestSupport.write(tickets + "1,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open,a1\n2,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open,b2\n"
                          + "3,2026-01-01T08:00:00Z,2026-01-02T12:00:00Z,solved,a1\n1,2026-01-02T10:00:00Z,2026-01-02T15:00:00Z,pending,b2\n"
                          + "2,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,solved,a1\n", to: day)
        TestSupport.write(tickets + "4,2026-01-03T08:00:00Z,2026-01-03T09:00:00Z,open,b2\n7,2026-01-03T08:00:00Z,2026-01-03T09:00:00Z,open,b2\n",
                          to: directory + "/other/o_2026-01-03.csv")
        let events = "Account ID,Event Type,Event Date,Amount\n"
        TestSupport.write(events + "C1,Renewed,2026-01-05,1200\nC2,Cancelled,2026-01-09,\nC1,Renewed,2026-01-05,1200\nC2,Cancelled,2026-01-09,\n",
                          to: directory + "/events/events_2026-01-31.csv")
        let (sqlite, postgres) = try bothEngines("""
            warehouse: w.sqlite
            sources:
              roster: {kind: hr_roster, inbox: hr/*.csv, fields: {team: Department, agent_ids: Agent}}
              tickets: {kind: tickets, inbox: tickets/*.csv}
              other: {kind: tickets, inbox: other/*.csv}
              events: {kind: customer_events, format: customer_events_csv, inbox: events/*.csv}
            """, in: directory, url: url)
        let steps: [PipelineStep] = [.extract, .normalize, .load]
        let rejects = "SELECT stage, source, record_no, field, raw_value, reason FROM etl_reject ORDER BY stage, source, record_no, reason"
        func lines(_ connection: any WarehouseConnection) throws -> [String] {
            try connection.rows(rejects, []) { row in (0..<6).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|") }
        }
        func night(_ name: String) throws -> [String: [String]] {
            let left = try run(sqlite, steps), right = try run(postgres, steps)
            XCTAssertEqual(right.exitCode, left.exitCode, name)
            let database = try Database(path: sqlite.warehouse, readOnly: true)
            var dump = try WarehouseDump.dump(database)
            var other = try WarehouseDump.dump(pg)
            dump["etl_reject"] = try lines(database)
            other["etl_reject"] = try lines(pg)
            EngineComparison.assertSameTables(other, dump, name)
            return dump
        }
        func ticketHeads(_ dump: [String: [String]]) -> [String] {
            (dump["fact_ticket"] ?? []).map { $0.split(separator: "|", omittingEmptySubsequences: false).prefix(7).joined(separator: "|") }.sorted()
        }
        let first = try night("night 1")
        // Read off the files: ticket 1's later row (15:00, pending) wins within its file;
        // ticket 2's two rows tie on updated_at, so the later record (solved) wins; the other
        // system's ticket 4 is quarantined; the repeated events are one each.
        XCTAssertEqual(ticketHeads(first), [
            "1|tickets|∅|2026-01-02T10:00:00Z|2026-01-02T15:00:00Z|∅|pending", "2|tickets|∅|2026-01-02T10:00:00Z|2026-01-02T11:00:00Z|∅|solved",
            "3|tickets|∅|2026-01-01T08:00:00Z|2026-01-02T12:00:00Z|∅|solved", "4|tickets|∅|2026-01-01T08:00:00Z|2026-01-01T09:00:00Z|∅|open",
            "7|other|∅|2026-01-03T08:00:00Z|2026-01-03T09:00:00Z|∅|open",
        ])
        XCTAssertEqual(first["fact_customer_event"]?.count, 2)
        XCTAssertEqual(first["etl_reject"]?.filter { $0.hasPrefix("load|other|2|ticket_id|4|") }.count, 1, "\(first["etl_reject"] ?? [])")

        // Night 2: the day's correction drops tickets 2 and 3 (3 comes back from a_2026-01-01),
        // and a roster moves Ann to team B.
        TestSupport.write(tickets + "1,2026-01-02T10:00:00Z,2026-01-02T16:00:00Z,solved,a1\n", to: day)
        TestSupport.write("Employee ID,Name,Department,Agent\nE1,Ann,B,a1\nE2,Bob,B,b2\n", to: directory + "/hr/roster_2026-01-02.csv")
        let second = try night("night 2")
        XCTAssertEqual(ticketHeads(second), [
            "1|tickets|∅|2026-01-02T10:00:00Z|2026-01-02T16:00:00Z|∅|solved", "3|tickets|∅|2026-01-01T08:00:00Z|2026-01-01T09:00:00Z|∅|open",
            "4|tickets|∅|2026-01-01T08:00:00Z|2026-01-01T09:00:00Z|∅|open", "7|other|∅|2026-01-03T08:00:00Z|2026-01-03T09:00:00Z|∅|open",
        ])
        XCTAssertEqual(second["dim_employee"]?.count, 3, "Ann's move opens a second version")
    }
}

extension PostgresRunTests {
    /// Extract, normalize and load on the SQLite pipeline, then on the PostgreSQL one, each
    /// expected to succeed.
    func loadOnBoth(_ sqlite: PipelineConfig, _ postgres: PipelineConfig, line: UInt = #line) throws {
        for config in [sqlite, postgres] { XCTAssertEqual(try run(config, [.extract, .normalize, .load]).exitCode, 0, line: line) }
    }

    /// A corrected re-export that drops a ticket, arriving with a new file that holds an older
    /// version of it and is merged first: the ticket comes back with the new file's version
    /// (normalize could not give it back: the new file was not loaded yet). Both engines; on
    /// SQLite this lost the ticket — exit 0, one fact fewer — until load kept a file's staged
    /// rows while a correction waits after it.
    func testATicketTakenBackComesFromAFileMergedEarlierInTheSameRun() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        let header = "Ticket ID,Created At,Updated At,Status\n"
        let replaced = directory + "/tickets/b_2026-01-02.csv"
        TestSupport.write(header + "3,2026-01-01T08:00:00Z,2026-01-02T09:00:00Z,open\n4,2026-01-01T08:00:00Z,2026-01-02T09:00:00Z,open\n", to: replaced)
        let (sqlite, postgres) = try bothEngines("warehouse: w.sqlite\nsources:\n  tickets: {kind: tickets, inbox: tickets/*.csv}\n",
                                                 in: directory, url: url)
        let database = try Database(path: sqlite.warehouse)
        func tickets(_ connection: any WarehouseConnection) throws -> [String] {
            try connection.rows("SELECT ticket_id, status, _file_id FROM fact_ticket ORDER BY ticket_id", []) {
                "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.int64(2))"
            }
        }
        try loadOnBoth(sqlite, postgres)
        XCTAssertEqual(try tickets(database), ["3|open|1", "4|open|1"])
        // The re-export drops ticket 3 and solves 4; a new file, extracted and merged before
        // it (its name sorts first), holds an older version of 3.
        TestSupport.write(header + "4,2026-01-01T08:00:00Z,2026-01-02T10:00:00Z,solved\n", to: replaced)
        TestSupport.write(header + "3,2026-01-01T08:00:00Z,2026-01-01T12:00:00Z,pending\n", to: directory + "/tickets/a_2026-01-01.csv")
        try loadOnBoth(sqlite, postgres)
        for connection in [database, pg] as [any WarehouseConnection] {
            XCTAssertEqual(try connection.rows("SELECT file_id, path, status FROM etl_source_file ORDER BY file_id", []) {
                "\($0.int64(0))|\(($0.text(1) ?? "").split(separator: "/").suffix(2).joined(separator: "/"))|\($0.text(2) ?? "")"
            }, ["1|tickets/b_2026-01-02.csv|superseded", "2|tickets/a_2026-01-01.csv|loaded", "3|tickets/b_2026-01-02.csv|loaded"])
            XCTAssertEqual(try tickets(connection), ["3|pending|2", "4|solved|3"], "ticket 3 is a_2026-01-01.csv's version")
            XCTAssertEqual(try connection.count("SELECT count(*) FROM stg_ticket"), 0, "no staged ticket is left once load ends")
        }
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), try WarehouseDump.dump(database), "after the correction")
    }
}

extension PostgresRunTests {
    /// Cumulative survey exports (each day's file holds every response so far), then a
    /// corrected re-export of the later day that drops one response: that response comes
    /// back, with its answers, from the earlier day's file, which still holds it — as tickets
    /// and events come back. Both engines; the response was lost before.
    func testAResponseTakenBackComesFromTheFileThatStillHoldsIt() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        func export(_ rows: [String]) -> String {
            """
            ResponseId,RecordedDate,ExternalReference,Q1
            Response ID,Recorded Date,External Reference,How satisfied are you?
            {"ImportId":"_recordId"},{"ImportId":"recordedDate"},{"ImportId":"externalDataReference"},{"ImportId":"QID1"}
            \(rows.joined(separator: "\n"))

            """
        }
        TestSupport.write(export(["R_1,2026-03-01 10:00:00,T-1,4", "R_2,2026-03-01 11:00:00,T-2,2"]), to: directory + "/csat/csat_2026-03-01.csv")
        let later = directory + "/csat/csat_2026-03-02.csv"
        TestSupport.write(export(["R_1,2026-03-01 10:00:00,T-1,5", "R_2,2026-03-01 11:00:00,T-2,3", "R_3,2026-03-02 09:00:00,T-3,1"]), to: later)
        let (sqlite, postgres) = try bothEngines(
            "warehouse: w.sqlite\nsources:\n  csat: {kind: survey, respondent: customer, format: qualtrics_csv, inbox: csat/*.csv}\n",
            in: directory, url: url)
        let database = try Database(path: sqlite.warehouse)
        func responses(_ connection: any WarehouseConnection) throws -> [String] {
            try connection.rows("""
                SELECT r.response_id, r._file_id, a.item, a.numeric_value FROM fact_survey_response r
                LEFT JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id ORDER BY r.response_id, a.item
                """, []) { "\($0.text(0) ?? "")|\($0.int64(1))|\($0.text(2) ?? "∅")|\($0.double(3))" }
        }
        try loadOnBoth(sqlite, postgres)
        XCTAssertEqual(try responses(database), ["R_1|2|Q1|5.0", "R_2|2|Q1|3.0", "R_3|2|Q1|1.0"], "the later file's versions")
        // The later day is re-exported without R_2 (and with R_1 changed).
        TestSupport.write(export(["R_1,2026-03-01 10:00:00,T-1,4", "R_3,2026-03-02 09:00:00,T-3,1"]), to: later)
        try loadOnBoth(sqlite, postgres)
        for connection in [database, pg] as [any WarehouseConnection] {
            XCTAssertEqual(try responses(connection), ["R_1|3|Q1|4.0", "R_2|1|Q1|2.0", "R_3|3|Q1|1.0"],
                           "R_2 is the earlier file's version again, with its answer")
        }
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), try WarehouseDump.dump(database), "after the correction")
    }
}

extension PostgresRunTests {
    /// A roster snapshot that drops most of the workforce is held back at load on PostgreSQL
    /// (failed, with its note), `confirm` releases it under the schema's lock, and the next load
    /// counts it: the same history as on SQLite at each step.
    func testARosterDropIsHeldConfirmedAndLoadedOnBothEngines() throws {
        let (pg, url, drop) = try postgresSchema()
        defer { drop() }
        let directory = TestSupport.temporaryDirectory()
        let header = "Employee ID,Name,Department,Agent\n"
        let everyone = (1...10).map { "E\($0),Person \($0),A,a\($0)\n" }.joined()
        TestSupport.write(header + everyone, to: directory + "/hr/roster_2026-01-01.csv")
        // Six of the ten are missing from February's snapshot: 60% > the default 20%, and at least five.
        TestSupport.write(header + (1...4).map { "E\($0),Person \($0),A,a\($0)\n" }.joined(), to: directory + "/hr/roster_2026-02-01.csv")
        let (sqlite, postgres) = try bothEngines("""
            warehouse: w.sqlite
            sources:
              roster: {kind: hr_roster, inbox: hr/*.csv, fields: {team: Department, agent_ids: Agent}}
            """, in: directory, url: url)
        let steps: [PipelineStep] = [.extract, .normalize, .load]
        func held(_ connection: any WarehouseConnection) throws -> [String] {
            try connection.rows("""
                SELECT f.status, m.key FROM etl_source_file f JOIN etl_file_metadata m ON m.file_id = f.file_id
                WHERE m.key LIKE 'roster_drop%' ORDER BY f.path
                """, []) { "\($0.text(0) ?? "")|\($0.text(1) ?? "")" }
        }
        XCTAssertEqual(try run(sqlite, steps).exitCode, 65, "the held file is said")
        XCTAssertEqual(try run(postgres, steps).exitCode, 65)
        let database = try Database(path: sqlite.warehouse, readOnly: true)
        XCTAssertEqual(try held(pg), ["failed|roster_drop_held"])
        XCTAssertEqual(try held(pg), try held(database))
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), try WarehouseDump.dump(database), "held")
        XCTAssertEqual(try pg.count("SELECT count(*) FROM dim_employee WHERE is_current = 1 AND status = 'active'"), 10,
                       "January's ten stay current while February is held")

        // Confirmed on both, then loaded: the six leave.
        let february = directory + "/hr/roster_2026-02-01.csv"
        for config in [sqlite, postgres] {
            let said = try RosterConfirmation.confirm(config: config, path: february, now: "2026-11-22T01:00:00Z")
            XCTAssertTrue(said.contains("confirmed"), said)
            XCTAssertThrowsError(try RosterConfirmation.confirm(config: config, path: february, now: "2026-11-22T01:00:00Z"),
                                 "nothing of that path is held any more") { error in
                XCTAssertEqual((error as? PipelineError)?.exitCode, 64)
                XCTAssertFalse("\(error)".contains(URLComponents(string: url)?.password ?? "no password"), "\(error)")
            }
        }
        XCTAssertEqual(try held(pg), ["normalized|roster_drop_confirmed"])
        XCTAssertEqual(try run(sqlite, steps).exitCode, 0)
        XCTAssertEqual(try run(postgres, steps).exitCode, 0)
        EngineComparison.assertSameTables(try WarehouseDump.dump(pg), try WarehouseDump.dump(database), "confirmed")
        XCTAssertEqual(try pg.count("SELECT count(*) FROM dim_employee WHERE is_current = 1 AND status = 'left'"), 6)
    }
}
