import AmbassadorCore
import TestSupport
import Warehouse
import XCTest
@testable import Load

/// Tickets from staged rows into `fact_ticket`: the latest version wins, a corrected
/// re-export replaces exactly its predecessor's tickets, two systems never overwrite each
/// other's tickets.
final class TicketMergeTests: XCTestCase {
    func testTheLatestVersionWinsWhateverTheFileOrder() throws {
        let harness = try StageHarness.load()
        try harness.stageTickets("tickets/a.csv", ["7,2026-01-01T10:00:00Z,2026-01-02T10:00:00Z,open"])
        try harness.stageTickets("tickets/b.csv", ["7,2026-01-01T10:00:00Z,2026-01-05T10:00:00Z,solved",
                                                   "7,2026-01-01T10:00:00Z,2026-01-04T10:00:00Z,pending"])
        try harness.runLoad()
        try harness.stageTickets("tickets/c_late_but_older.csv", ["7,2026-01-01T10:00:00Z,2026-01-03T10:00:00Z,pending"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT status, updated_at FROM fact_ticket"), ["solved|2026-01-05T10:00:00Z"])
    }

    /// A corrected re-export takes back every ticket its predecessor brought — also one the
    /// correction no longer holds — and a ticket another loaded file still holds comes back
    /// from that file (staged again by normalize: a loaded file keeps no staged rows, only
    /// the list of tickets it holds).
    func testACorrectedReExportReplacesExactlyItsPredecessorsTickets() throws {
        let harness = try StageHarness.load()
        let other = try harness.stageTickets("tickets/other.csv", ["3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open"])
        let first = try harness.stageTickets("tickets/day.csv", ["1,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open",
                                                                 "2,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open",
                                                                 "3,2026-01-01T08:00:00Z,2026-01-01T12:00:00Z,solved"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, status FROM fact_ticket ORDER BY 1"), ["1|open", "2|open", "3|solved"])
        XCTAssertEqual(try harness.rows("SELECT count(*) FROM stg_ticket"), ["0"], "loaded files keep no staged rows")
        // Only ticket 3 is held twice; 1 and 2 are held once, by the file their fact rows name.
        XCTAssertEqual(try harness.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file ORDER BY 1, 2"),
                       ["3|\(other)|1", "3|\(first)|1"])
        XCTAssertEqual(try Lineage.filesHolding(ticket: "1", database: harness.database).map { "\($0.file) \($0.records)" }, ["\(first) 1"])
        XCTAssertEqual(try Lineage.filesHolding(ticket: "3", database: harness.database).map { "\($0.file) \($0.records)" },
                       ["\(other) 1", "\(first) 1"])
        let corrected = try harness.stageTickets("tickets/day.csv (corrected)", ["1,2026-01-01T10:00:00Z,2026-01-01T11:30:00Z,solved"], supersedes: first)
        try harness.stageTickets(file: other, ["3,2026-01-01T08:00:00Z,2026-01-01T09:00:00Z,open"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT count(*) FROM stg_ticket"), ["0"], "the given-back rows go too")
        XCTAssertEqual(try harness.rows("SELECT ticket_id, status FROM fact_ticket ORDER BY 1"), ["1|solved", "3|open"],
                       "ticket 2 left with its file; ticket 3 is the other file's version again")
        XCTAssertEqual(try Lineage.filesHolding(ticket: "1", database: harness.database).map(\.file), [corrected],
                       "the correction holds ticket 1 now")
    }

    /// `checkHolders` calls a file fresh — PostgreSQL then inserts its tickets without the
    /// upsert's conflict handling — only when none of its tickets is in the facts (held by
    /// another file, or by itself, as when a backfill merges a file again) and none is in two
    /// of its records.
    func testAFileIsFreshOnlyWhenNoneOfItsTicketsIsHeldOrRepeated() throws {
        let harness = try StageHarness.load()
        func fresh(_ file: Int64) throws -> Bool {
            try TicketMerge.checkHolders(fileID: file, runID: harness.runID, database: harness.database).fresh
        }
        let rowsOfA = ["1,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open", "2,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open"]
        let a = try harness.stageTickets("tickets/a.csv", rowsOfA)
        XCTAssertTrue(try fresh(a), "nothing is held yet")
        try harness.runLoad()
        let repeated = try harness.stageTickets("tickets/b.csv", ["3,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open",
                                                                  "3,2026-01-02T10:00:00Z,2026-01-02T12:00:00Z,solved"])
        XCTAssertFalse(try fresh(repeated), "ticket 3 is in two of its records")
        let held = try harness.stageTickets("tickets/c.csv", ["2,2026-01-01T10:00:00Z,2026-01-03T11:00:00Z,solved",
                                                              "4,2026-01-03T10:00:00Z,2026-01-03T11:00:00Z,open"])
        XCTAssertFalse(try fresh(held), "ticket 2 is a.csv's")
        let new = try harness.stageTickets("tickets/d.csv", ["5,2026-01-04T10:00:00Z,2026-01-04T11:00:00Z,open"])
        XCTAssertTrue(try fresh(new))
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, status, _file_id FROM fact_ticket ORDER BY 1"),
                       ["1|open|\(a)", "2|solved|\(held)", "3|solved|\(repeated)", "4|open|\(held)", "5|open|\(new)"])
        // d.csv read again (a backfill: the same file, staged anew) holds its own ticket.
        try harness.database.run("UPDATE etl_source_file SET status = 'normalized' WHERE file_id = ?", [.integer(new)])
        try harness.stageTickets(file: new, ["5,2026-01-04T10:00:00Z,2026-01-04T11:30:00Z,pending"])
        XCTAssertFalse(try fresh(new), "a file merged again over its own rows")
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT status FROM fact_ticket WHERE ticket_id = '5'"), ["pending"])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file ORDER BY 1, 2"),
                       ["2|\(a)|1", "2|\(held)|1", "3|\(repeated)|2"], "a file holding its own ticket once is not listed")
    }

    /// With normalize's note that a file's ids are distinct, one probe of the facts' key between
    /// its lowest and highest id decides: none there — fresh, with no grouped pass (nothing is
    /// listed, here even for the repeat the note wrongly denies, which shows the pass was
    /// skipped); an id of the facts in the span — the grouped pass, as without the note.
    func testNormalizesNoteOfDistinctIDsSparesTheGroupedPassOnlyWhenNoFactIsInTheirSpan() throws {
        let harness = try StageHarness.load()
        func note(_ file: Int64, _ lowest: String, _ highest: String) throws {
            try FileMetadata(harness.database).set(file, TicketMerge.distinctIDsLowest, lowest)
            try FileMetadata(harness.database).set(file, TicketMerge.distinctIDsHighest, highest)
        }
        func check(_ file: Int64) throws -> Bool {
            try TicketMerge.checkHolders(fileID: file, runID: harness.runID, database: harness.database).fresh
        }
        let a = try harness.stageTickets("tickets/a.csv", ["20,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open",
                                                           "29,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open"])
        try note(a, "20", "29")
        XCTAssertTrue(try check(a))
        try harness.runLoad()
        let b = try harness.stageTickets("tickets/b.csv", ["30,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open",
                                                           "30,2026-01-02T10:00:00Z,2026-01-02T12:00:00Z,solved"])
        try note(b, "30", "30")
        XCTAssertTrue(try check(b), "no fact between 30 and 30")
        XCTAssertEqual(try harness.rows("SELECT count(*) FROM etl_ticket_file"), ["0"], "the grouped pass did not run")
        try harness.runLoad()
        let c = try harness.stageTickets("tickets/c.csv", ["29,2026-01-01T10:00:00Z,2026-01-03T11:00:00Z,solved",
                                                           "31,2026-01-03T10:00:00Z,2026-01-03T11:00:00Z,open"])
        try note(c, "29", "31")
        XCTAssertFalse(try check(c), "29 and 30 are facts between 29 and 31: the grouped pass finds 29 held by a.csv")
        XCTAssertEqual(try harness.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file ORDER BY 1, 2"), ["29|\(a)|1", "29|\(c)|1"])
        // The rows normalize noted with the span are the rows load reports read, uncounted
        // (a number the staged rows deny shows which was taken).
        try FileMetadata(harness.database).set(c, TicketMerge.distinctIDsRows, "7")
        XCTAssertEqual(try harness.runLoad().first { $0.source == "tickets" }?.rowsRead, 7)
        XCTAssertEqual(try harness.rows("SELECT ticket_id, status, _file_id FROM fact_ticket ORDER BY 1"),
                       ["20|open|\(a)", "29|solved|\(c)", "30|solved|\(b)", "31|open|\(c)"])
    }

    /// `etl_ticket_file` lists a ticket only when it is held more than once: twice in one file
    /// (with how many records), or by several files (each of them) — whatever the order the
    /// files arrive in, and whichever version wins. `dim_customer` follows the facts as they
    /// are (a view), with no rebuild.
    func testOnlyTicketsHeldMoreThanOnceAreListedWithTheirFiles() throws {
        let harness = try StageHarness.load()
        let a = try harness.stageTickets("tickets/a.csv", ["1,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open",
                                                           "2,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open",
                                                           "2,2026-01-01T10:00:00Z,2026-01-01T12:00:00Z,solved"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file ORDER BY 1, 2"), ["2|\(a)|2"])
        // b: an older version of 1 (loses), a newer one of 4; c: 4 again (wins) and 5.
        let b = try harness.stageTickets("tickets/b.csv", ["1,2026-01-01T10:00:00Z,2026-01-01T10:30:00Z,open",
                                                           "4,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open"])
        let c = try harness.stageTickets("tickets/c.csv", ["4,2026-01-02T10:00:00Z,2026-01-03T11:00:00Z,solved",
                                                           "5,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,open"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file ORDER BY 1, 2"),
                       ["1|\(a)|1", "1|\(b)|1", "2|\(a)|2", "4|\(b)|1", "4|\(c)|1"])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, _file_id FROM fact_ticket ORDER BY 1"),
                       ["1|\(a)", "2|\(a)", "4|\(c)", "5|\(c)"], "the latest version wins")
        for (ticket, holders) in [("1", ["\(a) 1", "\(b) 1"]), ("2", ["\(a) 2"]), ("4", ["\(b) 1", "\(c) 1"]), ("5", ["\(c) 1"])] {
            XCTAssertEqual(try Lineage.filesHolding(ticket: ticket, database: harness.database).map { "\($0.file) \($0.records)" }, holders, ticket)
        }
        try harness.database.run("UPDATE fact_ticket SET customer_id = 'k' WHERE ticket_id IN ('1', '4')")
        XCTAssertEqual(try harness.rows("SELECT customer_id, first_ticket_at, tickets FROM dim_customer"), ["k|2026-01-01T10:00:00Z|2"])
    }

    /// Load maps the agents normalize listed for a file (`stg_ticket_agent`) — an agent it
    /// did not list is not looked up — and, for a file staged without the list (by an older
    /// version), the agents its staged rows name. Loaded files' lists go with their rows.
    func testAgentsAreMappedFromTheFilesListElseFromItsStagedRows() throws {
        let harness = try StageHarness.load()
        try harness.stageRoster("2025-12-31", ["E1,Ada,A,2025-06-01,101", "E2,Bo,B,2025-06-01,102"])
        let listed = try harness.stageTickets("tickets/a.csv", ["1,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,solved,101",
                                                                "2,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,solved,102"])
        try harness.database.run("INSERT INTO stg_ticket_agent (file_id, agent_id) VALUES (?, '101')", [.integer(listed)])
        try harness.stageTickets("tickets/b.csv", ["3,2026-01-02T10:00:00Z,2026-01-02T11:00:00Z,solved,102"])
        try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, first_assignee_employee_id, resolver_employee_id, team_id FROM fact_ticket ORDER BY 1"),
                       ["1|E1|E1|A", "2|∅|∅|∅", "3|E2|E2|B"])
        XCTAssertEqual(try harness.rows("SELECT count(*) FROM stg_ticket_agent"), ["0"])
    }

    func testTwoSourcesSharingATicketIDNeverOverwriteEachOther() throws {
        let harness = try StageHarness.load()
        harness.config.sources.append(SourceConfig(name: "desk", kind: .tickets, inbox: "/nowhere/desk/*.csv"))
        try harness.stageTickets("tickets/a.csv", ["1,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open"])
        try harness.runLoad()
        // Ticket 1 twice in the file, both records quarantined; ticket 2 twice, listed as held twice.
        let desk = try harness.stageTickets("desk/a.csv", ["1,2026-01-02T10:00:00Z,2026-01-09T11:00:00Z,solved",
                                                           "2,2026-01-02T10:00:00Z,2026-01-09T11:00:00Z,solved",
                                                           "1,2026-01-02T10:00:00Z,2026-01-10T11:00:00Z,closed",
                                                           "2,2026-01-02T10:00:00Z,2026-01-08T11:00:00Z,open"], source: "desk")
        let counts = try harness.runLoad()
        XCTAssertEqual(try harness.rows("SELECT ticket_id, source, status FROM fact_ticket ORDER BY 1"), ["1|tickets|open", "2|desk|solved"])
        XCTAssertEqual(try harness.rows("SELECT stage, source, record_no, field, raw_value FROM etl_reject ORDER BY record_no"),
                       ["load|desk|2|ticket_id|1", "load|desk|4|ticket_id|1"])
        let reason = try harness.rows("SELECT reason FROM etl_reject").joined()
        XCTAssertTrue(reason.contains("already in fact_ticket from source 'tickets' (tickets/a.csv, record 2)") && reason.contains("ticket_id_prefix"), reason)
        XCTAssertTrue(counts.contains { $0.source == "desk" && $0.dataFailure && $0.rowsRejected == 2 }, "\(counts)")
        XCTAssertEqual(try harness.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file"), ["2|\(desk)|2"],
                       "the quarantined ticket is not the file's; the one it holds twice is listed")
    }
}
