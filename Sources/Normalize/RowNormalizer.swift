import AmbassadorCore
import Crypto
import Foundation
import Warehouse

/// What one output slot of the current row holds. Trivial (no reference counting): bytes
/// point into SQLite's current raw row, a scratch buffer, or a constant.
enum SlotValue {
    case null
    case bytes(UnsafeBufferPointer<UInt8>)
    case integer(Int64)
    case real(Double)
}

/// One record's values as the row normalizer reads them: `column` indexes the plan's raw
/// columns (`FieldPlan.rawColumns`). The bytes stay valid until the next record.
protocol RawRecord {
    func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8>?
}

/// A row of `raw_<source>` selected as `_record_no` followed by the plan's raw columns.
struct StoredRawRecord: RawRecord {
    let row: any WarehouseRow
    func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8>? { row.textBytes(Int32(column + 1)) }
}

/// A row that cannot be kept: the field at fault, its raw value and why.
struct RowFailure {
    let field: String
    let raw: String?
    let reason: String
}

/// Normalizes raw rows into staging rows on bytes, without building strings: the hot
/// path of the normalize stage. One instance per file; its buffers are reused per row.
final class RowNormalizer {
    private let plan: FieldPlan
    private let coercer: Coercer
    private let kind: SourceKind
    /// Per slot: coerced output, and joined or mapped input.
    private let scratch: [UnsafeMutableBufferPointer<UInt8>]
    private let joined: [UnsafeMutableBufferPointer<UInt8>]
    private let nullMarkers: [[UInt8]]
    private let maxNullMarker: Int
    /// Per slot: lower-cased source value → canonical value.
    private let valueMaps: [[[UInt8]: [UInt8]]?]
    private let constants: UnsafeMutableBufferPointer<UInt8>
    private let active: UnsafeBufferPointer<UInt8>
    private let terminated: UnsafeBufferPointer<UInt8>
    private let partition: UnsafeBufferPointer<UInt8>?
    /// A person's name: a trailing ` (21521)` — Workday's descriptor `Meghan Markle (21521)`
    /// carries the worker's id — is not part of it.
    private let nameSlot: Int?
    private let snapshotSlot: Int?, statusSlot: Int?, terminationSlot: Int?, firstAssigneeSlot: Int?, assigneeSlot: Int?
    /// Per slot: replace the value by its keyed hash.
    private let pseudonymised: [Bool]
    /// Identifier slots, hashed when their value is an e-mail address (or an agent's name).
    private let identitySlots: [Int]
    private let pseudonymizer: Pseudonymizer?
    private let plausible: PlausibleDates
    /// Per slot: `validation.ranges` and `validation.accepted` (lower-cased), when set.
    private let ranges: [ClosedRange<Double>?]
    private let accepted: [Set<[UInt8]>?]
    private let acceptedText: [String]
    /// The source's `ticket_id_prefix` and where it goes: the ticket id slot, written
    /// prefixed into its own buffer.
    private let ticketIDPrefix: [UInt8]
    private let ticketIDSlot: Int?
    private let prefixed: UnsafeMutableBufferPointer<UInt8>
    private(set) var values: [SlotValue]
    /// Per slot: the words its vocabulary did not know, with how many kept rows held each.
    private(set) var unmapped: [[[UInt8]: Int]]
    private var rowUnmapped: [(Int, [UInt8])] = []
    /// Per slot: what an unmapped word becomes (NULL when nil), and the vocabulary's words.
    private let fallbacks: [UnsafeBufferPointer<UInt8>?]
    private let fallbackStorage: UnsafeMutableBufferPointer<UInt8>
    private let vocabularyWords: [String]
    /// Per vocabulary slot: the few raw spellings seen so far and what they coerced to, so the
    /// hot path compares bytes instead of building a key string per row (a file has a handful
    /// of statuses); nil for other slots.
    private var vocabularyCache: [[(raw: [UInt8], word: [UInt8]?)]?]
    /// Per slot, what the hot path reads of its field and plan (plain values, so no row
    /// copies a `CanonicalField` or retains a column list): its type, whether it is required,
    /// and its one raw column (-1: none; -2: several, joined).
    private let types: [FieldType]
    private let required: [Bool]
    private let singleColumns: [Int]

