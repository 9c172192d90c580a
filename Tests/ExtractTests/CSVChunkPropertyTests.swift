import AmbassadorCore
import Foundation
import PropertyBased
import TestSupport
import Testing
@testable import Extract

/// A record the reader finds whole inside one read (no quote in it) is read in place; any
/// other goes through the reader's states. Read with the default chunk, most records of a
/// text take the first way; read four to thirteen bytes at a time, almost none can. Both
/// must give the same records — fields, first line, byte offset, problem — for any text.
@Suite(.serialized)
struct CSVChunkPropertyTests {
    /// Pieces that stress the grammar: delimiters, quotes, every line end, blank lines,
    /// non-ASCII letters, a NUL.
    static let pieces = ["a", "bc", "Zoë", ",", ",", "\"", "\"\"", "\n", "\n", "\r", "\r\n", "\n\n", " ", ";", "\t", "東", "\u{0}", "x\"y"]
    static let text = Gen.int(in: 0...(pieces.count - 1)).array(of: 0...80).map { $0.map { pieces[$0] }.joined() }

    /// Everything the reader reports of each record, as comparable values.
    static func read(_ path: String, chunkSize: Int) throws -> [String] {
        let reader = CSVReader(input: try TextInput(path: path, encoding: .utf8, chunkSize: chunkSize),
                               delimiter: UInt8(ascii: ","), maxRecordBytes: 40)
        var seen: [String] = []
        try reader.forEach { record in
            let fields = (0..<record.fieldCount).map { Array(record.field($0)) }
            seen.append("line \(record.line) offset \(record.offset) problem \(String(describing: record.problem)) fields \(fields)")
            return true
        }
        return seen
    }

    @Test func recordsReadInPlaceMatchRecordsReadByteByByte() async throws {
        await propertyCheck(count: 200, input: Self.text) { text in
            let path = TestSupport.temporaryDirectory("csvchunk") + "/t.csv"
            TestSupport.write(text, to: path)
            let whole = try Self.read(path, chunkSize: TextInput.chunkSize)
            for chunk in [4, 5, 7, 13] {
                #expect(try Self.read(path, chunkSize: chunk) == whole, "chunk \(chunk), text \(text.debugDescription)")
            }
        }
    }

    /// The in-place read, checked against values written by hand: fields split at each
    /// delimiter, empty fields kept, CR, LF and CRLF each ending one record, a blank line
    /// skipped, and a record too large for the limit rejected with its size, not cut.
    @Test func plainRecordsSplitAtEachDelimiter() throws {
        let path = TestSupport.temporaryDirectory("csvchunk") + "/plain.csv"
        TestSupport.write("a,,b\r\n,\rZoë,1\n\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nlast", to: path)
        let reader = CSVReader(input: try TextInput(path: path, encoding: .utf8), delimiter: UInt8(ascii: ","), maxRecordBytes: 40)
        var records: [(line: Int, offset: Int64, fields: [String], problem: CSVRecordProblem?)] = []
        try reader.forEach { record in
            records.append((record.line, record.offset, (0..<record.fieldCount).map(record.string), record.problem))
            return true
        }
        #expect(records.map(\.fields) == [["a", "", "b"], ["", ""], ["Zoë", "1"], [""], ["last"]])
        #expect(records.map(\.line) == [1, 2, 3, 5, 6])
        #expect(records.map(\.offset) == [0, 6, 8, 16, 67])
        #expect(records[3].problem == .tooLarge(bytes: 50, limit: 40))
        #expect(records.enumerated().allSatisfy { $0.offset == 3 || $0.element.problem == nil })
    }
}
