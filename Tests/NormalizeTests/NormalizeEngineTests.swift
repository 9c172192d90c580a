import AmbassadorCore
import Extract
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// Normalize on PostgreSQL stages what it stages on SQLite: the same staged rows, rejects,
/// metadata and file states, for every real export the repository carries (read from raw
/// rows and, for record-by-record sources, from the archived file). PipelineTests runs the
/// bundled samples through both.
final class NormalizeEngineTests: XCTestCase {
    private func postgres(_ name: String = #function) throws -> (PostgresConnection, () -> Void) {
        try PostgresSupport.schemaOrSkip(name, migrated: true)
    }

    /// Extract and normalize with `harness`'s configuration on both engines; the dumps compared.
    private func stageBoth(_ harness: StageHarness, _ pg: PostgresConnection, sources: [String], _ what: String) throws -> [String] {
        let extracted = (try ExtractStage.run(database: harness.database, context: harness.context),
                         try ExtractStage.run(database: pg, context: harness.context))
        XCTAssertEqual(extracted.1, extracted.0, what)
        let normalized = (try NormalizeStage.run(database: harness.database, context: harness.stagedContext),
                          try NormalizeStage.run(database: pg, context: harness.stagedContext))
        XCTAssertEqual(normalized.1, normalized.0, what)
        let left = try ExtractDump.dump(harness.database, sources: sources) + StagingDump.dump(harness.database)
        let right = try ExtractDump.dump(pg, sources: sources) + StagingDump.dump(pg)
        EngineComparison.assertSameLines(right, left, what)
        return left
    }

