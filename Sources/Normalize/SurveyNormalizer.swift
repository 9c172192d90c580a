import AmbassadorCore
import Foundation
import Logging
import Warehouse

/// Normalizes survey exports: one response row per record and its answers in long format.
///
/// Column roles (response fields, items) are `SurveyColumns`'s. Answers: numbers as numbers; Likert and satisfaction labels as
/// 1–5; yes/no as 1/0; `-99` as seen but not answered; other text as text. An employee
/// response keeps its team but never a respondent or a ticket: pulse answers are not joined
/// to an individual.
struct SurveyNormalizer {
    /// Agreement, satisfaction and likelihood labels on a 1–5 scale; yes/no as 1/0.
    static let labels: [String: Double] = [
        "strongly disagree": 1, "disagree": 2, "somewhat disagree": 2, "neither agree nor disagree": 3, "neutral": 3,
        "somewhat agree": 4, "agree": 4, "strongly agree": 5,
        "very dissatisfied": 1, "dissatisfied": 2, "somewhat dissatisfied": 2, "neither satisfied nor dissatisfied": 3,
        "somewhat satisfied": 4, "satisfied": 4, "very satisfied": 5,
        "very unlikely": 1, "unlikely": 2, "neither likely nor unlikely": 3, "likely": 4, "very likely": 5,
        "yes": 1, "no": 0, "true": 1, "false": 0,
    ]

    let source: SourceConfig
    let coercer: Coercer
    /// Result column (1-based after `_record_no`) of each response field, when present.
    let fieldColumns: [String: Int]
    let itemColumns: [(name: String, index: Int)]
    let selected: [String]

    /// `fileMetadata`: what the export said of its columns (`import_id/<column>`,
    /// `timezone/<column>`): the ImportIds tell the answers, and the zone of the submission
    /// time's column wins over the pipeline's (a conflict with the source's `timezone:` is logged).
    init(source: SourceConfig, columns: [String], path: String, coercer: Coercer, fileMetadata: [String: String] = [:],
         logger: Logger? = nil) throws {
        self.source = source
        var importIDs: [String: String] = [:]
        for (key, value) in fileMetadata where key.hasPrefix("import_id/") { importIDs[String(key.dropFirst(10))] = value }
        let roles = SurveyColumns(source: source, columns: columns, importIDs: importIDs)
        var coercer = coercer
        if let column = roles.fields["submitted_at"], let exported = fileMetadata["timezone/" + column] {
            let zone = exported == "Z" ? "UTC" : exported
            if let configured = source.timeZone, configured != zone {
                logger?.warning("\(path): the export says its \(column) times are in \(zone); sources.\(source.name).timezone says \(configured) — the export's zone is used")
            }
            coercer = try Coercer(timeZone: zone, decimalSeparator: source.decimalSeparator)
        }
        self.coercer = coercer
        if let missing = roles.missingConfigured {
            throw NormalizeError.unknownColumn(path: path, source: source.name, field: missing.field, column: missing.column)
        }
        guard !roles.items.isEmpty else {
            let hint: String
            if columns.contains("pages") && columns.contains(where: { $0 == "collector_id" || $0 == "total_time" }) {
                hint = "a SurveyMonkey API responses page names its answers by question and choice ids inside `pages`, whose scale values only the survey's details can give — export the responses as CSV instead"
            } else {
                hint = "its columns include " + columns.prefix(8).joined(separator: ", ")
            }
            throw NormalizeError.noAnswers(path: path, source: source.name, hint: hint)
        }
        guard roles.fields["response_id"] != nil else {
            throw NormalizeError.missingColumn(path: path, source: source.name, field: "response_id",
                                               tried: SurveyColumns.responseFields[0].aliases)
        }
        selected = Array(Set(roles.fields.values)) + roles.items
        var positions: [String: Int] = [:]
        for (index, column) in selected.enumerated() { positions[column] = index + 1 }
        fieldColumns = roles.fields.compactMapValues { positions[$0] }
        itemColumns = roles.items.compactMap { item in positions[item].map { (item, $0) } }
    }

