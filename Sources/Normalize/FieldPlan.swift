import AmbassadorCore
import Warehouse

/// Which raw columns feed which canonical field for one source, decided once per file.
struct FieldPlan {
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

    init(entity: CanonicalEntity, source: SourceConfig, columns: [String], path: String) throws {
        self.entity = entity
        var keyed: [String: String] = [:]
        // `__status`, `__sys_id`: an export's own bookkeeping (ServiceNow JSONv2's per-record
        // `__status` is not the ticket's status) is never taken for a canonical field by its name.
        for column in columns where !column.hasPrefix("__") && keyed[CanonicalField.key(column)] == nil {
            keyed[CanonicalField.key(column)] = column
        }
        var selected: [String] = []
        var byField: [[Int]?] = []
        var offsets: [Int64] = []
        func slot(_ column: String) -> Int {
            if let index = selected.firstIndex(of: column) { return index }
            selected.append(column)
            return selected.count - 1
        }
        for field in entity.fields {
            if let configured = source.fields[field.name] {
                guard let column = columns.first(where: { ColumnName.same($0, configured) }) else {
                    throw NormalizeError.unknownColumn(path: path, source: source.name, field: field.name, column: configured)
                }
                byField.append([slot(column)])
                offsets.append(FieldPlan.countOffset(column, field.name))
                continue
            }
            offsets.append(0)
            if let column = field.aliases.lazy.compactMap({ keyed[CanonicalField.key($0)] }).first {
                byField.append([slot(column)])
                offsets[offsets.count - 1] = FieldPlan.countOffset(column, field.name)
            } else if field.name == "name", let first = keyed["firstname"], let last = keyed["lastname"] {
                byField.append([slot(first), slot(last)])
            } else if field.type == .ticketEvent, let incoming = keyed["incoming"], let isPrivate = keyed["private"] {
                // A conversation log: `BuiltInValueMaps.conversationEvents` reads the two flags.
                byField.append([slot(incoming), slot(isPrivate)])
            } else if field.required {
                throw NormalizeError.missingColumn(path: path, source: source.name, field: field.name, tried: field.aliases)
            } else {
                byField.append(nil)
            }
        }
        // snapshot_date is written as its own column of stg_employee; other fields map 1:1.
        outputFields = entity.fields
        rawColumns = selected
        columnsByField = byField
        countOffsets = offsets
    }
}
