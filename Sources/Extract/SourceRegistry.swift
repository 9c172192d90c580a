#if canImport(Glibc)
import Glibc
#endif
import AmbassadorCore
import Vendors

/// The formats this build reads, by name, and how `--format auto` recognises them.
package enum SourceRegistry {
    /// Every format name a pipeline file or `preview --format` accepts.
    package static let formats: [String] = SourceFormat.allCases.map(\.rawValue)

    /// A reader for `format`. `record` names the XML record element or the JSON records key
    /// (for ServiceNow, the table whose records are kept).
    package static func source(format: SourceFormat, encoding: String, delimiter: UInt8?, record: String? = nil, path: String) throws -> Source {
        if let kind = try compression(path) { throw ExtractError.compressed(path: path, kind: kind) }
        guard let parsed = TextEncoding.named(encoding) else {
            throw ExtractError.unknownFormat(path: path, format: "encoding \(encoding)", known: TextEncoding.allCases.map(\.rawValue) + ["auto"])
        }
        switch format {
        case .csv, .rosterCSV, .zendeskCSV, .servicenowCSV, .eventLogCSV, .customerEventsCSV:
            return CSVSource(encoding: parsed, delimiter: delimiter)
        case .qualtricsCSV:
            return CSVSource(encoding: parsed, delimiter: delimiter, layout: .qualtrics)
        case .surveymonkeyCSV:
            return CSVSource(encoding: parsed, delimiter: delimiter, layout: .surveyMonkey)
        case .json, .jsonl, .zendeskJSON, .freshdeskJSON, .servicenowJSON, .stripeJSON:
            return JSONSource(recordKey: record)
        case .bamboohrJSON:
            return JSONSource(recordKey: record ?? "employees")
        case .xml:
            return XMLSource(rule: record.map { .named($0) } ?? .childrenOfRoot(nil))
        case .servicenowXML:
            return XMLSource(rule: .childrenOfRoot(record))
        case .workdayXML:
            return XMLSource(rule: .named(record ?? "Report_Entry"))
        case .qualtricsXML:
            return XMLSource(rule: .named(record ?? "Response"))
        }
    }

    /// Recognises the format of `path` from its first MiB (and its name).
    package static func detect(_ path: String) throws -> SourceFormat {
        if let kind = try compression(path) { throw ExtractError.compressed(path: path, kind: kind) }
        // 1 MiB: a Qualtrics export with a thousand question texts puts its ImportId row 200 KB in.
        let head = try firstBytes(path, 1 << 20)
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let lower = path.lowercased()
        let utf16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        let text = utf16 ? "" : String(decoding: bytes, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        // What each vendor recognises lives in the Vendors module, one file per vendor.
        if lower.hasSuffix(".xml") || trimmed.hasPrefix("<") {
            let head = VendorFormat.Head(text: "", xmlRoot: rootElement(String(trimmed)), records: [])
            return Vendors.recognise(head, in: .xml)?.name ?? .xml
        }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".json") || trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            let head = VendorFormat.Head(text: text, xmlRoot: "", records: [])
            return Vendors.recognise(head, in: .json)?.name ?? .json
        }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") || !text.isEmpty || utf16 {
            // Records, not physical lines: Qualtrics question texts hold line breaks.
            let head = VendorFormat.Head(text: text, xmlRoot: "", records: firstRecords(text, count: 3))
            return Vendors.recognise(head, in: .csv)?.name ?? .csv
        }
        throw ExtractError.unknownFormat(path: path, format: "auto (could not tell from the name or the content)", known: formats)
    }

    /// The compression a file's first bytes announce (zip — Qualtrics' response exports are
    /// zips —, gzip, bzip2, xz, 7-Zip, zstd), or nil.
    package static func compression(_ path: String) throws -> String? {
        let head = try firstBytes(path, 6)
        let magic: [(String, [UInt8])] = [("zip", [0x50, 0x4B, 0x03, 0x04]), ("zip", [0x50, 0x4B, 0x05, 0x06]), ("gzip", [0x1F, 0x8B]),
                                          ("bzip2", [0x42, 0x5A, 0x68]), ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
                                          ("7z", [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]), ("zstd", [0x28, 0xB5, 0x2F, 0xFD])]
        return magic.first { head.starts(with: $0.1) }?.0
    }

    /// The raw text of the first `count` CSV records of `text`: a line break inside double
    /// quotes belongs to its field (a quote inside a quoted field is doubled, so toggling on
    /// every quote is enough).
    static func firstRecords(_ text: String, count: Int) -> [Substring] {
        var records: [Substring] = []
        var quoted = false
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex, records.count < count {
            let character = text[index]
            if character == "\"" {
                quoted.toggle()
            } else if !quoted, character == "\n" || character == "\r\n" || character == "\r" {
                records.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        if records.count < count, start < text.endIndex { records.append(text[start...]) }
        return records
    }

    /// The local name of the first element.
    private static func rootElement(_ text: String) -> String {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if after.hasPrefix("?") || after.hasPrefix("!") {
                rest = after.drop { $0 != ">" }
                continue
            }
            let name = after.prefix { !$0.isWhitespace && $0 != ">" && $0 != "/" }
            return String(name.split(separator: ":").last ?? name)
        }
        return ""
    }

    private static func firstBytes(_ path: String, _ count: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ExtractError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        guard n >= 0 else { throw ExtractError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        return Array(buffer[0..<n])
    }
}
