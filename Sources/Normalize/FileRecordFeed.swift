import AmbassadorCore
import Extract
import Warehouse

/// Hands the records a reader streams out of an archived file to the row normalizer: each
/// of the plan's raw columns is found by name in the file's columns (a JSON or XML file may
/// name a column only at a later record; the names already given keep their positions).
/// CSV values are read in place; values of readers whose bytes do not outlive the call are
/// copied into buffers reused from record to record.
///
/// Extract already read this file and recorded its rejected records, so the feed skips
/// them; it counts what it saw, to be compared with the manifest's figures.
final class FileRecordFeed: RecordSink, RawRecord {
    private let planColumns: [ColumnName.Key?]
    private var positions: [Int?]
    private var current: [UnsafeBufferPointer<UInt8>?]
    private var copies: [UnsafeMutableBufferPointer<UInt8>]
    private let body: (Int, FileRecordFeed) throws -> Void
    private(set) var records = 0
    private(set) var rejects = 0

    /// `body` receives each record's number (line or element index) and the feed, read as
    /// the record's `RawRecord` until it returns. A nil name reads as no value.
    init(planColumns: [String?], body: @escaping (Int, FileRecordFeed) throws -> Void) {
        self.planColumns = planColumns.map { $0.map { ColumnName.key($0) } }
        positions = Array(repeating: nil, count: planColumns.count)
        current = Array(repeating: nil, count: planColumns.count)
        copies = planColumns.map { _ in UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256) }
        self.body = body
    }

    deinit {
        for buffer in copies { buffer.deallocate() }
    }

    func columns(_ names: [String]) throws {
        var index: [ColumnName.Key: Int] = [:]
        for (position, name) in names.enumerated() where index[ColumnName.key(name)] == nil {
            index[ColumnName.key(name)] = position
        }
        positions = planColumns.map { $0.flatMap { index[$0] } }
    }

    func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        let inPlace = values.bytesOutliveTheCall
        for (column, position) in positions.enumerated() {
            guard let position, position < values.count else {
                current[column] = nil
                continue
            }
            current[column] = values.withValue(position) { bytes -> UnsafeBufferPointer<UInt8>? in
                guard let bytes else { return nil }
                if inPlace { return bytes }
                if bytes.count > copies[column].count {
                    copies[column].deallocate()
                    copies[column] = .allocate(capacity: max(bytes.count, copies[column].count * 2))
                }
                let end = copies[column].initialize(fromContentsOf: bytes)
                return UnsafeBufferPointer(rebasing: copies[column][0..<end])
            }
        }
        records += 1
        try body(number, self)
        return true
    }

    func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {
        rejects += 1
    }

    func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
        current[column]
    }

    /// How many plan columns each record has.
    var columnCount: Int { current.count }
}

/// One record of a `FileRecordFeed` read as a row of `raw_<source>` would be: column 0 the
/// record's number, then the plan's columns as text (NULL where the record has no value).
/// Valid only while the feed's body runs.
struct FeedRow: WarehouseRow {
    let number: Int
    let feed: FileRecordFeed

    private func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        column >= 1 && Int(column) <= feed.columnCount ? feed.bytes(Int(column) - 1) : nil
    }

    func isNull(_ column: Int32) -> Bool { column == 0 ? false : bytes(column) == nil }
    func text(_ column: Int32) -> String? {
        column == 0 ? String(number) : bytes(column).map { String(decoding: $0, as: UTF8.self) }
    }
    func int(_ column: Int32) -> Int { column == 0 ? number : text(column).flatMap { Int($0) } ?? 0 }
    func int64(_ column: Int32) -> Int64 { Int64(int(column)) }
    func double(_ column: Int32) -> Double { column == 0 ? Double(number) : text(column).flatMap { Double($0) } ?? 0 }
    func value(_ column: Int32) -> SQLValue {
        column == 0 ? .integer(Int64(number)) : text(column).map { .text($0) } ?? .null
    }
    /// The text's bytes (the record number has none: read it with `int64(0)`).
    func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? { bytes(column) }
    var columnCount: Int32 { Int32(feed.columnCount + 1) }
}
