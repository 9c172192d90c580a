import AmbassadorCore
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Extract

final class ExtractStageTests: XCTestCase {
    private var directory = ""
    private var database: Database!
    private var context: StageContext!

    override func setUpWithError() throws {
        directory = TestSupport.temporaryDirectory()
        database = try Database(path: directory + "/w.sqlite")
        try Migrator.migrate(database, appliedAt: "2026-11-22T00:00:00Z")
        try database.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', '2026-11-22', 'now', 'running')")
        // These tests read what extract stores: the source keeps its raw rows (`keep_raw: true`).
        var tickets = SourceConfig(name: "tickets", kind: .tickets, inbox: directory + "/inbox/*.csv")
        tickets.keepRaw = true
        let config = PipelineConfig(
            path: "test.yml", root: directory, warehouse: directory + "/w.sqlite",
            sources: [tickets], report: ReportConfig(outDir: directory + "/out"))
        context = StageContext(config: config, runDate: CivilDate(year: 2026, month: 11, day: 22)!, runID: 1,
                               logger: Logger(label: "test"), progress: .silent)
    }

    private func extract() throws -> StageCounts {
        try XCTUnwrap(ExtractStage.run(database: database, context: context).first)
    }

    func testUnchangedFileIsNeverExtractedTwice() throws {
        TestSupport.write("id,created\n1,2026-01-01\n2,2026-01-02\n", to: directory + "/inbox/t_2026-01-01.csv")
        let first = try extract()
        XCTAssertEqual(first.filesDone, 1)
        XCTAssertEqual(first.rowsWritten, 2)
        let second = try extract()
        XCTAssertEqual(second.filesDone, 0)
        XCTAssertEqual(second.filesSkipped, 1)
        XCTAssertEqual(try database.count("SELECT count(*) FROM raw_tickets"), 2)
        XCTAssertEqual(try database.query("SELECT _record_no FROM raw_tickets ORDER BY 1") { $0.int(0) }, [2, 3])
        let manifest = try database.query("SELECT status, records, partition_date, length(sha256), size FROM etl_source_file") {
            "\($0.text(0) ?? "")|\($0.int(1))|\($0.text(2) ?? "")|\($0.int(3))|\($0.int(4))"
        }
        XCTAssertEqual(manifest, ["extracted|2|2026-01-01|64|37"])
    }

    func testCorrectedReExportSupersedesItsPredecessor() throws {
        let path = directory + "/inbox/t_2026-01-01.csv"
        TestSupport.write("id,created\n1,2026-01-01\n2,2026-01-02\n", to: path)
        _ = try extract()
        TestSupport.write("id,created,channel\n1,2026-01-01,email\n", to: path)
        let counts = try extract()
        XCTAssertEqual(counts.filesDone, 1)
        XCTAssertEqual(try database.query("SELECT file_id, status, superseded_by FROM etl_source_file ORDER BY file_id") {
            "\($0.int(0))|\($0.text(1) ?? "")|\($0.text(2) ?? "-")"
        }, ["1|superseded|2", "2|extracted|-"])
        XCTAssertEqual(try database.query("SELECT _file_id, id, channel FROM raw_tickets") { "\($0.int(0))|\($0.text(1) ?? "")|\($0.text(2) ?? "nil")" },
                       ["2|1|email"], "the predecessor's rows are gone, in the same transaction")
        XCTAssertEqual(try database.query("SELECT column_name FROM etl_schema_change") { $0.text(0) ?? "" }, ["channel"])
    }