    func normalize(_ input: FileRecords, database: any WarehouseConnection, context: StageContext) throws -> (written: Int, rejected: Int) {
        let fileID = input.fileID, path = input.path
        let responses = try TableWriter(database, table: "stg_survey_response", columns: [
            "file_id", "record_no", "source", "response_id", "respondent_kind", "respondent_id", "ticket_id", "team_id",
            "submitted_at", "finished",
        ])
        let answers = try TableWriter(database, table: "stg_survey_answer", columns: [
            "file_id", "record_no", "item", "numeric_value", "text_value", "answered",
        ])
        let quarantine = try Quarantine(database: database, context: context, source: source.name, fileID: fileID, path: path)
        let plausible = PlausibleDates(validation: context.config.validation, runDate: context.runDate)
        let employee = source.respondent == .employee
        let pseudonymizer = Pseudonymizer(context.config.privacy)
        let nulls = Set(source.nullValues)
        var written = 0
        // Per item: the first `validation.answer_ranges` pattern it matches.
        let itemRanges = itemColumns.map { item in context.config.validation.answerRanges.first { fnmatch($0.pattern, item.name, 0) == 0 } }
        var itemAnswers: [[SQLValue]] = []
        try input.forEach(columns: selected, database: database, progress: context.progress) { row in
            let recordNo = row.int64(0)
            func text(_ field: String) -> String? {
                guard let column = fieldColumns[field],
                      let value = row.text(Int32(column))?.trimmingCharacters(in: .whitespacesAndNewlines),
                      !nulls.contains(value) else { return nil }
                return value
            }
            func reject(_ field: String, _ raw: String?, _ reason: String) throws {
                try quarantine.add(recordNo: recordNo, field: field, raw: raw, reason: reason)
            }
            guard let responseID = text("response_id") else {
                return try reject("response_id", nil, "required field 'response_id' is empty; expected the response's id")
            }
            var submitted: String? = nil
            if let raw = text("submitted_at") {
                switch coercer.timestamp(raw) {
                case .value(let v):
                    if let reason = plausible.reason(v) { return try reject("submitted_at", raw, reason) }
                    submitted = v
                case .invalid(let reason): return try reject("submitted_at", raw, reason)
                default: submitted = nil
                }
            }
            let finished = text("finished").map { ["1", "true", "yes"].contains($0.lowercased()) ? 1 : 0 }
            // Answers first: one outside its item's range quarantines the whole response.
            itemAnswers.removeAll(keepingCapacity: true)
            for ((item, column), limit) in zip(itemColumns, itemRanges) {
                guard let raw = row.text(Int32(column))?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty, !nulls.contains(raw) else {
                    continue
                }
                var score: Double? = nil, label: String? = nil, answered = 1
                if raw == "-99" {
                    answered = 0
                } else if let number = coercer.number(raw) {
                    score = number
                } else {
                    score = SurveyNormalizer.labels[raw.lowercased()]
                    // Under pseudonymisation an e-mail address in a text answer is hashed.
                    label = pseudonymizer?.scrubbingEmails(raw) ?? raw
                }
                if let limit, let score, !limit.range.contains(score) {
                    return try reject(item, raw, "\(raw) is outside the range \(ValidationConfig.describe(limit.range)) set for \(limit.pattern) in "
                                      + "validation.answer_ranges; expected an answer from \(ValidationConfig.describe(limit.range, joiner: " to ")) (or -99 for not answered)")
                }
                itemAnswers.append([.integer(fileID), .integer(recordNo), .text(item), SQLValue(score), SQLValue(label), .integer(Int64(answered))])
            }
            try responses.insert([
                .integer(fileID), .integer(recordNo), .text(source.name), .text(responseID), .text((employee ? Respondent.employee : .customer).rawValue),
                // Pulse answers are never joined to an individual: no respondent, no ticket.
                employee ? .null : SQLValue(text("respondent_id").map { respondent in
                    let lowered = respondent.lowercased()
                    return pseudonymizer?.identity(lowered, field: "respondent_id") ?? lowered
                }), employee ? .null : SQLValue(text("ticket_id").map { source.ticketIDPrefix + $0 }),
                SQLValue(text("team")), SQLValue(submitted), SQLValue(finished),
            ])
            for answer in itemAnswers { try answers.insert(answer) }
            written += 1
        }
        try responses.finish()
        try answers.finish()
        try quarantine.finish()
        return (written, quarantine.count)
    }
}
