import AmbassadorCore
import Extract
import Foundation
import Normalize
import Warehouse

/// `ambassador trace TABLE KEY`: where one row of the warehouse came from — the file and line
/// behind it, the raw record read back from the archive, how each field was mapped from it
/// (raw value → stored value), the run that registered the file, the other files that hold
/// the same key, and what was quarantined under it. What an analyst asks when a number looks
/// wrong.
package enum RowTrace {
    /// The tables that can be traced: each with its key column and the canonical entity its
    /// rows were staged as (their rows name their file and record: `_file_id`, `_record_no`).
    package static let tables: [String: (key: String, entity: CanonicalEntity)] = [
        "fact_ticket": ("ticket_id", .ticket),
    ]

    /// Every table `trace` takes: the fact tables above and the linkage estimates (`LinkageTrace`).
    package static var traceable: [String] { (tables.keys + [LinkageTrace.table]).sorted() }

    /// The report of `key` in `table`, as text.
    package static func render(config: PipelineConfig, warehouse: String, table: String, key: String) throws -> String {
        if table == LinkageTrace.table {
            let database = try StatusReport.openForReading(warehouse, command: "trace")
            return try LinkageTrace.render(config: config, database: database, key: key).replacingOccurrences(of: config.root + "/", with: "")
        }
        guard let traced = tables[table] else {
            throw PipelineError.usage(message: "trace: '\(table)' cannot be traced; expected one of: \(traceable.joined(separator: ", "))")
        }
        let database = try StatusReport.openForReading(warehouse, command: "trace")
        guard try database.relationExists(table) else {
            throw PipelineError.noInput(message: "\(database.target): no \(table) yet; expected a warehouse a run has written (ambassador run)")
        }
        guard let row = try Lineage.storedRow(of: table, matching: [(traced.key, key)], database: database) else {
            throw PipelineError.noInput(message: "trace: \(table) has no row whose \(traced.key) is '\(LogText.escaped(key))'; expected a key the table holds (a ticket id as stored, with its source's ticket_id_prefix)")
        }
        let stored = Dictionary(row, uniquingKeysWith: { first, _ in first })
        var out = "\(table) \(traced.key) = \(key)\n\n"
        out += "stored row:\n" + row.map { "  \($0.column): \(describe($0.value))" }.joined(separator: "\n") + "\n"

        guard let fileID = stored["_file_id"]?.intValue, let recordNo = stored["_record_no"]?.intValue else {
            return out + "\nthe row names no file (no _file_id): it was not loaded from an export\n"
        }
        guard let file = try Lineage.registration(of: Int64(fileID), database: database) else {
            return out + "\nfile \(fileID) is not in the manifest (etl_source_file): the row's lineage is lost\n"
        }
        let absolute = config.absolutePath(manifest: file.path)
        out += """

            from file \(fileID): \(file.path)
              source \(file.source), \(file.state), partition \((file.partition ?? "").isEmpty ? "none" : file.partition ?? ""), \(file.records) records, \(file.rejected) rejected
              SHA-256 \(file.sha256), \(file.size) bytes
              registered by run \(file.runID) (\(file.command), run date \(file.runDate), started \(file.startedAt))
              record \(recordNo) (the line of a CSV file, the element of a JSON or XML file)

            """
        // The raw record: from the archive, else the inbox file if it still hashes the same.
        let archived = FileArchive.path(sha256: file.sha256, directory: config.archiveDirectory)
        let source = config.source(named: file.source)
        var readable: String?
        if FileDigest.identity(archived) != nil {
            readable = archived
            out += "  read back from the archive: \(archived)\n"
        } else if FileDigest.identity(absolute) != nil, (try? FileDigest.sha256(absolute).hex) == file.sha256 {
            readable = absolute
            out += "  not archived (pseudonymisation or a pulse survey); read back from the inbox file, which still hashes the same\n"
        } else {
            out += "  the raw record cannot be read back: the file is neither in the archive (\(archived)) nor, unchanged, at \(absolute)\n"
        }
        var record: [(column: String, value: String?)] = []
        var fileColumns: [String] = []
        if let readable, let source {
            let reader = try SourceRegistry.source(format: source.format, encoding: source.encoding, delimiter: source.delimiter,
                                                   record: source.record, path: readable)
            let finder = RecordFinder(number: Int(recordNo))
            try reader.read(readable, into: finder, progress: .silent)
            fileColumns = finder.names
            if let found = finder.found {
                record = found
                out += "\nraw record \(recordNo):\n" + found.map { "  \($0.column): \($0.value.map { LogText.escaped($0) } ?? "(none)")" }
                    .joined(separator: "\n") + "\n"
            } else {
                out += "\nraw record \(recordNo): not found in the file (it holds \(finder.seen) records)\n"
            }
        } else if source == nil {
            out += "  source '\(file.source)' is no longer in the pipeline file: its reader and rules are unknown\n"
        }
        if let source, !fileColumns.isEmpty {
            let labels = try FileMetadata(database).values(Int64(fileID), prefix: "label/")
            let raw = Dictionary(record.map { ($0.column, $0.value) }, uniquingKeysWith: { first, _ in first })
            out += "\nmapping (sources.\(source.name), format \(source.format)): field ← column [rule] = raw → stored\n"
            for (field, resolution) in FieldPlan.describe(kind: source.kind, source: source, columns: fileColumns, labels: labels) {
                let kept = stored[field.column].map(describe) ?? "(not a column of \(table))"
                switch resolution {
                case .columns(let found, let rule):
                    let values = found.map { raw[$0].flatMap { $0 }.map { "'\(LogText.escaped($0))'" } ?? "(none)" }.joined(separator: " + ")
                    out += "  \(field.name) ← \(found.joined(separator: " + ")) [\(rule)] = \(values) → \(kept)\n"
                case .missing:
                    out += "  \(field.name): no column → \(kept)\n"
                case .unknownConfigured(let column):
                    out += "  \(field.name): fields.\(field.name) names '\(column)', which the file lacks\n"
                }
                if let map = source.values[field.name], !map.isEmpty {
                    out += "      values: " + map.sorted { $0.key < $1.key }.map { "\($0.key) → \($0.value)" }.joined(separator: ", ") + "\n"
                }
            }
            if !source.ticketIDPrefix.isEmpty {
                out += "  (ticket ids of this source are stored with the prefix '\(source.ticketIDPrefix)')\n"
            }
            if !config.privacy.pseudonymise.isEmpty {
                out += "  pseudonymised at normalize: \(config.privacy.pseudonymise.sorted().joined(separator: ", "))\n"
            }
        }
        // Every file that holds the key, and what was quarantined under it.
        if traced.entity.table == CanonicalEntity.ticket.table {
            out += try attribution(stored, database: database)
            let holders = try Lineage.filesHolding(ticket: key, database: database).map { "  file \($0.file): \($0.path) (\($0.state)), \($0.records) record(s)" }
            out += "\nloaded files holding this ticket (the latest updated_at wins):\n" + (holders.isEmpty ? "  none recorded\n" : holders.joined(separator: "\n") + "\n")
            let rejects = try Lineage.rejects(field: "ticket_id", value: key, database: database).map {
                "  \($0.stage) \($0.path):\($0.record) \($0.field): \($0.reason)"
            }
            if !rejects.isEmpty { out += "\nquarantined under this id:\n" + rejects.joined(separator: "\n") + "\n" }
        }
        return out.replacingOccurrences(of: config.root + "/", with: "")
    }

    /// How load attributed a ticket: each agent id to an employee (and by which identity),
    /// and the employee's team on the day the ticket opened (the SCD2 version used).
    private static func attribution(_ stored: [String: SQLValue], database: any WarehouseConnection) throws -> String {
        let day = String((stored["created_at"]?.stringValue ?? "").prefix(10))
        var out = "\nattribution (employee history version \(stored["attributed_version"]?.stringValue ?? "?")):\n"
        for (role, idColumn, employeeColumn) in [("first assignee", "first_assignee_id", "first_assignee_employee_id"),
                                                 ("resolver", "assignee_id", "resolver_employee_id")] {
            guard let agent = stored[idColumn]?.stringValue else {
                out += "  \(role): no agent id\n"
                continue
            }
            guard let employee = stored[employeeColumn]?.stringValue else {
                out += "  \(role) \(agent): no employee\(role == "resolver" && stored["resolved_at"]?.stringValue == nil ? " (no resolved_at: a resolver is only named for a resolved ticket)" : " (no roster names this id)")\n"
                continue
            }
            let identities = try Lineage.identitySystems(agent: agent, employee: employee, database: database)
            let how = agent == employee ? "the employee id itself"
                : identities.isEmpty ? "the one employee of that name" : "dim_agent_identity (\(identities.joined(separator: ", ")))"
            out += "  \(role) \(agent) → employee \(employee), by \(how)\n"
        }
        if let employee = stored["first_assignee_employee_id"]?.stringValue {
            let version = try Lineage.employeeVersion(employee, on: day, database: database).map {
                "  team on \(day), the day it opened: \($0.team ?? "no team") (dim_employee version \($0.validFrom) to \($0.validTo ?? "open"), from \($0.path ?? "?"))"
            }
            out += (version ?? "  team on \(day): no version of \(employee) covers that day") + "\n"
        }
        return out
    }

    static func describe(_ value: SQLValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let t): return "'\(LogText.escaped(t))'"
        }
    }

    /// Stops the reader at record `number`, keeping its values by column.
    private final class RecordFinder: RecordSink {
        let number: Int
        private(set) var names: [String] = []
        private(set) var found: [(column: String, value: String?)]?
        private(set) var seen = 0

        init(number: Int) { self.number = number }

        func columns(_ names: [String]) throws { self.names = names }

        func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
            seen += 1
            guard number == self.number else { return true }
            found = names.indices.map { index in
                (names[index], index < values.count ? values.withValue(index) { $0.map { String(decoding: $0, as: UTF8.self) } } : nil)
            }
            // Found: the rest of the file is not read.
            return false
        }

        func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {}
    }
}
