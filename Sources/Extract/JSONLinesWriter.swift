import AmbassadorCore

/// Writes records as JSON Lines (`preview`): one object per record, field → string, plus
/// `_record_no`; rejected records go to the error stream as `file:line: field: reason`.
package final class JSONLinesWriter: RecordSink {
    private let path: String
    private let limit: Int?
    private let write: (String) -> Void
    private let writeError: (String) -> Void
    private var names: [String] = []
    private var encodedNames: [String] = []
    package private(set) var written = 0
    package private(set) var rejected = 0

    /// - Parameters:
    ///   - limit: stop after this many records.
    ///   - write: receives each output line (with its newline).
    ///   - writeError: receives each reject line (with its newline).
    package init(path: String, limit: Int?, write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.path = path
        self.limit = limit
        self.write = write
        self.writeError = writeError
    }

    package func columns(_ names: [String]) throws {
        self.names = names
        encodedNames = names.map { JSONText.quote($0) }
    }

    package func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        if let limit, written >= limit { return false }
        var line = "{"
        for index in 0..<names.count {
            if index > 0 { line += "," }
            line += encodedNames[index]
            line += ":"
            values.withValue(index) { bytes in
                if let bytes {
                    line += JSONText.quote(String(decoding: bytes, as: UTF8.self))
                } else {
                    line += "null"
                }
            }
        }
        line += names.isEmpty ? "" : ","
        line += "\"_record_no\":\(number)}\n"
        write(line)
        written += 1
        if let limit, written >= limit { return false }
        return true
    }

    package func metadata(_ key: String, _ value: String?) throws {
        if key.hasPrefix("skipped/") {
            writeError("\(path): skipped \(value ?? "?") \(key.dropFirst(8)) record(s)\n")
        }
    }

    package func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {
        rejected += 1
        let at = field.map { " field \"\($0)\":" } ?? ""
        writeError("\(path):\(number):\(at) rejected: \(reason)\n")
    }
}
