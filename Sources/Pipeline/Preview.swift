import AmbassadorCore
import Extract
import Normalize
import Foundation

/// `ambassador preview`: what extract would produce from one file, as JSON Lines; writes nothing.
package enum Preview {
    /// Streams the records of `path`; returns (records written, records rejected).
    package static func run(
        path: String, format: SourceFormat?, limit: Int?, encoding: String = "auto", delimiter: UInt8? = nil, record: String? = nil,
        output: FileDescriptorWriter, errors: FileDescriptorWriter
    ) throws -> (written: Int, rejected: Int, format: SourceFormat) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.noInput(message: "\(path): no such file; expected a file to preview")
        }
        let resolved = try format ?? SourceRegistry.detect(path)
        let source = try SourceRegistry.source(format: resolved, encoding: encoding, delimiter: delimiter, record: record, path: path)
        let sink = JSONLinesWriter(path: path, limit: limit, write: output.write, writeError: errors.write)
        defer { output.flush() }
        try source.read(path, into: sink, progress: .silent)
        return (sink.written, sink.rejected, resolved)
    }

    /// The formats `--format` accepts (`auto` recognises the file's).
    package static var formats: [String] { ["auto"] + SourceRegistry.formats }

    /// The format `--format NAME` asks for: nil for `auto`.
    package static func format(named name: String) -> SourceFormat? {
        name == "auto" ? nil : SourceFormat(rawValue: name)
    }
}

/// `ambassador preview FILE --kind KIND`: how each column of the file would map onto the
/// canonical model of `kind` — canonical field, column, rule, sample values — and which
/// columns nothing uses, so a pipeline file can be written from what one sees.
package enum PreviewMapping {
    /// Columns and a few sample values, from the first records of a file.
    final class Sampler: RecordSink {
        private(set) var names: [String] = []
        private(set) var samples: [[String]] = []
        private(set) var metadata: [String: String] = [:]
        private(set) var records = 0
        let limit: Int

        init(limit: Int) { self.limit = limit }

        func columns(_ names: [String]) throws {
            self.names = names
            while samples.count < names.count { samples.append([]) }
        }

        func metadata(_ key: String, _ value: String?) throws {
            if let value { metadata[key] = value }
        }

        func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
            records += 1
            for index in 0..<min(values.count, samples.count) where samples[index].count < 3 {
                let text = values.withValue(index) { $0.map { String(decoding: $0, as: UTF8.self) } } ?? ""
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty, !samples[index].contains(trimmed) { samples[index].append(String(trimmed.prefix(40))) }
            }
            return records < limit
        }

        func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {}
    }

    package static func run(path: String, format: SourceFormat?, kind: SourceKind, respondent: Respondent?, limit: Int, encoding: String = "auto",
                            delimiter: UInt8? = nil, record: String? = nil) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.noInput(message: "\(path): no such file; expected a file to preview")
        }
        let resolved = try format ?? SourceRegistry.detect(path)
        let reader = try SourceRegistry.source(format: resolved, encoding: encoding, delimiter: delimiter, record: record, path: path)
        let sampler = Sampler(limit: limit)
        try reader.read(path, into: sampler, progress: .silent)
        var source = SourceConfig(name: "preview", kind: kind, format: resolved, inbox: path)
        source.respondent = respondent
        func sample(_ column: String) -> String {
            guard let index = sampler.names.firstIndex(of: column) else { return "" }
            return sampler.samples[index].joined(separator: " | ")
        }
        var used: Set<String> = []
        var rows: [[String]] = []
        if kind == .survey {
            var importIDs: [String: String] = [:]
            for (key, value) in sampler.metadata where key.hasPrefix("import_id/") { importIDs[String(key.dropFirst(10))] = value }
            let roles = SurveyColumns(source: source, columns: sampler.names, importIDs: importIDs)
            for (name, aliases) in SurveyColumns.responseFields {
                if let column = roles.fields[name] {
                    used.insert(column)
                    let kept = respondent != .employee || SurveyColumns.employeeFields.contains(name)
                    rows.append([name, column, kept ? "alias" : "dropped: an employee survey keeps no respondent or ticket", kept ? sample(column) : ""])
                } else {
                    rows.append([name, "—", "not found (tried: \(aliases.joined(separator: ", ")))", ""])
                }
            }
            used.formUnion(roles.items)
            let rule = importIDs.isEmpty ? (source.format == .surveymonkeyCSV ? "every non-metadata column" : "Q… columns") : "ImportId is a question id"
            rows.append(["answers", "\(roles.items.count) item column(s)", rule, roles.items.prefix(6).joined(separator: ", ") + (roles.items.count > 6 ? ", …" : "")])
            if respondent == .employee {
                let dropped = sampler.names.filter { !roles.keptForEmployees.contains($0) }
                rows.append(["(dropped)", "\(dropped.count) column(s)", "identity of an employee survey: never stored", dropped.prefix(6).joined(separator: ", ")])
            }
        } else {
            var labels: [String: String] = [:]
            for (key, value) in sampler.metadata where key.hasPrefix("label/") { labels[String(key.dropFirst(6))] = value }
            for (field, resolution) in FieldPlan.describe(kind: kind, source: source, columns: sampler.names, labels: labels) {
                switch resolution {
                case .columns(let columns, let rule):
                    used.formUnion(columns)
                    rows.append([field.name, columns.joined(separator: " + "), rule, columns.map(sample).joined(separator: " + ")])
                case .missing(let tried):
                    rows.append([field.name, "—", (field.required ? "REQUIRED, " : "") + "not found (tried: \(tried.joined(separator: ", ")))", ""])
                case .unknownConfigured(let column):
                    rows.append([field.name, column, "not in the file", ""])
                }
            }
        }
        let unused = sampler.names.filter { !used.contains($0) }
        var out = "\(path): format \(resolved), \(sampler.records) record(s) read, \(sampler.names.count) column(s), as kind \(kind.rawValue)\n\n"
        out += StatusReport.table(["canonical field", "column", "rule", "sample values"], rows)
        out += "\nColumns nothing maps (\(unused.count)): " + (unused.isEmpty ? "none" : unused.prefix(40).joined(separator: ", ") + (unused.count > 40 ? ", …" : "")) + "\n"
        out += "Name a column under sources.<name>.fields.<field> where the alias does not fit; map a field's values under sources.<name>.values.\n"
        return out
    }
}