    func testEveryRealExportStagesTheSameOnBothEngines() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        var staged = 0
        for keepRaw in [false, true] {
            for (index, fixture) in FixtureGoldenTests.fixtures.enumerated() {
                let harness = try StageHarness("normalize-engines-\(index)-\(keepRaw)")
                let inbox = harness.directory + "/inbox/" + (fixture.path as NSString).lastPathComponent
                TestSupport.write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestSupport.fixtures + "/" + fixture.path))), to: inbox)
                var source = SourceConfig(name: "f\(index)\(keepRaw ? "k" : "")", kind: fixture.kind, format: try fixture.format ?? SourceRegistry.detect(inbox),
                                          inbox: inbox, partition: fixture.kind == .hrRoster ? .runDate : .none)
                source.respondent = fixture.respondent
                source.keepRaw = keepRaw
                harness.config.sources = [source]
                try pg.execute("""
                    TRUNCATE etl_schema_change, etl_file_metadata, etl_reject, etl_ticket_file, stg_employee, stg_ticket, stg_ticket_agent, stg_ticket_event,
                             stg_customer_event, stg_survey_response, stg_survey_answer, etl_source_file RESTART IDENTITY CASCADE
                    """)
                let dump = try stageBoth(harness, pg, sources: [source.name], "\(fixture.path) (keep_raw: \(keepRaw))")
                staged += dump.filter { $0.hasPrefix("stg_") }.count
            }
        }
        XCTAssertGreaterThan(staged, 500, "staged rows of the exports were compared")
    }

    /// Normalize lists each ticket file's agent ids as it stages the rows (load maps them to
    /// employees from that list): for every real ticket export, read from the archived file
    /// and from raw rows, exactly the distinct first-assignee and assignee ids its staged
    /// tickets name.
    func testEveryTicketExportListsExactlyTheAgentsItsStagedTicketsName() throws {
        var named = 0
        for keepRaw in [false, true] {
            for (index, fixture) in FixtureGoldenTests.fixtures.enumerated() where fixture.kind == .tickets {
                let harness = try StageHarness("ticket-agents-\(index)-\(keepRaw)")
                let inbox = harness.directory + "/inbox/" + (fixture.path as NSString).lastPathComponent
                TestSupport.write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestSupport.fixtures + "/" + fixture.path))), to: inbox)
                var source = SourceConfig(name: "t\(index)", kind: .tickets, format: try fixture.format ?? SourceRegistry.detect(inbox), inbox: inbox)
                source.keepRaw = keepRaw
                harness.config.sources = [source]
                _ = try ExtractStage.run(database: harness.database, context: harness.context)
                _ = try NormalizeStage.run(database: harness.database, context: harness.stagedContext)
                let staged = try harness.rows("""
                    SELECT DISTINCT file_id, id FROM (SELECT file_id, first_assignee_id AS id FROM stg_ticket UNION ALL SELECT file_id, assignee_id FROM stg_ticket) AS a
                    WHERE id IS NOT NULL AND id <> '' ORDER BY 1, 2
                    """)
                XCTAssertEqual(try harness.rows("SELECT file_id, agent_id FROM stg_ticket_agent ORDER BY 1, 2"), staged, fixture.path)
                named += staged.count
            }
        }
        XCTAssertGreaterThan(named, 10, "the exports name agents")
    }

    /// A file whose agent id is not UTF-8 — read as Windows-1252 (TextInput), where 0xFF is ÿ,
    /// UTF-8 C3 BF — lists the id as it was staged, byte for byte: load looks the list up
    /// against the staged rows' values.
    func testAnAgentIDReadFromBytesThatAreNotUTF8IsListedAsStaged() throws {
        let harness = try StageHarness("ticket-agents-bytes")
        let header = "ticket_id,created_at,updated_at,status,first_assignee_id,assignee_id\n"
        TestSupport.write(Array((header + "1,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open,a1,a1\n").utf8), to: harness.directory + "/clean/t.csv")
        TestSupport.write(Array((header + "2,2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open,").utf8) + [0x62, 0xFF] + Array(",b\n".utf8),
                          to: harness.directory + "/bytes/t.csv")
        try harness.normalize([harness.source("clean", .tickets, folder: "clean"), harness.source("bytes", .tickets, folder: "bytes")], files: [])
        XCTAssertEqual(try harness.rows("SELECT source, hex(first_assignee_id), hex(assignee_id) FROM stg_ticket ORDER BY 1"),
                       ["bytes|62C3BF|62", "clean|6131|6131"])
        XCTAssertEqual(try harness.rows("""
            SELECT f.source, hex(a.agent_id) FROM stg_ticket_agent a JOIN etl_source_file f ON f.file_id = a.file_id ORDER BY 1, 2
            """), ["bytes|62", "bytes|62C3BF", "clean|6131"])
    }

    /// Normalize notes a ticket file's lowest and highest id (byte order) when it saw the ids
    /// strictly increasing — shorter first, then byte by byte — so none repeats; load then
    /// probes the facts once instead of grouping the staged rows. Not for a repeated id, a
    /// fall, or an id that is not ASCII.
    func testATicketFilesIDsAreNotedDistinctOnlyWhenTheyRise() throws {
        let harness = try StageHarness("ticket-ids-distinct")
        let header = "ticket_id,created_at,updated_at,status\n"
        func file(_ folder: String, _ ids: [String]) {
            TestSupport.write(header + ids.map { "\($0),2026-01-01T10:00:00Z,2026-01-01T11:00:00Z,open\n" }.joined(),
                              to: harness.directory + "/\(folder)/t.csv")
        }
        file("rising", ["8", "9", "10", "11"])
        file("repeat", ["20", "21", "21"])
        file("falling", ["31", "30"])
        file("accents", ["A1", "Á2"])
        try harness.normalize(["rising", "repeat", "falling", "accents"].map { harness.source($0, .tickets, folder: $0) }, files: [])
        XCTAssertEqual(try harness.rows("SELECT source, count(*) FROM stg_ticket GROUP BY source ORDER BY 1"),
                       ["accents|2", "falling|2", "repeat|3", "rising|4"], "every row staged")
        XCTAssertEqual(try harness.rows("""
            SELECT f.source, m.key, m.value FROM etl_file_metadata m JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.key LIKE 'ticket_ids/%' ORDER BY 1, 2
            """), ["rising|\(TicketMerge.distinctIDsHighest)|9", "rising|\(TicketMerge.distinctIDsLowest)|10",
                   "rising|\(TicketMerge.distinctIDsRows)|4"])
    }
}
