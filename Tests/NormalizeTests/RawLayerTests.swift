import AmbassadorCore
import Crypto
import Extract
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// The inbox file is the raw layer: extract registers and archives each accepted file, and
/// normalize reads the records of every normalized source (tickets, rosters, customer event
/// feeds record by record; surveys, ticket audits and Stripe events through their own
/// normalizers) from it in one streaming pass instead of copying them into `raw_<source>` first.
final class RawLayerTests: XCTestCase {
    /// Both ways of reading a file stage the same rows, reject the same records and note the
    /// same metadata: every real export of a normalized source (surveys, audits and Stripe
    /// events too) and a dirty generated ticket file, normalized once from the archived file and
    /// once from `raw_<source>` (`keep_raw: true`).
    func testReadingTheFileAgainStagesExactlyWhatRawRowsStage() throws {
        var cases: [Case] = try FixtureGoldenTests.fixtures
            .filter { $0.kind != .raw }
            .map { fixture in
                ((fixture.path as NSString).lastPathComponent,
                 try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestSupport.fixtures + "/" + fixture.path))), fixture.kind, fixture.format,
                 fixture.respondent)
            }
        XCTAssertTrue([SourceKind.survey, .ticketEvents, .customerEvents].allSatisfy { kind in cases.contains { $0.kind == kind } })
        // Rejected records of both stages: a short row, a bad date, a second row of one ticket.
        cases.append(("dirty_tickets.csv", Array("""
            Ticket ID,Created At,Status,Assignee ID,Priority
            1,2026-01-02T10:00:00Z,solved,a1,high
            2,not a date,open,a2,low
            3,2026-01-02T12:00:00Z,open
            4,"2026-01-02 13:00",pending,a1,"urgent"
            5,2026-01-02T14:00:00Z,closed,a3,normal,extra

            """.utf8), .tickets, .csv, nil))
        XCTAssertGreaterThanOrEqual(cases.count, 25)
        for item in cases {
            let streamed = try normalizedState(item, keepRaw: false)
            let stored = try normalizedState(item, keepRaw: true)
            XCTAssertEqual(streamed.state, stored.state, item.name)
            XCTAssertFalse(streamed.rawTable, "\(item.name): no record copied into raw_<source>")
            XCTAssertTrue(stored.rawTable, "\(item.name): keep_raw keeps them")
        }
    }

    /// What one normalize leaves: the file's fate, its rejects, its metadata (but the column
    /// list only a file read again has) and every staged row.
    typealias Case = (name: String, bytes: [UInt8], kind: SourceKind, format: SourceFormat?, respondent: Respondent?)

    private func normalizedState(_ item: Case, keepRaw: Bool) throws -> (state: [String], rawTable: Bool) {
        let harness = try StageHarness("raw-layer")
        let inbox = harness.directory + "/inbox/" + item.name
        TestSupport.write(item.bytes, to: inbox)
        var source = SourceConfig(name: "s", kind: item.kind, format: try item.format ?? SourceRegistry.detect(inbox),
                                  inbox: inbox, partition: item.kind == .hrRoster ? .runDate : .none)
        source.keepRaw = keepRaw
        source.respondent = item.respondent
        harness.config.sources = [source]
        harness.config.rejectThreshold = 1
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        _ = try NormalizeStage.run(database: harness.database, context: harness.stagedContext)
        let table = CanonicalEntity.forKind(item.kind)?.table ?? ""
        let columns = try harness.database.columns(of: table).joined(separator: ", ")
        var state = try harness.rows("SELECT status, records, rejected, coalesce(error, '') FROM etl_source_file")
        state += try harness.rows("SELECT stage, record_no, coalesce(field, ''), coalesce(raw_value, ''), reason FROM etl_reject ORDER BY stage, record_no, field")
        state += try harness.rows("SELECT key, value FROM etl_file_metadata WHERE key <> 'columns' ORDER BY key")
        state += try harness.rows("SELECT \(columns) FROM \(table) ORDER BY record_no")
        let answers = try harness.database.columns(of: "stg_survey_answer").joined(separator: ", ")
        state += try harness.rows("SELECT \(answers) FROM stg_survey_answer ORDER BY record_no, item")
        let events = try harness.database.columns(of: "stg_ticket_event").joined(separator: ", ")
        state += try harness.rows("SELECT \(events) FROM stg_ticket_event ORDER BY record_no, event_no")
        if try harness.database.count("SELECT count(*) FROM etl_source_file WHERE status = 'normalized'") == 1 {
            XCTAssertGreaterThan(try harness.database.count("SELECT count(*) FROM \(table)"), 0, "\(item.name): something staged")
        }
        return (state.map { $0.replacingOccurrences(of: harness.directory, with: "<test>") },
                try harness.database.tableExists("raw_s"))
    }

    /// The archive holds the accepted file under its SHA-256, and normalize reads it from
    /// there: the inbox may be cleaned between extract and normalize.
    func testTheArchivedFileIsReadWhenTheInboxWasCleaned() throws {
        let harness = try StageHarness()
        let text = "Ticket ID,Created At,Status\n7,2026-01-02T10:00:00Z,open\n8,2026-01-03T10:00:00Z,solved\n"
        let path = harness.directory + "/inbox/tickets_2026-01-03.csv"
        TestSupport.write(text, to: path)
        harness.config.sources = [harness.source("tickets", .tickets, folder: "inbox")]
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        let sha = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(try harness.rows("SELECT sha256 FROM etl_source_file"), [sha])
        let archived = harness.directory + "/archive/" + sha
        XCTAssertEqual(try String(contentsOfFile: archived, encoding: .utf8), text)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: archived)[.posixPermissions] as? Int), 0o600)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: harness.directory + "/archive")[.posixPermissions] as? Int), 0o700)
        XCTAssertEqual(try harness.rows("SELECT value FROM etl_file_metadata WHERE key = 'columns'"), [#"["Ticket ID","Created At","Status"]"#])
        try FileManager.default.removeItem(atPath: path)

        let counts = try NormalizeStage.run(database: harness.database, context: harness.stagedContext)
        XCTAssertEqual(counts.first?.rowsWritten, 2)
        XCTAssertEqual(try harness.rows("SELECT record_no, ticket_id, status FROM stg_ticket ORDER BY record_no"), ["2|7|open", "3|8|solved"])
        XCTAssertEqual(try harness.rows("SELECT status FROM etl_source_file"), ["normalized"])
    }

    /// An exporter that rewrites its file in place after extract (`curl -o` truncates the same
    /// inode) leaves the archived copy as it was: normalize reads the registered bytes.
    func testAFileRewrittenInPlaceAfterExtractIsReadAsRegistered() throws {
        let harness = try StageHarness()
        let path = harness.directory + "/inbox/tickets_2026-01-03.csv"
        TestSupport.write("Ticket ID,Created At\n7,2026-01-02T10:00:00Z\n", to: path)
        harness.config.sources = [harness.source("tickets", .tickets, folder: "inbox")]
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("Ticket ID,Created At\n8,2026-01-02T10:00:00Z\n".utf8))
        try handle.close()
        _ = try NormalizeStage.run(database: harness.database, context: harness.stagedContext)
        XCTAssertEqual(try harness.rows("SELECT ticket_id FROM stg_ticket"), ["7"])
    }

    /// A file read from the inbox (not archived: under pseudonymisation) that was rewritten
    /// after extract is not the registered file: normalize fails it alone, staging nothing of
    /// it, and says which bytes it expected; the other files go on.
    func testAFileChangedAfterExtractFailsAloneAndStagesNothing() throws {
        let harness = try StageHarness()
        harness.config.privacy.pseudonymise = ["email"]
        harness.config.privacy.key = Array("a key of sixteen bytes or more".utf8)
        let changed = harness.directory + "/inbox/tickets_2026-01-03.csv"
        TestSupport.write("Ticket ID,Created At\n7,2026-01-02T10:00:00Z\n", to: changed)
        TestSupport.write("Ticket ID,Created At\n9,2026-01-04T10:00:00Z\n", to: harness.directory + "/inbox/tickets_2026-01-04.csv")
        harness.config.sources = [harness.source("tickets", .tickets, folder: "inbox")]
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.directory + "/archive"))
        TestSupport.write("Ticket ID,Created At\n8,2026-01-02T10:00:00Z\n", to: changed)

        let counts = try XCTUnwrap(NormalizeStage.run(database: harness.database, context: harness.stagedContext).first)
        XCTAssertEqual(counts.filesFailed, 1)
        XCTAssertEqual(counts.filesDone, 1)
        XCTAssertTrue(counts.dataFailure)
        let error = try XCTUnwrap(try harness.rows("SELECT error FROM etl_source_file WHERE status = 'failed'").first)
        XCTAssertTrue(error.contains("tickets_2026-01-03.csv") && error.contains("not the file extract registered"), error)
        XCTAssertEqual(try harness.rows("SELECT ticket_id FROM stg_ticket"), ["9"], "nothing of the changed file, all of the other")
    }

    /// A JSON export may name a column first at a later record: the file's whole column list,
    /// kept by extract, maps it before the file is read again.
    func testAColumnFirstNamedAtALaterRecordIsMapped() throws {
        let harness = try StageHarness()
        harness.config.sources = [harness.source("tickets", .tickets, folder: "inbox", format: .json)]
        TestSupport.write("""
            {"tickets": [
              {"id": 1, "created_at": "2026-01-02T10:00:00Z"},
              {"id": 2, "created_at": "2026-01-03T10:00:00Z", "priority": "high", "via": {"channel": "email"}}
            ]}
            """, to: harness.directory + "/inbox/t.json")
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        _ = try NormalizeStage.run(database: harness.database, context: harness.stagedContext)
        XCTAssertEqual(try harness.rows("SELECT ticket_id, coalesce(priority, '-'), coalesce(channel, '-') FROM stg_ticket ORDER BY record_no"),
                       ["1|-|-", "2|high|email"])
        XCTAssertFalse(try harness.database.tableExists("raw_tickets"))
    }

    /// A later export with a new column is recorded as a schema change, as raw_<source> did.
    func testANewColumnInALaterFileIsRecorded() throws {
        let harness = try StageHarness()
        harness.config.sources = [harness.source("tickets", .tickets, folder: "inbox")]
        TestSupport.write("Ticket ID,Created At\n1,2026-01-02T10:00:00Z\n", to: harness.directory + "/inbox/tickets_2026-01-01.csv")
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        TestSupport.write("Ticket ID,Created At,Channel\n2,2026-02-02T10:00:00Z,chat\n", to: harness.directory + "/inbox/tickets_2026-02-01.csv")
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        XCTAssertEqual(try harness.rows("SELECT source, table_name, column_name, file_id FROM etl_schema_change"), ["tickets|archive|Channel|2"])
    }

    /// A pulse survey's file is read again from the inbox (it is never archived, and no raw
    /// rows hold it): gone from the inbox between extract and normalize, it is not failed — it
    /// stays extracted, said with its path — and, back unchanged, the next normalize stages it.
    func testAPulseFileGoneFromTheInboxBeforeNormalizeWaitsForItsReturn() throws {
        let harness = try StageHarness()
        var pulse = harness.source("pulse", .survey, folder: "pulse")
        pulse.respondent = .employee
        harness.config.sources = [pulse]
        let path = harness.directory + "/pulse/pulse_2026-01-07.csv"
        TestSupport.write("ResponseId,RecipientEmail,Team,EndDate,Q1\nR_1,ann@example.com,T1,2026-01-07T10:00:00Z,4\n", to: path)
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        try FileManager.default.moveItem(atPath: path, toPath: harness.directory + "/away.csv")
        let gone = try XCTUnwrap(NormalizeStage.run(database: harness.database, context: harness.stagedContext).first)
        XCTAssertEqual(gone.filesFailed, 1)
        XCTAssertTrue(gone.dataFailure, "the run says so (exit 65)")
        let waiting = try harness.rows("SELECT status, error FROM etl_source_file")
        XCTAssertEqual(waiting.count, 1)
        XCTAssertTrue(waiting[0].hasPrefix("extracted|") && waiting[0].contains(path) && waiting[0].contains("no longer in the inbox"), waiting[0])
        try FileManager.default.moveItem(atPath: harness.directory + "/away.csv", toPath: path)
        let back = try XCTUnwrap(NormalizeStage.run(database: harness.database, context: harness.stagedContext).first)
        XCTAssertEqual(back.filesDone, 1)
        XCTAssertEqual(try harness.rows("SELECT status FROM etl_source_file"), ["normalized"])
        XCTAssertEqual(try harness.rows("SELECT response_id, coalesce(respondent_id, '-'), team_id FROM stg_survey_response"), ["R_1|-|T1"])
    }

    /// What the run must not store is not archived: a pulse survey's file (identities beside
    /// answers) and, under pseudonymisation, every file (clear names and e-mails). Those are
    /// read from the inbox, still checked against the registered digest.
    func testPulseSurveysAndPseudonymisedRunsKeepNoArchive() throws {
        let harness = try StageHarness()
        var pulse = harness.source("pulse", .survey, folder: "pulse")
        pulse.respondent = .employee
        harness.config.sources = [pulse]
        TestSupport.write("ResponseId,RecipientEmail,Team,EndDate,Q1\nR_1,ann@example.com,T1,2026-01-07T10:00:00Z,4\n",
                          to: harness.directory + "/pulse/pulse_2026-01-07.csv")
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.directory + "/archive"), "no pulse file archived")

        let second = try StageHarness()
        second.config.privacy.pseudonymise = ["name", "email"]
        second.config.privacy.key = Array("a key of sixteen bytes or more".utf8)
        second.config.sources = [second.source("roster", .hrRoster, folder: "hr")]
        TestSupport.write("Employee ID,Name,Email,Team\nE1,Ann Lee,ann@example.com,T1\n", to: second.directory + "/hr/roster_2026-01-01.csv")
        _ = try ExtractStage.run(database: second.database, context: second.context)
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.directory + "/archive"), "nothing archived under pseudonymisation")
        let counts = try NormalizeStage.run(database: second.database, context: second.stagedContext)
        XCTAssertEqual(counts.first?.rowsWritten, 1)
        XCTAssertEqual(try second.rows("SELECT count(*) FROM stg_employee WHERE name = 'Ann Lee' OR email LIKE '%example.com'"), ["0"])
    }
}
