import AmbassadorCore
import Foundation
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Extract

/// The shared bad-input suite: one table of defects, written down with their expected
/// outcome, run through the real extract stage for every reader family. Each defect file
/// sits in an inbox beside a good file, which must still be extracted.
final class BadInputSuiteTests: XCTestCase {
    enum Outcome {
        /// The file is marked failed; the message names the file and contains this text.
        case failed(String)
        /// The file is extracted; these records (by line or index) are rejected with this text.
        case rejected([Int], field: String?, reason: String)
        /// The file is extracted with this many records and no reject.
        case extracted(Int)
    }

    struct Defect {
        let name: String
        let bytes: [UInt8]
        let outcome: Outcome
    }

    private static let bigField = String(repeating: "x", count: 10 << 20)

    static func csvDefects(header: String, row: (String) -> String, layoutRows: Int) -> [Defect] {
        let h = header
        return [
            Defect(name: "truncated", bytes: Array((h + row("a") + "2,Bo").utf8), outcome: .rejected([layoutRows + 2], field: "note", reason: "2 fields, expected 3")),
            Defect(name: "wrong_encoding_utf16_without_bom", bytes: Array((h + row("a")).utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                   outcome: .failed("NUL byte in the header")),
            Defect(name: "invalid_bytes", bytes: Array((h + row("a")).utf8) + Array("2,Bo,caf".utf8) + [0xE9, 0xFF] + [10],
                   outcome: .extracted(2)),
            Defect(name: "nul_byte", bytes: Array((h + row("a")).utf8) + Array("2,Bo,".utf8) + [0] + [10], outcome: .rejected([layoutRows + 2], field: "note", reason: "NUL byte")),
            Defect(name: "ragged_row", bytes: Array((h + row("a") + "2,Bo,x,y\n" + row("c")).utf8), outcome: .rejected([layoutRows + 2], field: nil, reason: "4 fields, expected 3")),
            Defect(name: "header_only", bytes: Array(h.utf8), outcome: .extracted(0)),
            Defect(name: "empty_file", bytes: [], outcome: .failed(":1: the file is empty")),
            Defect(name: "unterminated_quote", bytes: Array((h + row("a") + "2,Bo,\"never closed\n3,Cy,z\n").utf8),
                   outcome: .failed("the file ends inside a quoted field that began on line \(layoutRows + 2)")),
            Defect(name: "duplicate_header_names", bytes: Array(h.replacingOccurrences(of: "note", with: "name").utf8) + Array(row("a").utf8), outcome: .extracted(1)),
            Defect(name: "huge_field_10MB", bytes: Array((h + row(bigField)).utf8), outcome: .extracted(1)),
        ]
    }

    static let jsonDefects: [Defect] = [
        Defect(name: "truncated", bytes: Array("{\"tickets\": [{\"id\": 1}, {\"id\": ".utf8), outcome: .failed(":1:32: the file ends where a value should start")),
        Defect(name: "wrong_encoding", bytes: Array("[{\"name\": \"caf".utf8) + [0xE9] + Array("\"}]".utf8), outcome: .failed("invalid UTF-8 byte 0xE9 in a string")),
        Defect(name: "nul_byte", bytes: Array("[{\"name\": \"a".utf8) + [0] + Array("\"}]".utf8), outcome: .failed("raw control character")),
        Defect(name: "ragged_records", bytes: Array("[{\"a\": 1}, {\"b\": 2, \"c\": {\"d\": 3}}]".utf8), outcome: .extracted(2)),
        Defect(name: "header_only", bytes: Array("{\"tickets\": [], \"next_page\": null}".utf8), outcome: .extracted(0)),
        Defect(name: "empty_file", bytes: [], outcome: .failed(":1:1: the file is empty")),
        Defect(name: "unterminated_string", bytes: Array("[{\"a\": \"abc\n".utf8), outcome: .failed("raw control character")),
        Defect(name: "duplicate_keys", bytes: Array("[{\"a\": 1, \"a\": 2}]".utf8), outcome: .extracted(1)),
        Defect(name: "huge_field_10MB", bytes: Array("[{\"a\": \"\(bigField)\"}]".utf8), outcome: .extracted(1)),
        Defect(name: "invalid_json", bytes: Array("{\"tickets\": [{\"id\": 1,}]}".utf8), outcome: .failed(":1:23: expected a member name")),
        Defect(name: "deeply_nested", bytes: Array(String(repeating: "[", count: 100_000).utf8), outcome: .failed("nesting deeper than 512 levels")),
        Defect(name: "trailing_garbage", bytes: Array("[{\"a\": 1}] }".utf8), outcome: .failed("unexpected '}'")),
    ]

    static let xmlDefects: [Defect] = [
        Defect(name: "truncated", bytes: Array("<unload><incident><number>1</number></incident><incident><number>2</num".utf8),
               outcome: .failed("expected well-formed XML")),
        Defect(name: "wrong_encoding", bytes: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<unload><incident><n>caf".utf8) + [0xE9] + Array("</n></incident></unload>".utf8),
               outcome: .failed(":2:")),
        Defect(name: "nul_byte", bytes: Array("<unload><incident><n>a".utf8) + [0] + Array("</n></incident></unload>".utf8), outcome: .failed("expected well-formed XML")),
        Defect(name: "header_only", bytes: Array("<unload unload_date=\"2026-11-21\"></unload>".utf8), outcome: .extracted(0)),
        // UTF-16 with a byte-order mark, every record complete, cut in its final line break's
        // second byte: libxml2 passes over the half character; the file is still cut (issue 14.7).
        Defect(name: "utf16_odd_length", bytes: Array([0xFF, 0xFE] + "<unload><incident><n>1</n></incident></unload>\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }.dropLast()),
               outcome: .failed("the file ends in the middle of a UTF-16 character")),
        Defect(name: "empty_file", bytes: [], outcome: .failed(":1: the file is empty")),
        Defect(name: "billion_laughs", bytes: Array("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><unload><incident><n>&lol3;</n></incident></unload>".utf8),
               outcome: .failed("billion_laughs.xml:1:")),
        Defect(name: "external_entity", bytes: Array("<!DOCTYPE x [<!ENTITY ee SYSTEM \"file:///etc/passwd\">]><unload><incident><n>&ee;</n></incident></unload>".utf8),
               outcome: .failed("DOCTYPE")),
        Defect(name: "undeclared_entity", bytes: Array("<unload><incident><n>&ee;</n></incident></unload>".utf8), outcome: .failed("Entity 'ee' not defined")),
        // libxml2 without XML_PARSE_HUGE (which stays off) refuses text nodes over 10,000,000 bytes.
        Defect(name: "huge_field_10MB", bytes: Array("<unload><incident><n>\(bigField)</n></incident></unload>".utf8), outcome: .failed("huge text node")),
        Defect(name: "large_field_9MB", bytes: Array("<unload><incident><n>\(String(repeating: "y", count: 9_000_000))</n></incident></unload>".utf8), outcome: .extracted(1)),
        Defect(name: "mismatched_tags", bytes: Array("<unload>\n<incident><n>1</m></incident></unload>".utf8), outcome: .failed(":2:")),
    ]

    /// Runs the defects of one format through the extract stage and checks every outcome.
    private func check(format: SourceFormat, ext: String, encoding: String = "auto", defects: [Defect], good: String, goodRecords: Int) throws {
        let directory = TestSupport.temporaryDirectory(format.rawValue)
        let inbox = directory + "/inbox"
        TestSupport.write(good, to: inbox + "/good." + ext)
        for defect in defects { TestSupport.write(defect.bytes, to: inbox + "/" + defect.name + "." + ext) }
        let database = try Database(path: directory + "/w.sqlite")
        try Migrator.migrate(database, appliedAt: "now")
        try database.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', '2026-11-22', 'now', 'running')")
        let config = PipelineConfig(path: "test.yml", root: directory, warehouse: directory + "/w.sqlite",
                                    sources: [SourceConfig(name: "src", kind: .raw, format: format, inbox: inbox + "/*." + ext, encoding: encoding)],
                                    report: ReportConfig(outDir: directory + "/out"))
        let context = StageContext(config: config, runDate: CivilDate(year: 2026, month: 11, day: 22)!, runID: 1,
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, progress: .silent)
        _ = try ExtractStage.run(database: database, context: context)

        func file(_ name: String) throws -> (id: Int64, status: String, error: String, records: Int) {
            let path = inbox + "/" + name + "." + ext
            let rows = try database.query("SELECT file_id, status, coalesce(error, ''), records FROM etl_source_file WHERE path = ?",
                                          [.text(config.manifestPath(path))]) {
                ($0.int64(0), $0.text(1) ?? "", $0.text(2) ?? "", $0.int(3))
            }
            return try XCTUnwrap(rows.first, "\(format) \(name): no manifest row")
        }
        let goodFile = try file("good")
        XCTAssertEqual(goodFile.status, "extracted", "\(format): the good file beside the defects")
        XCTAssertEqual(goodFile.records, goodRecords, "\(format): good file")
        for defect in defects {
            let label = "\(format) \(defect.name)"
            let row = try file(defect.name)
            let rawRows = try database.count("SELECT count(*) FROM raw_src WHERE _file_id = ?", [.integer(row.id)])
            let rejects = try database.query("SELECT record_no, field, reason, file_path FROM etl_reject WHERE file_id = ? ORDER BY record_no",
                                             [.integer(row.id)]) { ($0.int(0), $0.text(1), $0.text(2) ?? "", $0.text(3) ?? "") }
            switch defect.outcome {
            case .failed(let text):
                XCTAssertEqual(row.status, "failed", label)
                XCTAssertTrue(row.error.contains(inbox + "/" + defect.name + "." + ext), "\(label): the message names the file: \(row.error)")
                XCTAssertTrue(row.error.contains(text), "\(label): \(row.error)\n  should contain: \(text)")
                XCTAssertEqual(rawRows, 0, "\(label): nothing half-written")
            case let .rejected(numbers, field, reason):
                XCTAssertEqual(row.status, "extracted", "\(label): \(row.error)")
                XCTAssertEqual(rejects.map(\.0), numbers, label)
                XCTAssertEqual(rejects.first?.1, field, label)
                XCTAssertTrue(rejects.first?.2.contains(reason) ?? false, "\(label): \(rejects.first?.2 ?? "no reject")")
                XCTAssertEqual(rejects.first?.3, inbox + "/" + defect.name + "." + ext, label)
                XCTAssertEqual(rawRows + rejects.count, row.records + rejects.count, label)
            case .extracted(let count):
                XCTAssertEqual(row.status, "extracted", "\(label): \(row.error)")
                XCTAssertEqual(row.records, count, label)
                XCTAssertEqual(rawRows, count, label)
                XCTAssertTrue(rejects.isEmpty, "\(label): \(rejects)")
            }
        }
    }

    func testPlainCSV() throws {
        var defects = BadInputSuiteTests.csvDefects(header: "id,name,note\n", row: { "1,Ann,\($0)\n" }, layoutRows: 1)
        // With UTF-8 configured, an invalid byte is a rejected record naming the field.
        defects[2] = Defect(name: "invalid_bytes", bytes: defects[2].bytes, outcome: .rejected([3], field: "note", reason: "invalid byte 0xE9 at offset 3"))
        try check(format: .csv, ext: "csv", encoding: "utf-8", defects: defects, good: "id,name,note\n1,Ann,x\n2,Bo,y\n", goodRecords: 2)
    }

    func testPlainCSVLeftToDetectionReadsWindows1252() throws {
        let defects = BadInputSuiteTests.csvDefects(header: "id,name,note\n", row: { "1,Ann,\($0)\n" }, layoutRows: 1)
            .filter { $0.name == "invalid_bytes" }
        try check(format: .csv, ext: "csv", defects: defects, good: "id,name,note\n1,Ann,x\n", goodRecords: 1)
    }

    func testQualtricsCSV() throws {
        let header = "ResponseId,Q1,note\nResponse ID,How likely?,Note\n\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\",\"{\"\"ImportId\"\":\"\"QID2\"\"}\"\n"
        var defects = BadInputSuiteTests.csvDefects(header: header, row: { "R_1,9,\($0)\n" }, layoutRows: 3)
        defects = defects.map { defect in
            switch defect.name {
            case "truncated": return Defect(name: "truncated", bytes: Array((header + "R_1,9,a\n2,Bo").utf8), outcome: .rejected([5], field: "note", reason: "2 fields, expected 3"))
            case "nul_byte": return Defect(name: "nul_byte", bytes: Array((header + "R_1,9,a\n").utf8) + Array("2,Bo,".utf8) + [0, 10], outcome: defect.outcome)
            case "ragged_row": return Defect(name: "ragged_row", bytes: Array((header + "R_1,9,a\n2,Bo,x,y\n").utf8), outcome: defect.outcome)
            case "unterminated_quote": return Defect(name: "unterminated_quote", bytes: Array((header + "R_1,9,a\n2,Bo,\"never closed\n3,Cy,z\n").utf8), outcome: defect.outcome)
            case "invalid_bytes": return Defect(name: "invalid_bytes", bytes: Array((header + "R_1,9,a\n").utf8) + Array("2,Bo,caf".utf8) + [0xE9, 10],
                                                outcome: .rejected([5], field: "note", reason: "invalid byte 0xE9"))
            case "header_only": return Defect(name: "header_only_two_of_three_rows", bytes: Array(header.split(separator: "\n").prefix(2).joined(separator: "\n").utf8),
                                              outcome: .failed("the file ends inside its 2-row header"))
            default: return defect
            }
        }
        try check(format: .qualtricsCSV, ext: "csv", encoding: "utf-8", defects: defects, good: header + "R_1,9,fine\n", goodRecords: 1)
    }

    func testSurveyMonkeyCSV() throws {
        let header = "RespondentID,Do you recommend us?,note\n,Response,Open-Ended Response\n"
        let defects = BadInputSuiteTests.csvDefects(header: header, row: { "1,Yes,\($0)\n" }, layoutRows: 2)
            .filter { ["ragged_row", "empty_file", "duplicate_header_names", "huge_field_10MB"].contains($0.name) }
            .map { defect -> Defect in
                guard defect.name == "ragged_row" else { return defect }
                return Defect(name: "ragged_row", bytes: Array((header + "1,Yes,a\n2,No,x,y\n").utf8), outcome: .rejected([4], field: nil, reason: "4 fields, expected 3"))
            }
        try check(format: .surveymonkeyCSV, ext: "csv", defects: defects, good: header + "1,Yes,great\n", goodRecords: 1)
    }

    func testJSON() throws {
        try check(format: .json, ext: "json", defects: BadInputSuiteTests.jsonDefects,
                  good: "{\"tickets\": [{\"id\": 1}, {\"id\": 2}], \"next_page\": null}", goodRecords: 2)
    }

    func testXML() throws {
        try check(format: .servicenowXML, ext: "xml", defects: BadInputSuiteTests.xmlDefects,
                  good: "<unload><incident><number>INC1</number></incident></unload>", goodRecords: 1)
    }

    /// The hostile files from defusedxml are all refused, and the benign controls read.
    func testHostileXMLFixturesAreRefused() throws {
        let directory = TestSupport.fixtures + "/xml-hostile"
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let path = directory + "/" + name
            let started = Date()
            if name.contains("simple") {
                XCTAssertEqual(try CollectingSink.read(path, format: .xml).records.count, 2, name)
                continue
            }
            XCTAssertThrowsError(try CollectingSink.read(path, format: .xml), name) { error in
                guard case .malformed(let errorPath, _, _, _, _) = error as? ExtractError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(errorPath, path)
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 1.0, "\(name) is refused at once")
        }
    }
}
