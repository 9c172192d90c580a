import AmbassadorCore
import Foundation
import PropertyBased
import TestSupport
import Testing
@testable import Extract
@testable import Generate

/// What the generator writes as CSV, the CSV reader reads back cell for cell — whatever the
/// cells hold: delimiters, quotes, line breaks (LF and CRLF), non-ASCII letters, spaces.
@Suite(.serialized)
struct CSVRoundTripPropertyTests {
    /// Cells drawn from pieces that stress the grammar.
    static let pieces = ["a", "Zoë", "東京", " ", ",", "\"", "\"\"", "\n", "\r\n", "x,y", "1.5", "-", "'", ";", "\t", "é"]
    static let cell = Gen.int(in: 0...(pieces.count - 1)).array(of: 0...4).map { $0.map { pieces[$0] }.joined() }

    @Test func everyCellReadsBackAsWritten() async throws {
        await propertyCheck(count: 60, input: Self.cell.array(of: 2...4).array(of: 1...6)) { rows in
            let width = rows.map(\.count).max() ?? 2
            let table = rows.map { $0 + Array(repeating: "", count: width - $0.count) }
            let header = (0..<width).map { "c\($0)" }
            let text = ([header] + table).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
            let path = TestSupport.temporaryDirectory("csvround") + "/t.csv"
            TestSupport.write(text, to: path)
            let sink = try CollectingSink.csv(path, encoding: .utf8, delimiter: UInt8(ascii: ","))
            #expect(sink.names == header)
            #expect(sink.rejects.isEmpty, "\(sink.rejects)")
            #expect(sink.records.map { $0.values.map { $0 ?? "" } } == table, "written: \(text.debugDescription)")
        }
    }
}
