/// Rows in COPY's text format, encoded as they are given: a tab between values, `\N` for NULL,
/// backslash, tab, newline and carriage return escaped, a newline after each row. Text is
/// sent as UTF-8; bytes that are not valid UTF-8 are replaced as `String(decoding:as:)`
/// replaces them, so a value given as bytes is sent exactly as the same value given as a
/// `String` would be.
package struct CopyRows {
    package private(set) var bytes: [UInt8] = []
    package private(set) var count = 0
    private var valuesInRow = 0

    package init() {}

    package var isEmpty: Bool { count == 0 }

    /// Appends one row of `values`.
    package mutating func append(_ values: [SQLValue]) {
        for value in values { append(value) }
        endRow()
    }

    /// Appends one value to the row being written.
    package mutating func append(_ value: SQLValue) {
        switch value {
        case .null: appendNull()
        case .integer(let v): appendInteger(v)
        case .real, .text:
            separate()
            escape((PostgresConnection.parameterText(value) ?? "").utf8)
        }
    }

    /// Appends rows encoded elsewhere (whole rows: `other` ends with a row's end).
    package mutating func append(_ other: CopyRows) {
        bytes.append(contentsOf: other.bytes)
        count += other.count
    }

    package mutating func appendNull() {
        separate()
        bytes.append(contentsOf: [92, 78])  // \N
    }

    package mutating func appendInteger(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends text given as bytes (UTF-8, as the value's `String` would hold it).
    package mutating func appendText(_ text: UnsafeBufferPointer<UInt8>) {
        separate()
        if text.allSatisfy({ $0 < 0x80 }) {
            escape(text)
        } else {
            escape(String(decoding: text, as: UTF8.self).utf8)
        }
    }

    /// Ends the row being written.
    package mutating func endRow() {
        bytes.append(10)
        count += 1
        valuesInRow = 0
    }

    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
        valuesInRow = 0
    }

    private mutating func separate() {
        if valuesInRow > 0 { bytes.append(9) }
        valuesInRow += 1
    }

    private mutating func escape<Bytes: Sequence>(_ text: Bytes) where Bytes.Element == UInt8 {
        for byte in text {
            switch byte {
            case 92: bytes.append(contentsOf: [92, 92])
            case 9: bytes.append(contentsOf: [92, 116])
            case 10: bytes.append(contentsOf: [92, 110])
            case 13: bytes.append(contentsOf: [92, 114])
            default: bytes.append(byte)
            }
        }
    }
}
