import AmbassadorCore
import Extract
import Foundation
import Logging
import Normalize
import TestSupport
import Warehouse
import XCTest

/// Extract on PostgreSQL leaves what it leaves on SQLite: the same manifest, rejects,
/// per-file metadata, schema changes and raw records (a JSON document per record there, a
/// row of TEXT columns here), for every real export the repository carries and for a
/// source's life of new columns, a corrected re-export and a broken file.
final class ExtractEngineTests: XCTestCase {
    func postgres(_ name: String = #function) throws -> (PostgresConnection, () -> Void) {
        try PostgresSupport.schemaOrSkip(name, migrated: true)
    }

    /// Extracts with `harness`'s configuration into its SQLite warehouse and into `pg`.
    private func extractBoth(_ harness: StageHarness, _ pg: PostgresConnection) throws -> (sqlite: [StageCounts], postgres: [StageCounts]) {
        let sqlite = try ExtractStage.run(database: harness.database, context: harness.context)
        let postgres = try ExtractStage.run(database: pg, context: harness.context)
        return (sqlite, postgres)
    }

    func testEveryRealExportExtractsTheSameOnBothEngines() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        var stored = 0
        for (index, fixture) in FixtureGoldenTests.fixtures.enumerated() {
            // One source per fixture, all in one warehouse per engine.
            let harness = try StageHarness("extract-engines-\(index)")
            let name = "f\(index)"
            let inbox = harness.directory + "/inbox/" + (fixture.path as NSString).lastPathComponent
            TestSupport.write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestSupport.fixtures + "/" + fixture.path))), to: inbox)
            var source = SourceConfig(name: name, kind: fixture.kind, format: try fixture.format ?? SourceRegistry.detect(inbox),
                                      inbox: inbox, partition: fixture.kind == .hrRoster ? .runDate : .none)
            source.respondent = fixture.respondent
            // Record-by-record sources keep their raw rows here, so that their records are compared too.
            source.keepRaw = true
            harness.config.sources = [source]
            // Each fixture's file is file 1 on both engines (the PostgreSQL schema is shared).
            try pg.execute("TRUNCATE etl_schema_change, etl_file_metadata, etl_reject, etl_ticket_file, etl_source_file RESTART IDENTITY CASCADE")
            let counts = try extractBoth(harness, pg)
            XCTAssertEqual(counts.postgres, counts.sqlite, fixture.path)
            let left = try ExtractDump.dump(harness.database, sources: [name])
            let right = try ExtractDump.dump(pg, sources: [name])
            EngineComparison.assertSameLines(right, left, fixture.path)
            XCTAssertFalse(left.isEmpty, fixture.path)
            stored += left.filter { $0.hasPrefix("raw ") }.count
        }
        XCTAssertGreaterThan(stored, 100, "raw records of the exports were compared")
    }

    func testNewColumnsACorrectedReExportAndABrokenFileAreTheSameOnBothEngines() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        let harness = try StageHarness()
        var source = SourceConfig(name: "csat", kind: .survey, format: .csv, inbox: harness.directory + "/inbox/*.csv")
        // The raw layer's growth is what is compared: the records are kept in raw_csat.
        source.keepRaw = true
        harness.config.sources = [source]
        let inbox = harness.directory + "/inbox/"
        // Night 1: two files.
        TestSupport.write("ResponseId,RecordedDate,Q1\nR1,2026-01-02,5\nR2,2026-01-03,4\n", to: inbox + "a_2026-01.csv")
        TestSupport.write("ResponseId,RecordedDate,Q1,Q2\nR3,2026-02-02,3,\"two\nlines\"\nR4,2026-02-03,,1\n", to: inbox + "b_2026-02.csv")
        var counts = try extractBoth(harness, pg)
        XCTAssertEqual(counts.postgres, counts.sqlite)
        // Night 2: a corrected January, a file with another new column, and a file that is not CSV.
        try harness.newRun()
        try pg.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', '2026-12-01', 'now', 'running')")
        TestSupport.write("ResponseId,RecordedDate,Q1\nR1,2026-01-02,4\nR2,2026-01-03,4\nR5,2026-01-09,2\n", to: inbox + "a_2026-01.csv")
        // This export spells Q1 in lower case: the same column (SQLite's names ignore case).
        TestSupport.write("ResponseId,RecordedDate,q1,Q3\nR6,2026-03-02,1,x\n", to: inbox + "c_2026-03.csv")
        TestSupport.write([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00], to: inbox + "d_2026-04.csv")
        counts = try extractBoth(harness, pg)
        XCTAssertEqual(counts.postgres, counts.sqlite)

        let left = try ExtractDump.dump(harness.database, sources: ["csat"])
        let right = try ExtractDump.dump(pg, sources: ["csat"])
        EngineComparison.assertSameLines(right, left, "csat")
        // What the files say, read off them: Q2 new in b, Q3 new in c; January's first version
        // superseded by its correction (3 records); the zip-like file failed alone.
        XCTAssertEqual(left.filter { $0.hasPrefix("change ") }.map { $0.split(separator: "|").last ?? "" }, ["Q2", "Q3"])
        let january = left.filter { $0.hasPrefix("file inbox/a_2026-01.csv#") }
        XCTAssertEqual(january.count, 2)
        XCTAssertTrue(january[0].contains("|superseded|"), january[0])
        XCTAssertTrue(january[0].hasSuffix("|" + String(january[1].dropFirst(5).prefix { $0 != "|" })), "superseded by the correction: \(january)")
        XCTAssertEqual(left.filter { $0.hasPrefix("raw raw_csat inbox/a_2026-01.csv#") }.count, 3,
                       "the correction's three records, the superseded file's two gone")
        XCTAssertTrue(left.contains { $0.hasPrefix("file inbox/d_2026-04.csv#") && $0.contains("|failed|") })
        XCTAssertTrue(left.contains { $0.hasPrefix("raw raw_csat inbox/b_2026-02.csv#") && $0.hasSuffix("|2|Q1=3|Q2=two\nlines|RecordedDate=2026-02-02|ResponseId=R3") },
                      "\(left)")
        XCTAssertTrue(left.contains { $0.hasPrefix("raw raw_csat inbox/c_2026-03.csv#") && $0.hasSuffix("|2|Q1=1|Q3=x|RecordedDate=2026-03-02|ResponseId=R6") },
                      "q1 is stored under Q1: \(left)")
    }

    /// A JSON value holding a NUL character (`\u0000`) rejects its record at extract on both
    /// engines, naming the field, as a NUL byte does in a CSV file; the file's other records
    /// are staged. (Read again at normalize without raw rows, it used to reach PostgreSQL's
    /// COPY and fail the whole file there, while SQLite stored it.)
    func testAJSONValueWithANulCharacterRejectsItsRecordOnBothEngines() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        let harness = try StageHarness()
        harness.config.sources = [SourceConfig(name: "tickets", kind: .tickets, format: .json, inbox: harness.directory + "/inbox/*.json")]
        harness.config.rejectThreshold = 0.9
        TestSupport.write(#"""
            {"tickets": [
              {"id": 1, "created_at": "2026-03-01T10:00:00Z", "status": "open", "subject": "bad\u0000value"},
              {"id": 2, "created_at": "2026-03-01T11:00:00Z", "status": "open", "subject": "fine"}
            ]}
            """#, to: harness.directory + "/inbox/t_2026-03-01.json")
        let counts = try extractBoth(harness, pg)
        XCTAssertEqual(counts.sqlite.first?.rowsRejected, 1)
        XCTAssertEqual(counts.postgres.first?.rowsRejected, 1)
        for database in [harness.database, pg] as [any WarehouseConnection] {
            let rejects = try database.rows("SELECT record_no, field, coalesce(raw_value, '-'), reason FROM etl_reject", []) {
                "\($0.int(0))|\($0.text(1) ?? "")|\($0.text(2) ?? "")|\($0.text(3) ?? "")"
            }
            XCTAssertEqual(rejects, ["1|subject|-|NUL character at offset 3 of the value; expected text"], "\(database.engine)")
            let normalized = try NormalizeStage.run(database: database, context: harness.stagedContext)
            XCTAssertEqual(normalized.first?.filesFailed, 0, "\(database.engine): the file is staged")
            XCTAssertEqual(try database.rows("SELECT ticket_id FROM stg_ticket", []) { $0.text(0) ?? "" }, ["2"], "\(database.engine)")
        }
    }

    func testAValuePostgreSQLCannotStoreRejectsItsRecordNamingFileLineAndField() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        let harness = try StageHarness()
        var source = SourceConfig(name: "csat", kind: .survey, format: .csv, inbox: harness.directory + "/inbox/*.csv")
        source.keepRaw = true
        harness.config.sources = [source]
        let path = harness.directory + "/inbox/nul.csv"
        TestSupport.write(Array("ResponseId,Q1\nR1,5\nR2,4\u{0}4\nR3,3\n".utf8), to: path)
        let counts = try ExtractStage.run(database: pg, context: harness.context)
        XCTAssertEqual(counts.first?.rowsWritten, 2)
        XCTAssertEqual(counts.first?.rowsRejected, 1)
        let rejects = try pg.rows("SELECT file_path, record_no, field, reason FROM etl_reject", []) {
            [$0.text(0) ?? "", String($0.int(1)), $0.text(2) ?? "", $0.text(3) ?? ""]
        }
        XCTAssertEqual(rejects.count, 1)
        XCTAssertEqual(rejects.first?[0], path)
        XCTAssertEqual(rejects.first?[1], "3", "line 3 of the file")
        XCTAssertEqual(rejects.first?[2], "Q1")
        XCTAssertTrue(rejects.first?[3].contains("NUL") ?? false)
        XCTAssertEqual(try pg.rows("SELECT record->>'ResponseId' FROM raw_csat ORDER BY _record_no", []) { $0.text(0) ?? "" }, ["R1", "R3"])
    }
}
