import AmbassadorCore
import Foundation

/// Plain CSV with one header row (HR roster reports, ticket logs, customer events).
///
/// Records whose field count differs from the header are rejected (a row with only extra
/// empty fields, as from a trailing delimiter, is accepted). Records with a NUL byte or
/// invalid UTF-8 are rejected with the field and offset. A file that ends inside a quoted
/// field fails whole (truncated, or a stray quote swallowed the rows after it).
package struct CSVSource: Source {
    package static let formatName = "csv"
    package var encoding: TextEncoding?
    package var delimiter: UInt8?
    package var maxRecordBytes = CSVReader.defaultMaxRecordBytes
    package var chunkSize = TextInput.chunkSize
    package var layout = CSVLayout.plain

    package init(encoding: TextEncoding?, delimiter: UInt8?, layout: CSVLayout = .plain) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.layout = layout
    }

    package func read(_ path: String, into sink: RecordSink, progress: ProgressReporter) throws {
        let input = try TextInput(path: path, encoding: encoding, chunkSize: chunkSize)
        let reader = CSVReader(input: input, delimiter: delimiter, maxRecordBytes: maxRecordBytes)
        var header: [String]? = nil
        var headerRows: [[String]] = []
        /// The header as written (cleaned), to recognise it again inside the data.
        var written = RepeatedHeader(names: [])
        var rows = 0
        progress.begin("extract \(path.split(separator: "/").last.map(String.init) ?? path)", total: input.size)
        defer { progress.end() }
        try reader.forEach { record in
            guard let names = header else {
                if let bad = record.firstBadByte() {
                    throw ExtractError.malformed(
                        path: path, line: record.line, column: nil,
                        message: bad.nul ? "NUL byte in the header" : String(format: "invalid byte 0x%02X in the header (encoding %@)", bad.byte, reader.encoding.rawValue),
                        expected: "a text header row in the configured encoding")
                }
                if let problem = record.problem {
                    throw ExtractError.malformed(path: path, line: record.line, column: nil,
                                                 message: "unusable header (\(problem))", expected: "a header row naming the columns")
                }
                headerRows.append(record.strings)
                let decision = layout.decide(headerRows)
                switch decision {
                case .needMore:
                    return true
                case let .header(raw, labels, ids), let .headerBeforeLast(raw, labels, ids):
                    var namer = ColumnNamer()
                    let unique = raw.enumerated().map { namer.name(for: $0.element, position: $0.offset + 1) }
                    written = RepeatedHeader(names: raw.map(ColumnName.clean))
                    header = unique
                    // What the header rows say of each column comes first: a sink may decide
                    // which columns to keep from it (an employee survey keeps its answers).
                    for (index, name) in raw.enumerated() where index < unique.count {
                        if let label = labels[name], label != unique[index] { try sink.metadata("label/" + unique[index], label) }
                        if let tag = ids[name] {
                            try sink.metadata("import_id/" + unique[index], tag.id)
                            if let zone = tag.timeZone { try sink.metadata("timezone/" + unique[index], zone) }
                        }
                    }
                    try sink.columns(unique)
                    // A repeated header name is kept under a new name, and said, never dropped.
                    for duplicate in namer.renamed { try sink.metadata("duplicate_column/" + duplicate.name, duplicate.original) }
                    if case .headerBeforeLast = decision {
                        rows += 1
                        return try deliver(record, header: unique, sink: sink, encoding: reader.encoding, path: path, written: written)
                    }
                    return true
                }
            }
            rows += 1
            progress.update(rows: rows, done: reader.bytesRead)
            return try deliver(record, header: names, sink: sink, encoding: reader.encoding, path: path, written: written)
        }
        if header == nil, layout == .plain, headerRows.count == 1 {
            // A one-column file with its header and no data: that row is the header.
            var namer = ColumnNamer()
            try sink.columns(headerRows[0].enumerated().map { namer.name(for: $0.element, position: $0.offset + 1) })
            return
        }
        if header == nil {
            if headerRows.isEmpty {
                throw ExtractError.malformed(path: path, line: 1, column: nil, message: "the file is empty",
                                             expected: "a header row naming the columns")
            }
            throw ExtractError.malformed(path: path, line: headerRows.count, column: nil,
                                         message: "the file ends inside its \(headerRows.count)-row header",
                                         expected: "the header rows of a \(layout) export followed by data")
        }
    }

    private func deliver(_ record: CSVRecord, header: [String], sink: RecordSink, encoding: TextEncoding, path: String,
                         written: RepeatedHeader) throws -> Bool {
        if let problem = record.problem {
            let reason: String
            switch problem {
            case .unterminatedQuote(let line):
                // Only the end of the file stops a quoted field: the export was cut off, or a
                // stray quote swallowed every row after it. Either way rows are missing, so the
                // file fails whole rather than loading what came before.
                throw ExtractError.truncated(path: path, offset: record.offset,
                                             message: "the file ends inside a quoted field that began on line \(line)",
                                             expected: "a closing quote (a truncated export, or a stray quote that swallowed the rows after it)")
            case .tooLarge(let bytes, let limit):
                reason = "record larger than \(limit) bytes (at least \(bytes)); expected records under the limit"
            case .textAfterClosingQuote(_, let field):
                let name = field < header.count ? header[field] : "field \(field + 1)"
                try sink.reject(record.line, field: name, rawValue: nil,
                                reason: "text after the closing quote of '\(name)'; expected the delimiter or the end of the line after a quoted value")
                return true
            }
            try sink.reject(record.line, field: nil, rawValue: nil, reason: reason)
            return true
        }
        if let bad = record.firstBadByte() {
            let field = bad.field < header.count ? header[bad.field] : "field \(bad.field + 1)"
            let reason = bad.nul
                ? "NUL byte at offset \(bad.offset) of the field; expected text"
                : String(format: "invalid byte 0x%02X at offset %d of the field for encoding %@; expected valid text (set encoding: windows-1252 for Windows exports)", bad.byte, bad.offset, encoding.rawValue)
            try sink.reject(record.line, field: field, rawValue: nil, reason: reason)
            return true
        }
        var count = record.fieldCount
        if count > header.count {
            var extraEmpty = true
            for index in header.count..<count where record.field(index).count > 0 {
                extraEmpty = false
                break
            }
            if extraEmpty {
                count = header.count
            } else {
                try sink.reject(record.line, field: nil, rawValue: record.strings.joined(separator: ","),
                                reason: "ragged row: \(record.fieldCount) fields, expected \(header.count) as in the header")
                return true
            }
        } else if count < header.count {
            try sink.reject(record.line, field: header[count], rawValue: record.strings.joined(separator: ","),
                            reason: "ragged row: \(count) fields, expected \(header.count) as in the header")
            return true
        }
        if written.matches(record) {
            try sink.reject(record.line, field: nil, rawValue: nil,
                            reason: "the header row again inside the data (two exports joined into one file?); expected a data row")
            return true
        }
        return try sink.record(record.line, CSVFields(record: record, count: count))
    }
}

/// A file's header as written, recognised when it turns up again among the records (two
/// exports concatenated, the second with its byte-order mark): such a row is not data.
struct RepeatedHeader {
    let names: [String]
    private let first: [UInt8]

    init(names: [String]) {
        self.names = names
        first = Array((names.first ?? "").utf8)
    }

    /// Compares the first field's bytes (a byte-order mark skipped) before anything else:
    /// one short comparison per row.
    func matches(_ record: CSVRecord) -> Bool {
        guard !first.isEmpty, record.fieldCount == names.count else { return false }
        var field = record.field(0)[...]
        if field.starts(with: [0xEF, 0xBB, 0xBF]) { field = field.dropFirst(3) }
        guard field.count >= first.count, field.prefix(first.count).elementsEqual(first) else { return false }
        return (0..<record.fieldCount).allSatisfy { ColumnName.clean(record.string($0)) == names[$0] }
    }
}

/// A CSV record seen as `FieldValues`, trimmed to the header's width.
struct CSVFields: FieldValues {
    let record: CSVRecord
    let count: Int
    var bytesOutliveTheCall: Bool { true }

    func withValue<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        try body(index < count ? record.field(index) : nil)
    }
}