    func testAMalformedFileFailsAloneAndTheOthersAreExtracted() throws {
        TestSupport.write("", to: directory + "/inbox/a_empty.csv")
        TestSupport.write("id\n1\n", to: directory + "/inbox/b_good.csv")
        TestSupport.write([0xFF, 0xFE, 0x00], to: directory + "/inbox/c_truncated_utf16.csv")
        let counts = try extract()
        XCTAssertEqual(counts.filesDone, 1)
        XCTAssertEqual(counts.filesFailed, 2)
        let failed = try database.query("SELECT path, error FROM etl_source_file WHERE status = 'failed' ORDER BY path") {
            ($0.text(0) ?? "", $0.text(1) ?? "")
        }
        XCTAssertEqual(failed.count, 2)
        XCTAssertTrue(failed[0].1.contains("a_empty.csv:1: the file is empty"), failed[0].1)
        XCTAssertTrue(failed[1].1.contains("c_truncated_utf16.csv: byte 3: the file ends in the middle of a UTF-16 character"), failed[1].1)
        XCTAssertEqual(try database.count("SELECT count(*) FROM raw_tickets"), 1)
        // Still failed and unchanged: not retried, not duplicated.
        let again = try extract()
        XCTAssertEqual(again.filesSkipped, 3)
        XCTAssertEqual(try database.count("SELECT count(*) FROM etl_source_file"), 3)
    }

    func testRejectedRecordsAreQuarantinedWithFileLineAndReason() throws {
        TestSupport.write("id,note\n1,fine\n2,too,many\n3,ok\n", to: directory + "/inbox/t.csv")
        let counts = try extract()
        XCTAssertEqual(counts.rowsWritten, 2)
        XCTAssertEqual(counts.rowsRejected, 1)
        let reject = try database.query("SELECT stage, source, file_path, record_no, reason FROM etl_reject") {
            [$0.text(0) ?? "", $0.text(1) ?? "", $0.text(2) ?? "", String($0.int(3)), $0.text(4) ?? ""]
        }
        XCTAssertEqual(reject.first?[0...3], ["extract", "tickets", directory + "/inbox/t.csv", "3"])
        XCTAssertTrue(reject.first?[4].contains("3 fields, expected 2") ?? false)
        XCTAssertEqual(try database.count("SELECT rejected FROM etl_source_file"), 1)
    }

    func testHostileColumnNameIsQuotedNotExecuted() throws {
        TestSupport.write("id,\"x\"\"; DROP TABLE fact_ticket; --\"\n1,boom\n", to: directory + "/inbox/t.csv")
        _ = try extract()
        XCTAssertTrue(try database.tableExists("fact_ticket"))
        XCTAssertEqual(try database.columns(of: "raw_tickets"), ["_file_id", "_record_no", "id", "x\"; DROP TABLE fact_ticket; --"])
    }
}

extension ExtractStageTests {
    func testIdenticalContentUnderAnotherNameIsAnotherPartition() throws {
        TestSupport.write("id\n1\n", to: directory + "/inbox/t_2026-01-01.csv")
        TestSupport.write("id\n1\n", to: directory + "/inbox/t_2026-02-01.csv")
        let counts = try extract()
        XCTAssertEqual(counts.filesDone, 2, "a quiet month's snapshot is byte-identical to the last one, and still a snapshot")
        XCTAssertEqual(try database.query("SELECT partition_date FROM etl_source_file ORDER BY 1") { $0.text(0) ?? "" },
                       ["2026-01-01", "2026-02-01"])
    }
}

