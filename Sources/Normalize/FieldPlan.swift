import AmbassadorCore
import Warehouse

/// Which raw columns feed which canonical field for one source, decided once per file.
package struct FieldPlan {
    let entity: CanonicalEntity
    /// The canonical fields written to the staging table, in order.
    let outputFields: [CanonicalField]
    /// The raw columns selected, in order (index i is result column i + 1).
    let rawColumns: [String]
    /// For each output field, the selected columns joined to make it (e.g. first + last name).
    let columnsByField: [[Int]?]
    /// For each output field, what to add to a whole number read from its column: −1 where
    /// the column counts something one more than the field does (Zendesk's
    /// `assignee_stations` counts assignees, so reassignments are one fewer).
    let countOffsets: [Int64]

    /// Header keys whose counts are one more than the canonical field's.
    static let countsOneMore: [String: String] = ["assigneestations": "reassignments", "groupstations": "reassignments"]

    /// −1 when `column` (or its last `a/b` path part, e.g. `metric_set/assignee_stations`)
    /// counts one more than `field`; else 0.
    static func countOffset(_ column: String, _ field: String) -> Int64 {
        let last = column.split(separator: "/").last.map(String.init) ?? column
        return countsOneMore[CanonicalField.key(last)] == field ? -1 : 0
    }

    /// How one canonical field is found among a file's columns.
    package enum Resolution {
        /// These columns, joined (first + last name), by this rule.
        case columns([String], rule: String)
        /// No column: the spellings tried.
        case missing(tried: [String])
        /// `fields:` names a column the file does not have.
        case unknownConfigured(String)
    }

    /// The comparison keys of `columns` (first column per key wins); columns starting `__` —
    /// an export's own bookkeeping, such as ServiceNow JSONv2's per-record `__status`, which is
    /// not the ticket's status — are never taken for a canonical field by their name.
    /// `labels` (column → the export's own label for it, e.g. Zendesk's `field_headers`) are
    /// matched too, after the names.
    static func keyed(_ columns: [String], labels: [String: String] = [:]) -> [String: String] {
        var keyed: [String: String] = [:]
        for column in columns where !column.hasPrefix("__") && keyed[CanonicalField.key(column)] == nil {
            keyed[CanonicalField.key(column)] = column
        }
        for column in columns {
            guard let label = labels[column], keyed[CanonicalField.key(label)] == nil else { continue }
            keyed[CanonicalField.key(label)] = column
        }
        return keyed
    }

    /// Where `field` comes from: the pipeline's `fields:`, a header alias, or a known pair.
    static func resolve(_ field: CanonicalField, source: SourceConfig, columns: [String], keyed: [String: String]) -> Resolution {
        if let configured = source.fields[field.name] {
            guard let column = columns.first(where: { ColumnName.same($0, configured) }) else { return .unknownConfigured(configured) }
            return .columns([column], rule: "fields.\(field.name)")
        }
        if let (alias, column) = field.aliases.lazy.compactMap({ alias in keyed[CanonicalField.key(alias)].map { (alias, $0) } }).first {
            return .columns([column], rule: "alias '\(alias)'")
        }
        if field.name == "name", let first = keyed["firstname"], let last = keyed["lastname"] {
            return .columns([first, last], rule: "first + last name")
        }
        if field.type == .ticketEvent, let incoming = keyed["incoming"], let isPrivate = keyed["private"] {
            // A conversation log: `BuiltInValueMaps.conversationEvents` reads the two flags.
            return .columns([incoming, isPrivate], rule: "conversation flags")
        }
        return .missing(tried: field.aliases)
    }

    /// How every field of `kind`'s entity would be found among `columns` (for `preview --kind`).
    package static func describe(kind: SourceKind, source: SourceConfig, columns: [String],
                                 labels: [String: String] = [:]) -> [(field: CanonicalField, resolution: Resolution)] {
        guard let entity = CanonicalEntity.forKind(kind) else { return [] }
        let keys = keyed(columns, labels: labels)
        return entity.fields.map { ($0, resolve($0, source: source, columns: columns, keyed: keys)) }
    }

    init(entity: CanonicalEntity, source: SourceConfig, columns: [String], path: String, labels: [String: String] = [:]) throws {
        self.entity = entity
        let keyed = FieldPlan.keyed(columns, labels: labels)
        var selected: [String] = []
        var byField: [[Int]?] = []
        var offsets: [Int64] = []
        func slot(_ column: String) -> Int {
            if let index = selected.firstIndex(of: column) { return index }
            selected.append(column)
            return selected.count - 1
        }
        for field in entity.fields {
            switch FieldPlan.resolve(field, source: source, columns: columns, keyed: keyed) {
            case .unknownConfigured(let column):
                throw NormalizeError.unknownColumn(path: path, source: source.name, field: field.name, column: column)
            case .columns(let found, _):
                byField.append(found.map(slot))
                offsets.append(found.count == 1 ? FieldPlan.countOffset(found[0], field.name) : 0)
            case .missing(let tried):
                if field.required { throw NormalizeError.missingColumn(path: path, source: source.name, field: field.name, tried: tried) }
                byField.append(nil)
                offsets.append(0)
            }
        }
        // snapshot_date is written as its own column of stg_employee; other fields map 1:1.
        outputFields = entity.fields
        rawColumns = selected
        columnsByField = byField
        countOffsets = offsets
    }
}
