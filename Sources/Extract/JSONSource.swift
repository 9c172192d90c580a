import AmbassadorCore

/// JSON exports: an API page whose records are an array under a key (Zendesk incremental
/// exports, audits, BambooHR directories), a top-level array (Freshdesk), one object, or
/// JSON Lines. Records stream one at a time; nested objects flatten to `a/b/c` columns
/// (csvkit's convention), arrays are kept as JSON text, and an array of `{id, value}`
/// objects (Zendesk `custom_fields`) also spreads into one `custom_fields/<id>` column each.
/// Top-level scalars (`next_page`, `end_time`, `count`, …) go to the sink as metadata.
package struct JSONSource: Source {
    package static let formatName = "json"
    /// Array keys that hold the records, in order of preference, when the file is an object.
    package static let recordKeys = ["tickets", "ticket_events", "audits", "satisfaction_ratings", "users", "groups",
                                     "comments", "employees", "agents", "conversations", "organizations", "results",
                                     "result", "records", "data", "items", "individuals", "issues", "requests"]
    /// Records must be under this key (`nil`: the preferred keys, then the first array of objects).
    package var recordKey: String?
    package var maxRecordBytes = CSVReader.defaultMaxRecordBytes
    package var chunkSize = TextInput.chunkSize

    package init(recordKey: String? = nil) {
        self.recordKey = recordKey
    }

    package func read(_ path: String, into sink: RecordSink, progress: ProgressReporter) throws {
        let input = try TextInput(path: path, encoding: .utf8, chunkSize: chunkSize)
        let reader = JSONReader(input: input, maxRecordBytes: maxRecordBytes)
        let assembler = RecordAssembler(columns: ColumnSet(), sink: sink)
        var rows = 0
        progress.begin("extract \(path.split(separator: "/").last.map(String.init) ?? path)", total: input.size)
        defer { progress.end() }
        func emit(_ node: JSONNode, _ number: Int) throws -> Bool {
            rows += 1
            progress.update(rows: rows, done: reader.bytesRead)
            return try assembler.emit(JSONSource.flatten(node), number: number)
        }

        try reader.skipWhitespace()
        guard let first = try reader.peek() else {
            throw ExtractError.malformed(path: path, line: 1, column: 1, message: "the file is empty", expected: "a JSON document")
        }
        var keepGoing = true
        if first == UInt8(ascii: "[") {
            keepGoing = try streamArray(reader, emit: emit)
        } else if first == UInt8(ascii: "{") {
            keepGoing = try streamObject(reader, sink: sink, emit: emit)
        } else {
            throw reader.fail("the document starts with \(reader.describe(first))", expected: "a JSON object or array")
        }
        // More values after the first: JSON Lines, one record per value, numbered by line.
        while keepGoing {
            try reader.skipWhitespace()
            guard try reader.peek() != nil else { break }
            let line = reader.line
            reader.beginRecord()
            keepGoing = try emit(try reader.value(), line)
        }
    }

    /// Streams the elements of the array that starts at the reader; numbers them from 1.
    private func streamArray(_ reader: JSONReader, emit: (JSONNode, Int) throws -> Bool) throws -> Bool {
        try reader.expect(UInt8(ascii: "["), "'['")
        var index = 0
        try reader.skipWhitespace()
        if try reader.peek() == UInt8(ascii: "]") {
            try reader.expect(UInt8(ascii: "]"), "']'")
            return true
        }
        while true {
            index += 1
            reader.beginRecord()
            if !(try emit(try reader.value(depth: 1), index)) { return false }
            try reader.skipWhitespace()
            guard let next = try reader.peek() else { throw reader.fail("the file ends inside the record array", expected: "',' or ']'") }
            try reader.expect(next == UInt8(ascii: "]") ? UInt8(ascii: "]") : UInt8(ascii: ","), "',' or ']'")
            if next == UInt8(ascii: "]") { return true }
        }
    }

    /// Streams the records array of a top-level object; other members become metadata.
    /// With no records array, the object itself (or its only object member) is one record.
    private func streamObject(_ reader: JSONReader, sink: RecordSink, emit: (JSONNode, Int) throws -> Bool) throws -> Bool {
        try reader.expect(UInt8(ascii: "{"), "'{'")
        var members: [JSONMember] = []
        var streamed = false
        try reader.skipWhitespace()
        if try reader.peek() == UInt8(ascii: "}") {
            try reader.expect(UInt8(ascii: "}"), "'}'")
        } else {
            while true {
                try reader.skipWhitespace()
                guard try reader.peek() == UInt8(ascii: "\"") else { throw reader.fail("expected a member name", expected: "\"name\": value") }
                let key = try reader.string()
                try reader.expect(UInt8(ascii: ":"), "':'")
                try reader.skipWhitespace()
                if !streamed, try reader.peek() == UInt8(ascii: "["), isRecordKey(key) {
                    streamed = true
                    if !(try streamArray(reader, emit: emit)) { return false }
                } else {
                    reader.beginRecord()
                    let value = try reader.value(depth: 1)
                    members.append(JSONMember(key: key, value: value))
                    switch value {
                    case .object(let pairs) where key == "field_headers":
                        // Zendesk's legacy export names its columns' labels: `req_id` is
                        // "Requester ID". The export's own words are kept for the column mapping.
                        for pair in pairs { if case .string(let label) = pair.value { try sink.metadata("label/" + pair.key, label) } }
                    case .object, .array: break
                    case .null: try sink.metadata(key, nil)
                    default: try sink.metadata(key, JSONSource.scalarText(value))
                    }
                }
                try reader.skipWhitespace()
                guard let next = try reader.peek() else { throw reader.fail("the file ends inside the top-level object", expected: "',' or '}'") }
                try reader.expect(next == UInt8(ascii: "}") ? UInt8(ascii: "}") : UInt8(ascii: ","), "',' or '}'")
                if next == UInt8(ascii: "}") { break }
            }
        }
        if streamed { return true }
        // No known records array. A list page (it has paging members, or nothing but the
        // array) holds its records in the first array of objects; any other object is one
        // record — a single Freshdesk ticket must not turn into its attachments.
        let pageKeys: Set<String> = ["next_page", "previous_page", "count", "end_of_stream", "end_time", "after_cursor",
                                     "before_cursor", "meta", "links", "page", "per_page", "total", "has_more", "paging",
                                     "startAt", "maxResults", "totalSize", "done"]
        var isPage = members.count == 1
        for member in members where pageKeys.contains(member.key) { isPage = true }
        if recordKey == nil && isPage {
            for member in members {
                guard case .array(let items) = member.value else { continue }
                var holdsObjects = false
                for item in items {
                    if case .object = item { holdsObjects = true }
                }
                guard holdsObjects else { continue }
                for (index, item) in items.enumerated() where !(try emit(item, index + 1)) { return false }
                return true
            }
        }
        // An object of objects keyed by id (BambooHR's `{"123": {…}, "124": {…}}`): each member
        // is a record — never one record with a column per employee and field. Its key is
        // its `id` when the record has none.
        if recordKey == nil, members.count >= 2, members.allSatisfy({ member in
            guard case .object = member.value else { return false }
            return !member.key.isEmpty && member.key.allSatisfy { $0.isNumber || $0 == "-" || $0 == "_" || $0.isLetter } && member.key.contains(where: \.isNumber)
        }) {
            for (index, member) in members.enumerated() {
                guard case .object(var inner) = member.value else { continue }
                if !inner.contains(where: { $0.key == "id" }) { inner.insert(JSONMember(key: "id", value: .string(member.key)), at: 0) }
                if !(try emit(.object(inner), index + 1)) { return false }
            }
            return true
        }
        if members.count == 1, case .object = members[0].value {
            return try emit(members[0].value, 1)
        }
        return try emit(.object(members), 1)
    }

    private func isRecordKey(_ key: String) -> Bool {
        if let recordKey { return key == recordKey }
        return JSONSource.recordKeys.contains(key)
    }

    /// A record's fields as (column path, text) pairs.
    package static func flatten(_ node: JSONNode) -> [(String, String?)] {
        var fields: [(String, String?)] = []
        if case .object = node {
            flatten(node, prefix: "", into: &fields)
        } else {
            fields.append(("value", scalarText(node)))
        }
        return fields
    }

    private static func flatten(_ node: JSONNode, prefix: String, into fields: inout [(String, String?)]) {
        guard case .object(let members) = node else { return }
        for member in members {
            let key = member.key, value = member.value
            let path = prefix.isEmpty ? key : prefix + "/" + key
            switch value {
            case .object(let inner):
                if inner.isEmpty {
                    fields.append((path, "{}"))
                } else if let reference = referenceValue(inner) {
                    // ServiceNow's Table API: a reference `{link, value}` is its value (the sys_id);
                    // with sysparm_display_value=all, `{display_value, value[, link]}` is its value
                    // and its display value beside it — one column each, named by the field.
                    fields.append((path, reference.value))
                    if let display = reference.display { fields.append((path + "/display_value", display)) }
                } else {
                    flatten(value, prefix: path, into: &fields)
                }
            case .array(let items):
                fields.append((path, value.jsonText))
                // [{"id": 360001, "value": …}, …] → custom_fields/360001 = value. Only objects of
                // exactly those two members: an array of richer objects (a Zendesk audit's
                // events, a SurveyMonkey response's pages) holds child records, kept whole as
                // JSON text for its normalizer, never spread into a column per element.
                for item in items {
                    guard case .object(let pairs) = item, pairs.count == 2,
                          let id = pairs.first(where: { $0.key == "id" })?.value, let inner = pairs.first(where: { $0.key == "value" })?.value,
                          let idText = scalarText(id) else { continue }
                    fields.append((path + "/" + idText, scalarText(inner)))
                }
            default:
                fields.append((path, scalarText(value)))
            }
        }
    }

    /// `{link, value}` or `{display_value, value[, link]}` with scalar members: a reference.
    private static func referenceValue(_ members: [JSONMember]) -> (value: String?, display: String?)? {
        let keys = Set(members.map(\.key))
        guard keys.contains("value"), keys.isSubset(of: ["link", "value", "display_value"]), keys.count >= 2 else { return nil }
        var value: String?, display: String?
        for member in members {
            switch member.value {
            case .object, .array: return nil
            default: break
            }
            if member.key == "value" { value = scalarText(member.value) }
            if member.key == "display_value" { display = scalarText(member.value) }
        }
        return (value, display)
    }

    /// The text of a scalar; arrays and objects as JSON text; nil for null.
    static func scalarText(_ node: JSONNode) -> String? {
        switch node {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        case .object, .array: return node.jsonText
        }
    }
}