extension ExtractStageTests {
    /// What lands in raw_<source> is exactly what the source read — for JSON and XML too,
    /// whose values are strings (a small Swift string's bytes are a temporary copy).
    func testRawRowsHoldExactlyWhatTheSourceReadForEveryReader() throws {
        let files: [(String, String, String)] = [
            ("a.json", "json", "{\"tickets\": [{\"id\": 2, \"status\": \"open\", \"via\": {\"channel\": \"email\"}, \"long\": \"\(String(repeating: "é", count: 40))\"},"
                + " {\"id\": 3, \"status\": true, \"via\": {\"channel\": \"web\"}}]}"),
            ("b.xml", "xml", "<unload><incident><id>2</id><status>open</status><long>\(String(repeating: "é", count: 40))</long></incident>"
                + "<incident><id>3</id><status>x</status></incident></unload>"),
            ("c.csv", "csv", "id,status\n2,open\n3,\"x\"\n"),
        ]
        for (name, formatName, text) in files {
            let format = try XCTUnwrap(SourceFormat(rawValue: formatName))
            let path = directory + "/inbox/" + name
            TestSupport.write(text, to: path)
            let expected = try CollectingSinkForStage.read(path, format: format)
            var config = context.config
            config.sources = [SourceConfig(name: "s_" + formatName, kind: .raw, format: format, inbox: path)]
            var stageContext = context!
            stageContext.config = config
            _ = try ExtractStage.run(database: database, context: stageContext)
            let columns = try database.columns(of: "raw_s_" + formatName).filter { !$0.hasPrefix("_") }
            XCTAssertEqual(columns, expected.names, name)
            let list = columns.map(Database.quote).joined(separator: ", ")
            let rows = try database.query("SELECT \(list) FROM \(Database.quote("raw_s_" + formatName)) ORDER BY _record_no") { row in
                (0..<Int32(columns.count)).map { row.text($0) }
            }
            XCTAssertEqual(rows, expected.rows, name)
        }
    }
}

/// Collects what a source emits (values copied), to compare with the raw table.
final class CollectingSinkForStage: RecordSink {
    var names: [String] = []
    var rows: [[String?]] = []

    func columns(_ names: [String]) throws { self.names = names }

    func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        rows.append((0..<names.count).map { index in values.withValue(index) { $0.map { String(decoding: $0, as: UTF8.self) } } })
        return true
    }

    func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {}

    static func read(_ path: String, format: SourceFormat) throws -> CollectingSinkForStage {
        let sink = CollectingSinkForStage()
        try SourceRegistry.source(format: format, encoding: "auto", delimiter: nil, path: path).read(path, into: sink, progress: .silent)
        // Earlier records have fewer columns when later ones add some: pad with NULL.
        sink.rows = sink.rows.map { $0 + Array(repeating: nil, count: sink.names.count - $0.count) }
        return sink
    }
}

/// Issue 15.1: a header that Swift and SQLite used to see differently stopped every night.
final class ColumnIdentityTests: XCTestCase {
    private var directory = ""
    private var database: Database!

    override func setUpWithError() throws {
        directory = TestSupport.temporaryDirectory()
        database = try Database(path: directory + "/w.sqlite")
        try Migrator.migrate(database, appliedAt: "2026-11-22T00:00:00Z")
        try database.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', '2026-11-22', 'now', 'running')")
    }

    /// Extracts the inbox files ending in `.format` into `raw_people`.
    private func extract(_ format: SourceFormat = .csv) throws -> StageCounts {
        let config = PipelineConfig(
            path: "test.yml", root: directory, warehouse: directory + "/w.sqlite",
            sources: [SourceConfig(name: "people", kind: .raw, format: format, inbox: directory + "/inbox/*." + format.rawValue)],
            report: ReportConfig(outDir: directory + "/out"))
        let context = StageContext(config: config, runDate: CivilDate(year: 2026, month: 11, day: 22)!, runID: 1,
                                   logger: Logger(label: "test"), progress: .silent)
        return try XCTUnwrap(ExtractStage.run(database: database, context: context).first)
    }

    private func columns() throws -> [String] {
        try database.columns(of: "raw_people").filter { !$0.hasPrefix("_") }
    }

    func testNFCAndNFDSpellingsOfOneHeaderAreOneColumn() throws {
        let nfc = "Pr\u{E9}nom"            // é as one scalar
        let nfd = "Pre\u{301}nom"          // e + combining acute
        XCTAssertNotEqual(Array(nfc.utf8), Array(nfd.utf8))
        TestSupport.write("id,\(nfc)\n1,Ana\n", to: directory + "/inbox/a_2026-01-01.csv")
        TestSupport.write("id,\(nfd)\n2,Bea\n", to: directory + "/inbox/b_2026-01-02.csv")
        let counts = try extract()
        XCTAssertEqual(counts.filesDone, 2)
        XCTAssertEqual(counts.filesFailed, 0)
        XCTAssertEqual(try columns().count, 2, "one column for both spellings")
        let names = try database.query("SELECT \(Database.quote(nfc)) FROM raw_people ORDER BY id") { $0.text(0) ?? "" }
        XCTAssertEqual(names, ["Ana", "Bea"])
    }

