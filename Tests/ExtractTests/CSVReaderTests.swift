import AmbassadorCore
import Foundation
import TestSupport
import XCTest
@testable import Extract

final class CSVReaderTests: XCTestCase {
    private var spectrum: String { TestSupport.fixtures + "/csv/csv-spectrum" }
    private var csvkit: String { TestSupport.fixtures + "/csv/csvkit" }

    /// Every csv-spectrum case gives exactly its expected JSON.
    func testCSVSpectrumMatchesExpectedJSON() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: spectrum + "/csvs").filter { $0.hasSuffix(".csv") }.sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for name in cases {
            let expectedData = try Data(contentsOf: URL(fileURLWithPath: spectrum + "/json/" + name.replacingOccurrences(of: ".csv", with: ".json")))
            let expected = try JSONSerialization.jsonObject(with: expectedData) as? [[String: String]]
            let sink = try CollectingSink.csv(spectrum + "/csvs/" + name, delimiter: UInt8(ascii: ","))
            XCTAssertEqual(sink.dictionaries, expected, name)
            XCTAssertTrue(sink.rejects.isEmpty, name)
        }
    }

    /// Chunk boundaries anywhere (quotes, CRLF, multi-byte characters split) change nothing.
    func testTinyChunksGiveTheSameRecordsAndLines() throws {
        let directory = TestSupport.temporaryDirectory()
        let messy = "id,text,n\r\n1,\"a, \"\"quoted\"\"\r\nline\",7\r\n\r\n2,Zoë — ünïcödé,8\r3,\"\",9\n4,\"x\ny\rz\",10\r\n"
        TestSupport.write(messy, to: directory + "/messy.csv")
        var files = [directory + "/messy.csv"]
        files += try FileManager.default.contentsOfDirectory(atPath: spectrum + "/csvs").map { spectrum + "/csvs/" + $0 }
        for file in files {
            let whole = try CollectingSink.csv(file, delimiter: UInt8(ascii: ","))
            for chunk in [4, 5, 6, 7, 9, 13] {
                let small = try CollectingSink.csv(file, delimiter: UInt8(ascii: ","), chunkSize: chunk)
                XCTAssertEqual(small.names, whole.names, "\(file) chunk \(chunk)")
                XCTAssertEqual(small.records.map(\.number), whole.records.map(\.number), "\(file) chunk \(chunk)")
                XCTAssertEqual(small.records.map(\.values), whole.records.map(\.values), "\(file) chunk \(chunk)")
            }
        }
        let sink = try CollectingSink.csv(directory + "/messy.csv")
        XCTAssertEqual(sink.records.map(\.number), [2, 5, 6, 7], "records start on their physical line")
        XCTAssertEqual(sink.records[0].values, ["1", "a, \"quoted\"\r\nline", "7"])
        XCTAssertEqual(sink.records[1].values, ["2", "Zoë — ünïcödé", "8"])
        XCTAssertEqual(sink.records[3].values, ["4", "x\ny\rz", "10"])
    }

    func testLineEndingsCROnlyAndMixed() throws {
        let sink = try CollectingSink.csv(csvkit + "/csvkit_mac_newlines.csv")
        XCTAssertEqual(sink.names, ["a", "b", "c"])
        XCTAssertEqual(sink.records.map(\.values), [["1", "2", "3"], ["Once upon\ra time", "5", "6"]])
        XCTAssertEqual(sink.records.map(\.number), [2, 3])
    }

    func testUTF16WithBOMAndLatin1AreDetected() throws {
        let little = try CollectingSink.csv(csvkit + "/csvkit_test_utf16_little.csv")
        XCTAssertEqual(little.names, ["a", "b", "c"])
        XCTAssertEqual(little.records.map(\.values), [["1", "2", "3"], ["4", "5", "ʤ"]])
        let big = try CollectingSink.csv(csvkit + "/csvkit_test_utf16_big.csv")
        XCTAssertEqual(big.records.map(\.values), little.records.map(\.values))
        let latin = try CollectingSink.csv(csvkit + "/csvkit_test_latin1.csv")
        XCTAssertEqual(latin.records.last?.values, ["4", "5", "©"])
        let bom = try CollectingSink.csv(csvkit + "/csvkit_test_utf8_bom.csv")
        XCTAssertEqual(bom.names.first, "foo", "the byte-order mark is not part of the first header")
    }

    func testNULByteAndRaggedRowsAreRejectedWithLineAndField() throws {
        let nul = try CollectingSink.csv(csvkit + "/csvkit_null_byte.csv")
        XCTAssertEqual(nul.records.count, 0)
        XCTAssertEqual(nul.rejects.count, 1)
        XCTAssertEqual(nul.rejects.first?.number, 2)
        XCTAssertEqual(nul.rejects.first?.field, "a")
        XCTAssertTrue(nul.rejects.first?.reason.contains("NUL") ?? false)

        let bad = try CollectingSink.csv(csvkit + "/csvkit_bad.csv")
        XCTAssertEqual(bad.records.map(\.number), [4])
        XCTAssertEqual(bad.rejects.map(\.number), [2, 3])
        XCTAssertTrue(bad.rejects[0].reason.contains("4 fields, expected 3"), bad.rejects[0].reason)
        XCTAssertTrue(bad.rejects[1].reason.contains("2 fields, expected 3"), bad.rejects[1].reason)
    }

    func testInvalidUTF8IsRejectedWithOffsetWhenEncodingIsFixed() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write(Array("a,b\n1,ok\n2,caf".utf8) + [0xE9] + Array("\n3,fine\n".utf8), to: directory + "/bad.csv")
        let sink = try CollectingSink.csv(directory + "/bad.csv", encoding: .utf8)
        XCTAssertEqual(sink.records.map(\.number), [2, 4])
        XCTAssertEqual(sink.rejects.first?.number, 3)
        XCTAssertEqual(sink.rejects.first?.field, "b")
        XCTAssertTrue(sink.rejects.first?.reason.contains("0xE9 at offset 3") ?? false, sink.rejects.first?.reason ?? "")
        // Left to detection, the same file reads as Windows-1252 and loses nothing.
        let detected = try CollectingSink.csv(directory + "/bad.csv")
        XCTAssertEqual(detected.records[1].values, ["2", "café"])
    }

    /// A quote left open runs to the end of the file, taking every row after it (here the
    /// row `4,5`): the file fails whole, naming where the quote began, instead of loading
    /// the rows before it with exit 0 (issue 15.4: a truncated Qualtrics export).
    func testUnterminatedQuoteFailsTheFileAndAnOversizedRecordIsRejected() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("a,b\n1,2\n3,\"never closed\n4,5\n", to: directory + "/open.csv")
        XCTAssertThrowsError(try CollectingSink.csv(directory + "/open.csv")) { error in
            guard case let ExtractError.truncated(path, offset, message, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("/open.csv"))
            XCTAssertEqual(offset, 8, "line 3 starts at byte 8")
            XCTAssertEqual(message, "the file ends inside a quoted field that began on line 3")
        }

        TestSupport.write("a,b\n1," + String(repeating: "x", count: 5000) + "\n2,3\n", to: directory + "/big.csv")
        var source = CSVSource(encoding: nil, delimiter: nil)
        source.maxRecordBytes = 1000
        let sink = CollectingSink()
        try source.read(directory + "/big.csv", into: sink, progress: .silent)
        XCTAssertEqual(sink.records.map(\.values), [["2", "3"]])
        XCTAssertEqual(sink.rejects.map(\.number), [2])
        XCTAssertEqual(sink.rejects.first?.reason, "record larger than 1000 bytes (at least 5001); expected records under the limit",
                       "the size is the record's fields, 1 + 5000 bytes")

        // One field over the limit: its bytes are dropped, and its line end must still end it
        // rather than read as a blank line (which swallowed the next record into the reject).
        TestSupport.write("a,b\n1,2\n" + String(repeating: "y", count: 3000) + "\n3,4\n", to: directory + "/one.csv")
        let one = CollectingSink()
        try source.read(directory + "/one.csv", into: one, progress: .silent)
        XCTAssertEqual(one.records.map(\.values), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(one.records.map(\.number), [2, 4])
        XCTAssertEqual(one.rejects.map(\.number), [3])
        XCTAssertEqual(one.rejects.first?.reason, "record larger than 1000 bytes (at least 3000); expected records under the limit")
    }

    func testEmptyFileFailsAndHeaderOnlyHasNoRecords() throws {
        XCTAssertThrowsError(try CollectingSink.csv(csvkit + "/csvkit_empty.csv")) { error in
            guard case .malformed(_, let line, _, let message, _) = error as? ExtractError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 1)
            XCTAssertTrue(message.contains("empty"))
        }
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("a,b,c\r\n", to: directory + "/header.csv")
        let sink = try CollectingSink.csv(directory + "/header.csv")
        XCTAssertEqual(sink.names, ["a", "b", "c"])
        XCTAssertTrue(sink.records.isEmpty)
    }

    func testDelimiterIsSniffedAndDuplicateHeadersMadeUnique() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("Name;name;;Score\nAda;x;y;1,5\n", to: directory + "/semi.csv")
        let sink = try CollectingSink.csv(directory + "/semi.csv")
        XCTAssertEqual(sink.names, ["Name", "name_2", "column_3", "Score"])
        XCTAssertEqual(sink.records.first?.values, ["Ada", "x", "y", "1,5"])
        let tsv = try CollectingSink.csv(csvkit + "/csvkit_dummy.tsv")
        XCTAssertEqual(tsv.names, ["a", "b", "c"])
    }

    /// The hand-written UTF-8 validator agrees with the standard library on random bytes.
    func testUTF8CheckAgreesWithStandardLibrary() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<5000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 12) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let pick = UInt8(truncatingIfNeeded: state >> 33)
                bytes.append(state % 3 == 0 ? pick : (pick & 0x3F) | 0x80 | (state % 5 == 0 ? 0x40 : 0))
            }
            let ours = bytes.withUnsafeBufferPointer { UTF8Check.firstInvalid($0[...]) } == nil
            let theirs = String(validating: bytes, as: UTF8.self) != nil
            XCTAssertEqual(ours, theirs, "\(bytes.map { String($0, radix: 16) })")
        }
    }

    func testDateInFileName() {
        XCTAssertEqual(InboxScanner.dateInFileName("/in/roster_2026-01-31.csv")?.description, "2026-01-31")
        XCTAssertEqual(InboxScanner.dateInFileName("export_20250214_v2.csv")?.description, "2025-02-14")
        XCTAssertEqual(InboxScanner.dateInFileName("hr_2024_12_01.csv")?.description, "2024-12-01")
        XCTAssertNil(InboxScanner.dateInFileName("tickets_2026-02-30.csv"), "no such day")
        XCTAssertNil(InboxScanner.dateInFileName("id_1234567890.csv"), "a longer number is not a date")
        XCTAssertNil(InboxScanner.dateInFileName("/2026-01-01/plain.csv"), "only the file name counts")
    }

    /// Issue 14.7: text after a closing quote (`"1","2","3" "`) is a reject naming the field,
    /// not the value `3 "`; spaces between a closing quote and the delimiter are allowed.
    func testTextAfterAClosingQuoteIsRejectedAndSpacesAreNot() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("a,b,c\n\"1\",\"2\",\"3\" \"\n\"4\" ,\"5\"\t,\"6\"\n\"7\"x,8,9\n", to: directory + "/q.csv")
        let sink = try CollectingSink.csv(directory + "/q.csv")
        XCTAssertEqual(sink.records.map(\.values), [["4", "5", "6"]])
        XCTAssertEqual(sink.rejects.map(\.number), [2, 4])
        XCTAssertEqual(sink.rejects.map(\.field), ["c", "a"])
        XCTAssertTrue(sink.rejects.allSatisfy { $0.reason.contains("text after the closing quote") }, "\(sink.rejects)")
    }
}

extension CSVReaderTests {
    /// Issue 14.7: a report title above the header (one field, then a row of several) is not a
    /// column and not a record; a one-column file still reads its one-column header.
    func testATitleLineAboveTheHeaderIsSkipped() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("Employee roster report - generated 2026-11-01\nEmployee ID,Name,Department\nE1,Ann,Support\n", to: directory + "/titled.csv")
        let titled = try CollectingSink.csv(directory + "/titled.csv")
        XCTAssertEqual(titled.names, ["Employee ID", "Name", "Department"])
        XCTAssertEqual(titled.records.map(\.values), [["E1", "Ann", "Support"]])
        XCTAssertEqual(titled.records.first?.number, 3, "lines keep their numbers")
        TestSupport.write("id\n7\n8\n", to: directory + "/one.csv")
        let one = try CollectingSink.csv(directory + "/one.csv")
        XCTAssertEqual(one.names, ["id"])
        XCTAssertEqual(one.records.map(\.values), [["7"], ["8"]])
        TestSupport.write("id\n", to: directory + "/header-only.csv")
        XCTAssertEqual(try CollectingSink.csv(directory + "/header-only.csv").names, ["id"])
    }
}
