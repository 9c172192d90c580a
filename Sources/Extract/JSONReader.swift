/// A member of a JSON object. (A struct rather than a tuple inside the recursive enum:
/// the tuple form tripped the compiler's incremental builds with a "circular reference".)
package struct JSONMember {
    package let key: String
    package let value: JSONNode
}

/// One JSON value, as parsed for a single record (never a whole file).
package indirect enum JSONNode {
    case object([JSONMember])
    case array([JSONNode])
    case string(String)
    /// The number exactly as written (`1.0` stays `1.0`).
    case number(String)
    case bool(Bool)
    case null

    /// Compact JSON text (arrays kept whole in one column).
    package var jsonText: String {
        switch self {
        case .object(let members):
            return "{" + members.map { JSONText.quote($0.key) + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .string(let s): return JSONText.quote(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}

import AmbassadorCore

/// A streaming JSON reader over 1 MiB chunks: values are parsed one record at a time, so
/// memory follows the largest record, not the file. Positions (line, column, byte) are
/// kept for messages; nesting depth and record size are limited.
final class JSONReader {
    static let maxDepth = 512

    private let input: TextInput
    let path: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// Bytes consumed before `buffer[0]`.
    private var base: Int64 = 0
    private(set) var line = 1
    private var lineStart: Int64 = 0
    /// Bytes a record may use before the file is refused.
    let maxRecordBytes: Int
    private var recordStart: Int64 = 0

    init(input: TextInput, maxRecordBytes: Int) {
        self.input = input
        self.path = input.path
        self.maxRecordBytes = maxRecordBytes
    }

    /// Byte offset of the next unread byte.
    var offset: Int64 { base + Int64(position) }
    var column: Int { Int(offset - lineStart) + 1 }
    var bytesRead: Int64 { input.bytesRead }

    // MARK: - Bytes

    private func refill() throws -> Bool {
        guard !atEnd else { return false }
        base += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
        position = 0
        let more = try input.nextChunk { chunk in buffer.append(contentsOf: chunk) }
        if !more { atEnd = true }
        return !buffer.isEmpty
    }

    /// The next byte without consuming it, or nil at end of input.
    @inline(__always)
    func peek() throws -> UInt8? {
        if position < buffer.count { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    @inline(__always)
    private func advance() {
        position += 1
    }

    /// Skips white space, counting lines.
    func skipWhitespace() throws {
        while let b = try peek() {
            switch b {
            case 0x20, 0x09, 0x0D: advance()
            case 0x0A:
                advance()
                line += 1
                lineStart = offset
            default: return
            }
        }
    }

    func fail(_ message: String, expected: String) -> ExtractError {
        .malformed(path: path, line: line, column: column, message: message, expected: expected)
    }

    /// Consumes `byte` (after white space) or fails.
    func expect(_ byte: UInt8, _ what: String) throws {
        try skipWhitespace()
        guard let b = try peek() else { throw fail("the file ends early", expected: what) }
        guard b == byte else { throw fail("unexpected \(describe(b))", expected: what) }
        advance()
    }

    func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? "'\(Character(UnicodeScalar(byte)))'" : String(format: "byte 0x%02X", byte)
    }

    /// Starts the size budget of a record.
    func beginRecord() {
        recordStart = offset
    }

    private func checkBudget() throws {
        if offset - recordStart > Int64(maxRecordBytes) {
            throw fail("a record is larger than \(maxRecordBytes) bytes", expected: "records under the size limit")
        }
    }

    // MARK: - Values

    /// Parses one complete value.
    func value(depth: Int = 0) throws -> JSONNode {
        guard depth < JSONReader.maxDepth else {
            throw fail("nesting deeper than \(JSONReader.maxDepth) levels", expected: "JSON nested at most \(JSONReader.maxDepth) deep")
        }
        try skipWhitespace()
        guard let b = try peek() else { throw fail("the file ends where a value should start", expected: "a JSON value") }
        switch b {
        case UInt8(ascii: "{"):
            advance()
            var members: [JSONMember] = []
            try skipWhitespace()
            if try peek() == UInt8(ascii: "}") {
                advance()
                return .object(members)
            }
            while true {
                try skipWhitespace()
                guard try peek() == UInt8(ascii: "\"") else {
                    throw fail("expected a member name", expected: "\"name\": value")
                }
                let key = try string()
                try expect(UInt8(ascii: ":"), "':' after a member name")
                members.append(JSONMember(key: key, value: try value(depth: depth + 1)))
                try checkBudget()
                try skipWhitespace()
                guard let next = try peek() else { throw fail("the file ends inside an object", expected: "',' or '}'") }
                advance()
                if next == UInt8(ascii: "}") { return .object(members) }
                guard next == UInt8(ascii: ",") else { throw fail("unexpected \(describe(next)) in an object", expected: "',' or '}'") }
            }
        case UInt8(ascii: "["):
            advance()
            var items: [JSONNode] = []
            try skipWhitespace()
            if try peek() == UInt8(ascii: "]") {
                advance()
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                try checkBudget()
                try skipWhitespace()
                guard let next = try peek() else { throw fail("the file ends inside an array", expected: "',' or ']'") }
                advance()
                if next == UInt8(ascii: "]") { return .array(items) }
                guard next == UInt8(ascii: ",") else { throw fail("unexpected \(describe(next)) in an array", expected: "',' or ']'") }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw fail("unexpected \(describe(b))", expected: "a JSON value")
        }
    }

    private func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard let b = try peek(), b == expected else {
                throw fail("not a JSON literal", expected: "'\(word)'")
            }
            advance()
        }
    }

    private func number() throws -> String {
        var bytes: [UInt8] = []
        while let b = try peek(), (b >= 48 && b <= 57) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            bytes.append(b)
            advance()
            if bytes.count > 400 { throw fail("a number longer than 400 characters", expected: "a JSON number") }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard Double(text) != nil, bytes.last.map({ $0 >= 48 && $0 <= 57 }) == true else {
            throw fail("'\(text)' is not a number", expected: "a JSON number such as -12.5e3")
        }
        return text
    }

    /// A string literal (the opening quote is next).
    func string() throws -> String {
        advance()
        var bytes: [UInt8] = []
        var highSurrogate: UInt32? = nil
        var nonASCII = false
        while true {
            guard let b = try peek() else { throw fail("the file ends inside a string", expected: "a closing '\"'") }
            advance()
            if b == UInt8(ascii: "\"") { break }
            if b < 0x20 { throw fail("a raw control character \(describe(b)) in a string", expected: "control characters escaped as \\n, \\t or \\u00XX") }
            if b >= 0x80 { nonASCII = true }
            if b != UInt8(ascii: "\\") {
                if highSurrogate != nil { appendScalar(0xFFFD, &bytes); highSurrogate = nil }
                bytes.append(b)
                if bytes.count > maxRecordBytes { try checkBudget() }
                continue
            }
            guard let e = try peek() else { throw fail("the file ends inside an escape", expected: "an escape such as \\n") }
            advance()
            var scalar: UInt32
            switch e {
            case UInt8(ascii: "\""): scalar = 0x22
            case UInt8(ascii: "\\"): scalar = 0x5C
            case UInt8(ascii: "/"): scalar = 0x2F
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                for _ in 0..<4 {
                    guard let h = try peek(), let digit = hexValue(h) else {
                        throw fail("a \\u escape without four hex digits", expected: "\\u followed by four hex digits")
                    }
                    advance()
                    value = value << 4 | digit
                }
                scalar = value
            default:
                throw fail("unknown escape \\\(Character(UnicodeScalar(e)))", expected: "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
            }
            if let high = highSurrogate {
                highSurrogate = nil
                if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (scalar - 0xDC00), &bytes)
                    continue
                }
                appendScalar(0xFFFD, &bytes)
            }
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                highSurrogate = scalar
            } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                appendScalar(0xFFFD, &bytes)
            } else {
                appendScalar(scalar, &bytes)
            }
        }
        if highSurrogate != nil { appendScalar(0xFFFD, &bytes) }
        if nonASCII, let bad = bytes.withUnsafeBufferPointer({ UTF8Check.firstInvalid($0[...]) }) {
            throw fail(String(format: "invalid UTF-8 byte 0x%02X in a string", bytes[bad]), expected: "UTF-8 text, as JSON requires")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 48...57: return UInt32(b - 48)
        case 65...70: return UInt32(b - 55)
        case 97...102: return UInt32(b - 87)
        default: return nil
        }
    }

    private func appendScalar(_ scalar: UInt32, _ bytes: inout [UInt8]) {
        guard let s = Unicode.Scalar(scalar) else {
            bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            return
        }
        bytes.append(contentsOf: Array(String(Character(s)).utf8))
    }
}