    func testHeadersThatDifferOnlyInNonASCIICaseAreTwoColumnsOnBothSides() throws {
        // Swift folds É to é; SQLite folds ASCII only. Both now say: two columns.
        TestSupport.write("[{\"id\": 1, \"\u{E9}t\u{E9}\": \"x\"}]", to: directory + "/inbox/a_2026-01-01.json")
        TestSupport.write("[{\"id\": 2, \"\u{C9}T\u{C9}\": \"y\"}]", to: directory + "/inbox/b_2026-01-02.json")
        let counts = try extract(.json)
        XCTAssertEqual(counts.filesFailed, 0)
        XCTAssertEqual(counts.filesDone, 2)
        XCTAssertEqual(Set(try columns()), ["id", "\u{E9}t\u{E9}", "\u{C9}T\u{C9}"])
        // And in one record, the two keys stay two columns.
        XCTAssertNotEqual(ColumnName.key("\u{E9}t\u{E9}"), ColumnName.key("\u{C9}T\u{C9}"))
        XCTAssertEqual(ColumnName.key("Team"), ColumnName.key("TEAM"))
    }

    func testAKeyHoldingNULIsCleanedAndTheNightGoesOn() throws {
        TestSupport.write("[{\"id\": 1, \"a\\u0000b\": \"x\"}]", to: directory + "/inbox/a_2026-01-01.json")
        TestSupport.write("[{\"id\": 2, \"c\": \"y\"}]", to: directory + "/inbox/b_2026-01-02.json")
        let counts = try extract(.json)
        XCTAssertEqual(counts.filesFailed, 0)
        XCTAssertEqual(counts.filesDone, 2)
        let names = try columns()
        XCTAssertTrue(names.contains("a\u{FFFD}b"), "\(names)")
    }

    /// Issue 15.4: a repeated header name keeps both columns and says so.
    func testADuplicateHeaderNameKeepsBothColumnsAndIsListed() throws {
        TestSupport.write("id,Team,TEAM\n1,A,B\n", to: directory + "/inbox/a_2026-01-01.csv")
        XCTAssertEqual(try extract().filesDone, 1)
        XCTAssertEqual(try columns(), ["id", "Team", "TEAM_2"])
        XCTAssertEqual(try database.query("SELECT \"Team\", \"TEAM_2\" FROM raw_people") { "\($0.text(0) ?? "")|\($0.text(1) ?? "")" }, ["A|B"])
        XCTAssertEqual(try database.query("SELECT key, value FROM etl_file_metadata WHERE key LIKE 'duplicate_column/%'") {
            "\($0.text(0) ?? "")=\($0.text(1) ?? "")"
        }, ["duplicate_column/TEAM_2=TEAM"])
    }

    func testAFileWhoseRecordsCannotBeStoredFailsAloneAndIsNotReadAgain() throws {
        // Any error of one file's records (here a trigger refusing one row, standing in for
        // whatever SQLite may refuse) fails that file alone.
        TestSupport.write("id\n1\n", to: directory + "/inbox/a_2026-01-01.csv")
        XCTAssertEqual(try extract().filesDone, 1)
        try database.execute("""
            CREATE TRIGGER refuse_poison BEFORE INSERT ON raw_people WHEN NEW.id = 'poison'
            BEGIN SELECT RAISE(ABORT, 'poison row'); END
            """)
        TestSupport.write("id\npoison\n", to: directory + "/inbox/b_2026-01-02.csv")
        TestSupport.write("id\n3\n", to: directory + "/inbox/c_2026-01-03.csv")
        let counts = try extract()
        XCTAssertEqual(counts.filesFailed, 1)
        XCTAssertEqual(counts.filesDone, 1, "the file after the bad one is extracted in the same run")
        XCTAssertTrue(counts.dataFailure)
        let failed = try database.query("SELECT path, error FROM etl_source_file WHERE status = 'failed'") { ($0.text(0) ?? "", $0.text(1) ?? "") }
        XCTAssertEqual(failed.count, 1)
        XCTAssertTrue(failed[0].0.hasSuffix("b_2026-01-02.csv"))
        XCTAssertTrue(failed[0].1.contains("poison row"), failed[0].1)
        XCTAssertEqual(try database.count("SELECT count(*) FROM raw_people WHERE id = 'poison'"), 0, "nothing of the failed file kept")
        // The next night does not stop at it: the failed file is known (until it changes) and
        // nothing is extracted twice.
        let again = try extract()
        XCTAssertEqual(again.filesFailed, 0)
        XCTAssertEqual(again.filesSkipped, 3)
        XCTAssertEqual(try database.count("SELECT count(*) FROM raw_people"), 2)
    }
}

