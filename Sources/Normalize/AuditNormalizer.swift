import AmbassadorCore
import Foundation
import Warehouse

/// Normalizes ticket audits into one staged ticket event per audit event, numbered within the
/// record. Two Zendesk shapes: the audits API (`/tickets/{id}/audits`, `/ticket_audits`), one
/// record per save of a ticket with an `events` array of `{type, field_name, value, …}`; and
/// the incremental ticket event export (`/incremental/ticket_events`), one record per save
/// with `child_events` of `{event_type, <field>: value, previous_value, comment_public, …}`,
/// its time in `timestamp` (epoch seconds) and its actor in `updater_id`.
///
/// Every event gets a `TicketEvent` word, the vocabulary the score stage reads: the first
/// `Create` is `created` (and `assigned` when it sets an assignee), a status change to solved
/// or closed is `solved` or `closed`, back from solved or closed is `reopened`, an assignee
/// change is `assigned` or `reassigned` (the actor is the new assignee). A public comment (or
/// a call's) is a message by its author: `customer_message` when the author is the ticket's
/// requester — the `requester_id` its Create events set, else the author of the audit that
/// created the ticket — and `agent_message` otherwise; a private one is `internal_note`.
/// FOLLOWUP matches a message's actor to the first assignee, so the split only labels. Any
/// other event (a field change, a notification) is `other`; the audit itself stays in the
/// archived file (and in `raw_<source>` with `keep_raw`).
struct AuditNormalizer {
    /// Raw column of each audit field.
    let ticketColumn: String, timeColumn: String, eventsColumn: String
    let actorColumn: String?
    let source: SourceConfig
    let coercer: Coercer

    /// An audit normalizer when `columns` look like audits: an `events` column and no event-type column.
    init?(source: SourceConfig, columns: [String], coercer: Coercer) {
        guard source.kind == .ticketEvents, source.fields["event"] == nil else { return nil }
        var keyed: [String: String] = [:]
        for column in columns where keyed[CanonicalField.key(column)] == nil { keyed[CanonicalField.key(column)] = column }
        let fields = Dictionary(uniqueKeysWithValues: CanonicalEntity.ticketEvent.fields.map { ($0.name, $0) })
        func column(_ name: String) -> String? {
            if let configured = source.fields[name] { return columns.first { ColumnName.same($0, configured) } }
            return fields[name]?.aliases.lazy.compactMap { keyed[CanonicalField.key($0)] }.first
        }
        // The incremental export's own `event_type` column says "Audit" for the record; its
        // `child_events` hold the events, so that column does not make it a plain event log.
        let nested = keyed["childevents"] ?? keyed["events"]
        guard let events = nested, keyed["childevents"] != nil || column("event") == nil,
              let ticket = keyed["ticketid"] ?? column("ticket_id"), let time = column("occurred_at") else { return nil }
        ticketColumn = ticket
        timeColumn = time
        eventsColumn = events
        actorColumn = column("actor_id")
        self.source = source
        self.coercer = coercer
    }

    /// One staged event.
    struct Event: Equatable {
        let event: TicketEvent
        let actor: String?
    }

    /// The events of one audit, from its `events` JSON. `requester`: the ticket's requester
    /// as known from its earlier audits; this audit's Create events may name it (and then set it).
    static func events(_ json: Any, author: String?, requester: inout String?) -> [Event]? {
        guard let list = json as? [Any] else { return nil }
        var out: [Event] = []
        var created = false
        func text(_ value: Any?) -> String? {
            switch value {
            case let s as String: return s.isEmpty ? nil : s
            case let n as NSNumber: return n.stringValue
            default: return nil
            }
        }
        // Who asked: named by a Create event, else the author of the audit that creates the
        // ticket. Read before the comments, which an audit lists first.
        let items = list.compactMap { $0 as? [String: Any] }
        let creates = items.filter { (text($0["type"]) ?? text($0["event_type"]))?.lowercased() == "create" }
        if let named = creates.lazy.compactMap({ $0["field_name"] as? String == "requester_id" ? text($0["value"]) : text($0["requester_id"]) }).first {
            requester = named
        } else if requester == nil, !creates.isEmpty {
            requester = author
        }
        let open: Set<String> = ["new", "open", "pending", "hold"], done: Set<String> = ["solved", "closed"]
        for item in list {
            guard let event = item as? [String: Any] else { continue }
            let type = (text(event["type"]) ?? text(event["event_type"]) ?? "unknown").lowercased()
            // The audits API names the field (`field_name`, `value`); a child event of the
            // incremental export carries the field itself as its key.
            let fieldKey = text(event["field_name"]) ?? changedField(event)
            let field = fieldKey?.lowercased()
            let rawValue = event["field_name"] != nil ? text(event["value"]) : fieldKey.flatMap { text(event[$0]) } ?? text(event["value"])
            let value = rawValue.map { $0.lowercased() }
            let previous = text(event["previous_value"]).map { $0.lowercased() }
            let actor = text(event["author_id"]) ?? author
            switch (type, field) {
            case ("create", "assignee_id"):
                if !created { out.append(Event(event: .created, actor: author)); created = true }
                if let assignee = rawValue { out.append(Event(event: .assigned, actor: assignee)) }
            case ("create", _):
                if !created { out.append(Event(event: .created, actor: author)); created = true }
            case ("change", "status"):
                if let value, done.contains(value) {
                    out.append(Event(event: value == "closed" ? .closed : .solved, actor: actor))
                } else if let previous, done.contains(previous), let value, open.contains(value) {
                    out.append(Event(event: .reopened, actor: actor))
                } else {
                    out.append(Event(event: .other, actor: actor))
                }
            case ("change", "assignee_id"):
                if let assignee = rawValue {
                    out.append(Event(event: previous == nil ? .assigned : .reassigned, actor: assignee))
                } else {
                    out.append(Event(event: .other, actor: actor))
                }
            case ("comment", _), ("voicecomment", _):
                let flag = event["public"] ?? event["comment_public"]
                let isPublic = (flag as? Bool) ?? ((flag as? NSNumber)?.boolValue ?? true)
                let message: TicketEvent = actor != nil && actor == requester ? .customerMessage : .agentMessage
                out.append(Event(event: isPublic ? message : .internalNote, actor: actor))
            default:
                out.append(Event(event: .other, actor: actor))
            }
        }
        return out
    }

