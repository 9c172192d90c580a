import AmbassadorCore
import Foundation

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

/// Hands out column names that are unique and usable: each name cleaned (`ColumnName.clean`),
/// a blank one becomes `column_N`, and one whose `ColumnName.key` was taken before gets a
/// `_2`, `_3`… suffix. The renamed duplicates are remembered, so the file can say so.
struct ColumnNamer {
    private var taken: Set<ColumnName.Key>
    /// Duplicate header names and what they were renamed to, in order.
    private(set) var renamed: [(original: String, name: String)] = []

    init(reserved: Set<String> = ["_file_id", "_record_no"]) {
        taken = Set(reserved.map { ColumnName.key($0) })
    }

    /// A unique name for `raw`; `position` (1-based) names a blank one.
    mutating func name(for raw: String, position: Int) -> String {
        let cleaned = ColumnName.clean(raw)
        let base = cleaned.isEmpty ? "column_\(position)" : cleaned
        var name = base
        var suffix = 2
        while taken.contains(ColumnName.key(name)) {
            name = "\(base)_\(suffix)"
            suffix += 1
        }
        if name != base && !cleaned.isEmpty { renamed.append((cleaned, name)) }
        taken.insert(ColumnName.key(name))
        return name
    }
}