extension ExtractStageTests {
    /// Issue 15.3: a symbolic link in the inbox that leads outside the allowed roots is
    /// refused with a message and never read; listing its directory allows it.
    func testASymlinkLeavingTheRootIsRefusedUnlessItsDirectoryIsAllowed() throws {
        let outside = TestSupport.temporaryDirectory("outside")
        TestSupport.write("id,created\nSECRET,2026-01-01\n", to: outside + "/secret.csv")
        try FileManager.default.createDirectory(atPath: directory + "/inbox", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/inbox/t_2026-01-01.csv", withDestinationPath: outside + "/secret.csv")
        TestSupport.write("id,created\n2,2026-01-02\n", to: directory + "/inbox/t_2026-01-02.csv")
        let counts = try extract()
        XCTAssertEqual(counts.filesFailed, 1)
        XCTAssertEqual(counts.filesDone, 1)
        XCTAssertEqual(try database.query("SELECT id FROM raw_tickets") { $0.text(0) ?? "" }, ["2"], "the linked file was never read")
        let error = try database.scalar("SELECT error FROM etl_source_file WHERE status = 'failed'").stringValue ?? ""
        XCTAssertTrue(error.contains("refused") && error.contains(outside + "/secret.csv") && error.contains("inbox_roots"), error)
        // A link inside the root is followed as before.
        try FileManager.default.createSymbolicLink(atPath: directory + "/inbox/t_2026-01-03.csv", withDestinationPath: directory + "/inbox/t_2026-01-02.csv")
        XCTAssertEqual(try extract().filesDone, 1)
        // Allowed explicitly, the outside file is read.
        context.config.inboxRoots = [outside]
        let allowed = try extract()
        XCTAssertEqual(allowed.filesDone, 1)
        XCTAssertEqual(try database.count("SELECT count(*) FROM raw_tickets WHERE id = 'SECRET'"), 1)
    }
}

extension ExtractStageTests {
    /// Issue 14.8: a compressed export (Qualtrics delivers zips) is refused with a message that
    /// says so and how to unpack it — never read as text.
    func testCompressedFilesAreRefusedSayingSo() throws {
        TestSupport.write([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00], to: directory + "/inbox/t_2026-01-01.csv")
        TestSupport.write([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00], to: directory + "/inbox/t_2026-01-02.csv")
        TestSupport.write("id,created\n1,2026-01-03\n", to: directory + "/inbox/t_2026-01-03.csv")
        let counts = try extract()
        XCTAssertEqual(counts.filesFailed, 2)
        XCTAssertEqual(counts.filesDone, 1)
        let errors = try database.query("SELECT error FROM etl_source_file WHERE status = 'failed' ORDER BY path") { $0.text(0) ?? "" }
        XCTAssertTrue(errors[0].contains("zip-compressed") && errors[0].contains("unzip"), errors[0])
        XCTAssertTrue(errors[1].contains("gzip-compressed") && errors[1].contains("gunzip"), errors[1])
        XCTAssertEqual(try database.count("SELECT count(*) FROM raw_tickets"), 1)
    }
}
