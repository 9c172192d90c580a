import AmbassadorCore

/// Field values of one record, read by index without copying.
package protocol FieldValues {
    var count: Int { get }
    /// Whether the bytes handed to `withValue`'s body stay valid after it returns, until the
    /// record callback ends (CSV: they live in the reader's record buffer). When false
    /// (strings: a small one is copied to a temporary), a consumer must copy them.
    var bytesOutliveTheCall: Bool { get }
    /// Calls `body` with the UTF-8 bytes of value `index`, or `nil` when the record has none.
    func withValue<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R
}

/// Receives what a source reads from one file.
package protocol RecordSink: AnyObject {
    /// The file's column names (unique, ignoring case), before the first record that uses
    /// them. Sources whose records differ (JSON, XML) call it again as columns appear; the
    /// names already given keep their positions.
    func columns(_ names: [String]) throws
    /// A value that describes the file rather than a record (`next_page`, `end_time`).
    func metadata(_ key: String, _ value: String?) throws
    /// One record; `number` is its line (CSV) or element index (XML/JSON). Return `false` to stop.
    func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool
    /// A record that cannot be kept as it is, with the field at fault and the reason.
    func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws
}

extension RecordSink {
    package func metadata(_ key: String, _ value: String?) throws {}
}

/// A reader of one vendor format: turns a file into column names and records.
package protocol Source {
    /// The name used in pipeline files and `preview --format`.
    static var formatName: String { get }
    /// Streams the file at `path` into `sink`. Throws `ExtractError` when the file as a whole is unusable.
    func read(_ path: String, into sink: RecordSink, progress: ProgressReporter) throws
}

/// Makes a list of column names unique and usable: blanks become `column_N`, and a name
/// seen before (ignoring case, as SQLite does) gets a `_2`, `_3`… suffix.
package func uniqueColumnNames(_ names: [String], reserved: Set<String> = ["_file_id", "_record_no"]) -> [String] {
    var seen = Set(reserved.map { $0.lowercased() })
    var result: [String] = []
    for (index, raw) in names.enumerated() {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let base = trimmed.isEmpty ? "column_\(index + 1)" : trimmed
        var name = base
        var suffix = 2
        while seen.contains(name.lowercased()) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        seen.insert(name.lowercased())
        result.append(name)
    }
    return result
}

import Foundation