    init(plan: FieldPlan, coercer: Coercer, source: SourceConfig, partition: String?,
         privacy: PrivacyConfig = PrivacyConfig(), validation: ValidationConfig = ValidationConfig(), runDate: CivilDate? = nil) {
        self.plan = plan
        self.coercer = coercer
        kind = source.kind
        let count = plan.outputFields.count
        scratch = (0..<count).map { _ in .allocate(capacity: Coercer.scratchCapacity) }
        joined = (0..<count).map { _ in .allocate(capacity: Coercer.scratchCapacity) }
        nullMarkers = source.nullValues.map { Array($0.utf8) }
        maxNullMarker = nullMarkers.map(\.count).max() ?? 0
        let builtIn = BuiltInValueMaps.forFormat(source.format, kind: source.kind)
        valueMaps = plan.outputFields.map { field in
            let merged = (builtIn[field.name] ?? [:]).merging(source.values[field.name] ?? [:]) { _, configured in configured }
            guard !merged.isEmpty else { return nil }
            return Dictionary(merged.map { (Array($0.key.lowercased().utf8), Array($0.value.utf8)) }, uniquingKeysWith: { first, _ in first })
        }
        let words = Array("activeterminated".utf8) + Array((partition ?? "").utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(words.count, 1))
        _ = buffer.initialize(from: words)
        constants = buffer
        active = UnsafeBufferPointer(rebasing: buffer[0..<6])
        terminated = UnsafeBufferPointer(rebasing: buffer[6..<16])
        self.partition = partition == nil ? nil : UnsafeBufferPointer(rebasing: buffer[16..<words.count])
        let fields = plan.outputFields
        types = fields.map(\.type)
        required = fields.map(\.required)
        singleColumns = fields.indices.map { slot in
            guard let columns = plan.columnsByField[slot] else { return -1 }
            return columns.count == 1 ? columns[0] : -2
        }
        func slot(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
        snapshotSlot = slot("snapshot_date")
        nameSlot = slot("name")
        statusSlot = slot("status")
        terminationSlot = slot("termination_date")
        firstAssigneeSlot = slot("first_assignee_id")
        assigneeSlot = slot("assignee_id")
        values = Array(repeating: .null, count: count)
        pseudonymizer = Pseudonymizer(privacy)
        pseudonymised = fields.map { privacy.pseudonymise.contains($0.name) }
        identitySlots = fields.indices.filter { fields[$0].type == .identifier && !privacy.pseudonymise.contains(fields[$0].name) }
        plausible = PlausibleDates(validation: validation, runDate: runDate)
        ranges = fields.map { validation.ranges[$0.name] }
        accepted = fields.map { field in validation.accepted[field.name].map { Set($0.map { Array($0.lowercased().utf8) }) } }
        acceptedText = fields.map { validation.accepted[$0.name]?.joined(separator: ", ") ?? "" }
        ticketIDPrefix = Array(source.ticketIDPrefix.utf8)
        ticketIDSlot = ticketIDPrefix.isEmpty || ![.tickets, .ticketEvents].contains(source.kind) ? nil : slot("ticket_id")
        prefixed = .allocate(capacity: Coercer.scratchCapacity + ticketIDPrefix.count)
        unmapped = Array(repeating: [:], count: count)
        let vocabularies = fields.map { Vocabulary.of($0.type) }
        vocabularyCache = vocabularies.map { $0 == nil ? nil : [] }
        vocabularyWords = vocabularies.map { vocabulary in
            vocabulary.map { Set($0.canonical.values).sorted().joined(separator: ", ") } ?? ""
        }
        let fallbackWords = vocabularies.map { $0?.fallback.map { Array($0.utf8) } ?? [] }
        fallbackStorage = .allocate(capacity: max(1, fallbackWords.reduce(0) { $0 + $1.count }))
        var offset = 0
        var slices: [UnsafeBufferPointer<UInt8>?] = []
        for word in fallbackWords {
            guard !word.isEmpty else { slices.append(nil); continue }
            for (i, b) in word.enumerated() { fallbackStorage[offset + i] = b }
            slices.append(UnsafeBufferPointer(rebasing: fallbackStorage[offset..<(offset + word.count)]))
            offset += word.count
        }
        fallbacks = slices
    }

    /// A vocabulary slot's coercion of `value`, from the cache when its bytes were seen before;
    /// a cached canonical word is copied into the slot's scratch buffer, as a coercion writes it.
    private func cachedWord(_ value: UnsafeBufferPointer<UInt8>, slot: Int) -> ByteCoerced {
        if let entries = vocabularyCache[slot] {
            for entry in entries where entry.raw.count == value.count && entry.raw.elementsEqual(value) {
                guard let word = entry.word else { return .unmapped }
                for (i, b) in word.enumerated() { scratch[slot][i] = b }
                return .output(word.count)
            }
        }
        let result = coercer.coerce(value, as: plan.outputFields[slot].type, scratch: scratch[slot])
        if (vocabularyCache[slot]?.count ?? 0) < 32 {
            switch result {
            case .output(let n): vocabularyCache[slot]?.append((Array(value), Array(scratch[slot][0..<n])))
            case .unmapped: vocabularyCache[slot]?.append((Array(value), nil))
            default: break
            }
        }
        return result
    }

    /// Where ` (digits)` at the end of `name` starts, if it ends so (and something precedes it).
    static func idSuffixStart(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard name.count >= 5, name[name.count - 1] == UInt8(ascii: ")") else { return nil }
        var i = name.count - 2
        while i >= 0, name[i] >= 0x30, name[i] <= 0x39 { i -= 1 }
        guard i < name.count - 2, i >= 2, name[i] == UInt8(ascii: "("), name[i - 1] == UInt8(ascii: " ") else { return nil }
        return i - 1
    }

    /// The words no vocabulary knew in the rows kept: (field, word, rows), most frequent first.
    var unmappedWords: [(field: String, word: String, rows: Int)] {
        var result: [(field: String, word: String, rows: Int)] = []
        for (slot, words) in unmapped.enumerated() {
            for (word, rows) in words { result.append((plan.outputFields[slot].name, String(decoding: word, as: UTF8.self), rows)) }
        }
        return result.sorted { ($0.rows, $1.field, $1.word) > ($1.rows, $0.field, $0.word) }
    }

    deinit {
        scratch.forEach { $0.deallocate() }
        joined.forEach { $0.deallocate() }
        constants.deallocate()
        prefixed.deallocate()
        fallbackStorage.deallocate()
    }

    /// Fills `values` from the raw record; returns why the row must be rejected, if it must.
    func normalize<Record: RawRecord>(_ row: Record) -> RowFailure? {
        rowUnmapped.removeAll(keepingCapacity: true)
        for slot in 0..<values.count {
            var input: UnsafeBufferPointer<UInt8>? = nil
            let column = singleColumns[slot]
            if column >= 0 {
                input = usable(row.bytes(column))
            } else if column == -2, let columns = plan.columnsByField[slot] {
                input = join(columns, row, into: joined[slot])
            }
            let type = types[slot]
            if let value = input, let map = valueMaps[slot] {
                let key = value.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
                if let mapped = map[key] {
                    let n = min(mapped.count, joined[slot].count)
                    for i in 0..<n { joined[slot][i] = mapped[i] }
                    input = usable(UnsafeBufferPointer(rebasing: joined[slot][0..<n]))
                }
            }
            guard let value = input else {
                values[slot] = .null
                if required[slot] {
                    let name = plan.outputFields[slot].name
                    return RowFailure(field: name, raw: nil, reason: "required field '\(name)' is empty; expected a value")
                }
                continue
            }
            switch vocabularyCache[slot] == nil ? coercer.coerce(value, as: type, scratch: scratch[slot]) : cachedWord(value, slot: slot) {
            case .same:
                if let set = accepted[slot], let failure = unaccepted(value, set, slot: slot, field: plan.outputFields[slot]) { return failure }
                values[slot] = .bytes(value)
            case .output(let n):
                let output = UnsafeBufferPointer(rebasing: scratch[slot][0..<n])
                if type == .date || type == .timestamp, let failure = implausible(output, field: plan.outputFields[slot]) {
                    return failure
                }
                if let set = accepted[slot], let failure = unaccepted(output, set, slot: slot, field: plan.outputFields[slot]) { return failure }
                values[slot] = .bytes(output)
            case .integer(let v):
                let offset = plan.countOffsets[slot]
                let count = offset == 0 ? v : max(0, v + offset)
                if let range = ranges[slot], !range.contains(Double(count)) { return outside(value, range, field: plan.outputFields[slot]) }
                values[slot] = .integer(count)
            case .real(let v):
                if let range = ranges[slot], !range.contains(v) { return outside(value, range, field: plan.outputFields[slot]) }
                values[slot] = .real(v)
            case .null:
                values[slot] = .null
                if required[slot] {
                    let name = plan.outputFields[slot].name
                    return RowFailure(field: name, raw: String(decoding: value, as: UTF8.self),
                                      reason: "required field '\(name)' has no value; expected a value")
                }
            case .invalid(let reason):
                return RowFailure(field: plan.outputFields[slot].name, raw: String(decoding: value.prefix(2000), as: UTF8.self), reason: reason)
            case .unmapped:
                // Not a canonical word: the field's fallback (NULL, or `other` for events) is
                // stored and the word counted, once the row is kept.
                values[slot] = fallbacks[slot].map { .bytes($0) } ?? .null
                rowUnmapped.append((slot, Array(value.prefix(200))))
                if required[slot] && fallbacks[slot] == nil {
                    let name = plan.outputFields[slot].name
                    return RowFailure(field: name, raw: String(decoding: value.prefix(200), as: UTF8.self),
                                      reason: "'\(String(decoding: value.prefix(200), as: UTF8.self))' is not a known \(name); expected one of \(vocabularyWords[slot]) (or map it under values.\(name))")
                }
            }
        }
        for (slot, word) in rowUnmapped { unmapped[slot][word, default: 0] += 1 }
        if let nameSlot, case .bytes(let name) = values[nameSlot], let cut = RowNormalizer.idSuffixStart(name) {
            values[nameSlot] = .bytes(UnsafeBufferPointer(rebasing: name[0..<cut]))
        }
        if let ticketIDSlot, case .bytes(let id) = values[ticketIDSlot] {
            _ = prefixed.initialize(from: ticketIDPrefix)
            let end = min(ticketIDPrefix.count + id.count, prefixed.count)
            for (i, b) in zip(ticketIDPrefix.count..<end, id) { prefixed[i] = b }
            values[ticketIDSlot] = .bytes(UnsafeBufferPointer(rebasing: prefixed[0..<end]))
        }
        if let pseudonymizer {
            for slot in values.indices where pseudonymised[slot] {
                if case .bytes(let clear) = values[slot] { values[slot] = .bytes(pseudonymizer.hash(clear, into: scratch[slot])) }
            }
            for slot in identitySlots {
                if case .bytes(let clear) = values[slot],
                   let hashed = pseudonymizer.identity(clear, field: plan.outputFields[slot].name, into: scratch[slot]) {
                    values[slot] = .bytes(hashed)
                }
            }
        }
        return finish()
    }

    /// A number outside `validation.ranges.<field>`.
    private func outside(_ raw: UnsafeBufferPointer<UInt8>, _ range: ClosedRange<Double>, field: CanonicalField) -> RowFailure {
        let text = String(decoding: raw.prefix(200), as: UTF8.self)
        return RowFailure(field: field.name, raw: text, reason: "\(text) is outside the range \(ValidationConfig.describe(range)) set in "
                          + "validation.ranges.\(field.name); expected a value from \(ValidationConfig.describe(range, joiner: " to "))")
    }

    /// A value not in `validation.accepted.<field>` (compared without case).
    private func unaccepted(_ value: UnsafeBufferPointer<UInt8>, _ set: Set<[UInt8]>, slot: Int, field: CanonicalField) -> RowFailure? {
        let key = value.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        guard !set.contains(key) else { return nil }
        let text = String(decoding: value.prefix(200), as: UTF8.self)
        return RowFailure(field: field.name, raw: text, reason: "'\(text)' is not an accepted \(field.name) (validation.accepted.\(field.name)); "
                          + "expected one of: \(acceptedText[slot])")
    }

    /// A date before `validation.earliest_date`, or after the run date plus the allowed days.
    private func implausible(_ value: UnsafeBufferPointer<UInt8>, field: CanonicalField) -> RowFailure? {
        plausible.reason(value, event: field.type == .timestamp || field.name == "snapshot_date").map {
            RowFailure(field: field.name, raw: String(decoding: value, as: UTF8.self), reason: $0)
        }
    }

    /// Rules across fields: a roster row's snapshot date and derived status; a ticket's
    /// first assignee defaults to its assignee when the log has no first assignee.
    private func finish() -> RowFailure? {
        switch kind {
        case .hrRoster:
            guard let snapshotSlot else { return nil }
            if case .null = values[snapshotSlot] {
                guard let partition else {
                    return RowFailure(field: "snapshot_date", raw: nil,
                                      reason: "no snapshot date; expected a date in the file name or a snapshot date column")
                }
                values[snapshotSlot] = .bytes(partition)
                // A snapshot dated by its file name is held to the same rule as one from a column.
                if let snapshotSlot = self.snapshotSlot, let failure = implausible(partition, field: plan.outputFields[snapshotSlot]) {
                    return failure
                }
            }
            if let statusSlot, case .null = values[statusSlot] {
                var left = false
                if let terminationSlot, case .bytes(let termination) = values[terminationSlot],
                   case .bytes(let snapshot) = values[snapshotSlot] {
                    // Both are YYYY-MM-DD: byte order is date order; left when termination <= snapshot.
                    left = !snapshot.lexicographicallyPrecedes(termination)
                }
                values[statusSlot] = .bytes(left ? terminated : active)
            }
        case .tickets:
            if let firstAssigneeSlot, let assigneeSlot, case .null = values[firstAssigneeSlot] {
                values[firstAssigneeSlot] = values[assigneeSlot]
            }
        case .customerEvents, .ticketEvents, .survey, .raw:
            break
        }
        return nil
    }

    /// `values` as SQL values (the bytes copied into text): the PostgreSQL path, which
    /// buffers rows for COPY.
    func sqlValues() -> [SQLValue] {
        values.map { value in
            switch value {
            case .null: return .null
            case .integer(let v): return .integer(v)
            case .real(let v): return .real(v)
            case .bytes(let b): return .text(String(decoding: b, as: UTF8.self))
            }
        }
    }

    /// Binds `values` to parameters `first`, `first + 1`, … of `insert`, without copying.
    func bind(to insert: Statement, from first: Int32) throws {
        for (slot, value) in values.enumerated() {
            let index = first + Int32(slot)
            switch value {
            case .null: try insert.bind(.null, at: index)
            case .integer(let v): try insert.bind(.integer(v), at: index)
            case .real(let v): try insert.bind(.real(v), at: index)
            case .bytes(let b): try insert.bindTextNoCopy(b, at: index)
            }
        }
    }

    /// The bytes trimmed of white space (no-break spaces and leading byte-order marks too), or
    /// nil when empty or a null marker.
    private func usable(_ bytes: UnsafeBufferPointer<UInt8>?) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes else { return nil }
        var start = 0, end = bytes.count
        while start < end {
            let b = bytes[start]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { start += 1 }
            else if b == 0xC2, start + 1 < end, bytes[start + 1] == 0xA0 { start += 2 }
            // A byte-order mark inside the file (two exports joined) is not part of a key.
            else if b == 0xEF, start + 2 < end, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF { start += 3 }
            else { break }
        }
        while end > start {
            let b = bytes[end - 1]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { end -= 1 }
            else if b == 0xA0, end - 2 >= start, bytes[end - 2] == 0xC2 { end -= 2 }
            else { break }
        }
        let trimmed = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if trimmed.count <= maxNullMarker {
            for marker in nullMarkers where marker.count == trimmed.count && marker.elementsEqual(trimmed) { return nil }
        }
        return trimmed
    }

    /// Several columns joined by a space (first + last name), skipping empty ones.
    private func join<Record: RawRecord>(_ columns: [Int], _ row: Record, into buffer: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var n = 0
        for column in columns {
            guard let part = usable(row.bytes(column)) else { continue }
            if n > 0, n < buffer.count { buffer[n] = 0x20; n += 1 }
            for b in part where n < buffer.count {
                buffer[n] = b
                n += 1
            }
        }
        return n == 0 ? nil : UnsafeBufferPointer(rebasing: buffer[0..<n])
    }
}
