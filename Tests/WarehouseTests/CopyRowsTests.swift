import Warehouse
import XCTest

/// PostgreSQL's COPY text as `CopyRows` writes it, whether a value comes as bytes (normalize's
/// staged batches) or as an `SQLValue`: the same bytes for the same value.
final class CopyRowsTests: XCTestCase {
    private func encoded(_ body: (inout CopyRows) -> Void) -> String {
        var rows = CopyRows()
        body(&rows)
        return String(decoding: rows.bytes, as: UTF8.self)
    }

    func testValuesAreSeparatedEscapedAndEndedAsCOPYsTextFormatReadsThem() {
        let text = encoded { rows in
            rows.append([.integer(-7), .null, .text("a\tb\\c\nd\re"), .real(0.5)])
            rows.appendText(UnsafeBufferPointer(start: nil, count: 0))
            rows.appendInteger(3)
            rows.endRow()
        }
        XCTAssertEqual(text, "-7\t\\N\ta\\tb\\\\c\\nd\\re\t0.5\n\t3\n", "tab-separated, \\N for NULL, four escapes, one row a line")
    }

    /// Bytes are sent as the `String` they decode to: valid UTF-8 as is, an invalid byte as
    /// U+FFFD — as the values of a staged row were when they became `SQLValue`s first.
    func testBytesAreEncodedAsTheStringTheyDecodeTo() {
        let samples: [[UInt8]] = [Array("plain".utf8), Array("café ☕ \t\\".utf8), [0x61, 0xFF, 0x62], [0xE2, 0x82], [0x5C, 0x0A, 0xC3, 0xA9]]
        for sample in samples {
            let fromBytes = encoded { rows in
                sample.withUnsafeBufferPointer { rows.appendText($0) }
                rows.endRow()
            }
            let fromString = encoded { $0.append([.text(String(decoding: sample, as: UTF8.self))]) }
            XCTAssertEqual(fromBytes, fromString, "\(sample)")
        }
        XCTAssertEqual(encoded { rows in [UInt8]([0x61, 0xFF, 0x62]).withUnsafeBufferPointer { rows.appendText($0) } }, "a\u{FFFD}b")
    }
}
