import AmbassadorCore
@testable import Extract

/// Keeps everything a source emits, for assertions.
final class CollectingSink: RecordSink {
    var names: [String] = []
    var records: [(number: Int, values: [String?])] = []
    var rejects: [(number: Int, field: String?, reason: String)] = []
    var metadata: [String: String?] = [:]

    func metadata(_ key: String, _ value: String?) throws {
        metadata[key] = value
    }

    func columns(_ names: [String]) throws {
        self.names = names
    }

    func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        var row: [String?] = []
        for index in 0..<names.count {
            row.append(values.withValue(index) { $0.map { String(decoding: $0, as: UTF8.self) } })
        }
        records.append((number, row))
        return true
    }

    func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {
        rejects.append((number, field, reason))
    }

    /// Records as dictionaries, for comparison with JSON expectations.
    var dictionaries: [[String: String]] {
        records.map { record in
            var object: [String: String] = [:]
            for (name, value) in zip(names, record.values) { object[name] = value ?? "" }
            return object
        }
    }

    /// The value of `column` in record `index` (nil when absent or NULL).
    func value(_ index: Int, _ column: String) -> String? {
        guard let position = names.firstIndex(of: column), position < records[index].values.count else { return nil }
        return records[index].values[position]
    }

    /// Reads `path` with the source for `format` (or the detected one).
    static func read(_ path: String, format: SourceFormat? = nil, record: String? = nil) throws -> CollectingSink {
        let resolved = try format ?? SourceRegistry.detect(path)
        let source = try SourceRegistry.source(format: resolved, encoding: "auto", delimiter: nil, record: record, path: path)
        let sink = CollectingSink()
        try source.read(path, into: sink, progress: .silent)
        return sink
    }

    /// Reads `path` with a CSV source.
    static func csv(_ path: String, encoding: TextEncoding? = nil, delimiter: UInt8? = nil, chunkSize: Int = TextInput.chunkSize) throws -> CollectingSink {
        var source = CSVSource(encoding: encoding, delimiter: delimiter)
        source.chunkSize = chunkSize
        let sink = CollectingSink()
        try source.read(path, into: sink, progress: .silent)
        return sink
    }
}