    /// Keys of a child event that describe the event rather than the ticket field it sets.
    private static let eventKeys: Set<String> = [
        "id", "type", "event_type", "via", "via_reference_id", "previous_value", "value", "author_id", "public",
        "comment_present", "comment_public", "body", "html_body", "plain_body", "attachments", "audit_id", "metadata",
        "recipients", "subject", "created_at", "timestamp", "updater_id", "ticket_id",
    ]

    /// The ticket field a Create or Change child event of the incremental export sets: its one
    /// key that is not about the event (status and assignee first, should there be several).
    private static func changedField(_ event: [String: Any]) -> String? {
        let fields = event.keys.filter { !eventKeys.contains($0) }.sorted()
        return fields.first { $0 == "status" } ?? fields.first { $0 == "assignee_id" } ?? fields.first
    }

    func normalize(_ input: FileRecords, database: any WarehouseConnection, context: StageContext) throws -> (written: Int, rejected: Int) {
        let fileID = input.fileID, path = input.path
        let columns = [ticketColumn, timeColumn, eventsColumn] + (actorColumn.map { [$0] } ?? [])
        let staged = try TableWriter(database, table: "stg_ticket_event", columns: [
            "file_id", "record_no", "event_no", "source", "ticket_id", "occurred_at", "event", "actor_id",
        ])
        let quarantine = try Quarantine(database: database, context: context, source: source.name, fileID: fileID, path: path)
        let plausible = PlausibleDates(validation: context.config.validation, runDate: context.runDate)
        let nulls = Set(source.nullValues)
        var written = 0
        // Ticket → its requester, as the file's audits (in line order) name it.
        var requesters: [String: String] = [:]
        try input.forEach(columns: columns, database: database, progress: context.progress) { row in
            let recordNo = row.int64(0)
            func reject(_ field: String, _ raw: String?, _ reason: String) throws {
                try quarantine.add(recordNo: recordNo, field: field, raw: raw, reason: reason)
            }
            func value(_ index: Int32) -> String? {
                guard let text = row.text(index)?.trimmingCharacters(in: .whitespacesAndNewlines), !nulls.contains(text) else { return nil }
                return text
            }
            guard let ticket = value(1) else {
                return try reject("ticket_id", nil, "the audit names no ticket (column '\(ticketColumn)' is empty); expected the ticket's id")
            }
            guard let rawTime = value(2) else {
                return try reject("occurred_at", nil, "the audit has no time (column '\(timeColumn)' is empty); expected when it was saved")
            }
            let occurred: String
            switch coercer.timestamp(rawTime) {
            case .value(let v): occurred = v
            case .invalid(let reason): return try reject("occurred_at", rawTime, reason)
            default: return try reject("occurred_at", rawTime, "not a timestamp; expected e.g. 2026-01-31T12:00:00Z")
            }
            if let reason = plausible.reason(occurred) { return try reject("occurred_at", rawTime, reason) }
            let eventsText = row.text(3) ?? ""
            guard let json = try? JSONSerialization.jsonObject(with: Data(eventsText.utf8), options: [.fragmentsAllowed]),
                  let events = AuditNormalizer.events(json, author: actorColumn == nil ? nil : value(4), requester: &requesters[ticket]) else {
                return try reject("events", String(eventsText.prefix(200)), "the audit's events are not a JSON array; expected [{\"type\": …}, …]")
            }
            guard !events.isEmpty else {
                return try reject("events", eventsText, "the audit holds no events; expected at least one")
            }
            for (number, event) in events.enumerated() {
                try staged.insert([.integer(fileID), .integer(recordNo), .integer(Int64(number)), .text(source.name), .text(source.ticketIDPrefix + ticket),
                                   .text(occurred), .text(event.event.rawValue), SQLValue(event.actor)])
            }
            written += 1
        }
        try staged.finish()
        try quarantine.finish()
        return (written, quarantine.count)
    }
}
