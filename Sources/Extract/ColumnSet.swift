/// The growing column list of a file whose records do not share one header (JSON, XML):
/// a new path gets the next position, made unique by `ColumnNamer`, and the
/// sink hears of the new list before the record that needs it.
final class ColumnSet {
    private(set) var names: [String] = []
    private var indexByPath: [String: Int] = [:]
    private var namer = ColumnNamer()
    private var announced = 0

    /// The position of `path`, adding it when new.
    func index(_ path: String) -> Int {
        if let known = indexByPath[path] { return known }
        let name = namer.name(for: path.isEmpty ? "value" : path, position: names.count + 1)
        names.append(name)
        indexByPath[path] = names.count - 1
        return names.count - 1
    }

    /// Tells the sink the columns when some were added since it last heard.
    func announce(to sink: RecordSink) throws {
        guard names.count > announced else { return }
        announced = names.count
        try sink.columns(names)
    }
}

/// Field values held as strings, by column position.
struct StringFields: FieldValues {
    let values: [String?]

    var count: Int { values.count }
    /// `withUTF8` of a small string points at a temporary copy: never bind it without copying.
    var bytesOutliveTheCall: Bool { false }

    func withValue<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard index < values.count, var value = values[index] else { return try body(nil) }
        return try value.withUTF8 { try body($0) }
    }
}

/// Flattens a record's fields into column positions and hands it to the sink. A value
/// holding a NUL character (JSON's `\u0000`, XML's `&#0;` is not even allowed) rejects its
/// record, as a NUL byte does in a CSV file: no warehouse stores it alike (PostgreSQL's text
/// cannot hold it at all).
struct RecordAssembler {
    let columns: ColumnSet
    let sink: RecordSink

    func emit(_ fields: [(String, String?)], number: Int) throws -> Bool {
        var values: [String?] = []
        for (path, value) in fields {
            let index = columns.index(path)
            if let value, let nul = value.utf8.firstIndex(of: 0) {
                try columns.announce(to: sink)
                try sink.reject(number, field: columns.names[index], rawValue: nil,
                                reason: "NUL character at offset \(value.utf8.distance(from: value.utf8.startIndex, to: nul)) of the value; expected text")
                return true
            }
            if values.count <= index { values.append(contentsOf: repeatElement(nil, count: index - values.count + 1)) }
            values[index] = value
        }
        try columns.announce(to: sink)
        return try sink.record(number, StringFields(values: values))
    }
}
