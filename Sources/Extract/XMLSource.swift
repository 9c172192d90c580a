import AmbassadorCore
#if canImport(Glibc)
import Glibc
#endif

/// XML exports streamed record by record: ServiceNow unloads (`<unload><incident …>`; the
/// first record type is kept, others such as `sys_attachment` are skipped and counted),
/// Workday reports (`wd:Report_Entry`), Qualtrics responses (`<Responses><Response>`), or any
/// XML whose records are the root's children or a named element.
package struct XMLSource: Source {
    package static let formatName = "xml"
    package var rule: XMLRecordRule
    package var maxRecordBytes = CSVReader.defaultMaxRecordBytes

    package init(rule: XMLRecordRule) {
        self.rule = rule
    }

    package func read(_ path: String, into sink: RecordSink, progress: ProgressReporter) throws {
        var info = stat()
        let size = stat(path, &info) == 0 ? Int64(info.st_size) : 0
        guard size > 0 else {
            throw ExtractError.malformed(path: path, line: 1, column: nil, message: "the file is empty", expected: "an XML document")
        }
        // UTF-16 comes in pairs of bytes: an odd size is a file cut off, even where libxml2
        // would pass over the half character at the end (as CSV input already refuses).
        if size % 2 == 1, XMLSource.startsWithUTF16Mark(path) {
            throw ExtractError.truncated(path: path, offset: size, message: "the file ends in the middle of a UTF-16 character",
                                         expected: "a complete UTF-16 file (an even number of bytes)")
        }
        let reader = XMLRecordReader(path: path, rule: rule, maxRecordBytes: maxRecordBytes)
        let assembler = RecordAssembler(columns: ColumnSet(), sink: sink)
        var rows = 0
        progress.begin("extract \(path.split(separator: "/").last.map(String.init) ?? path)", total: size)
        defer { progress.end() }
        try reader.forEach { fields, number in
            rows += 1
            progress.update(rows: rows, done: reader.bytesConsumed)
            return try assembler.emit(fields, number: number)
        }
        if let type = reader.recordType { try sink.metadata("record_type", type) }
        for (name, count) in reader.skipped.sorted(by: { $0.key < $1.key }) {
            try sink.metadata("skipped/\(name)", String(count))
        }
    }

    private static func startsWithUTF16Mark(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var mark: [UInt8] = [0, 0]
        return Glibc.read(fd, &mark, 2) == 2 && (mark == [0xFF, 0xFE] || mark == [0xFE, 0xFF])
    }
}
