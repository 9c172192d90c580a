import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The roles of a survey export's columns — response fields and answer items — decided once,
/// for extract (which keeps only what an employee survey may keep) and for normalize (which
/// maps them).
///
/// Response fields are found by `fields:` or header aliases; items by `items:` patterns, else
/// Qualtrics-style `Q…` columns, else — for SurveyMonkey — every column that is not respondent
/// metadata.
package struct SurveyColumns: Sendable {
    /// The response fields and their header aliases (`CanonicalEntity.surveyResponse`).
    package static let responseFields: [(name: String, aliases: [String])] =
        CanonicalEntity.surveyResponse.fields.map { ($0.name, $0.aliases) }

    /// The response fields an employee (pulse) survey keeps: never the respondent or a ticket.
    package static let employeeFields: Set<String> = ["response_id", "team", "submitted_at", "finished"]

    /// SurveyMonkey's respondent metadata columns: not items.
    package static let surveyMonkeyMetadata: Set<String> = [
        "respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress", "firstname", "lastname",
        "customdata", "customdata1", "customdata2",
    ]

    /// Response field → the column holding it.
    package let fields: [String: String]
    /// Answer item columns, in file order, none of them a response field.
    package let items: [String]
    /// A configured `fields:` column the file does not have: (field, column).
    package let missingConfigured: (field: String, column: String)?

    /// `importIDs`: column → Qualtrics ImportId, from the export's third header row. With them,
    /// the answer items are exactly the columns of question ids (`QID12`, `QID12_3`, `QID12_TEXT`,
    /// loop-and-merge `2_QID12_1`) — whatever the questions were renamed to — and never their
    /// display order, timing, browser meta data or embedded data.
    package init(source: SourceConfig, columns: [String], importIDs: [String: String] = [:]) {
        var keyed: [String: String] = [:]
        for column in columns where keyed[ColumnName.aliasKey(column)] == nil { keyed[ColumnName.aliasKey(column)] = column }
        var used: [String: String] = [:]
        var missing: (String, String)? = nil
        for (name, aliases) in SurveyColumns.responseFields {
            if let configured = source.fields[name] {
                if let column = columns.first(where: { ColumnName.same($0, configured) }) {
                    used[name] = column
                } else if missing == nil {
                    missing = (name, configured)
                }
            } else if let column = aliases.lazy.compactMap({ keyed[ColumnName.aliasKey($0)] }).first {
                used[name] = column
            }
        }
        let fieldColumns = Set(used.values)
        var items: [String]
        if !source.items.isEmpty {
            items = columns.filter { column in source.items.contains { fnmatch($0, column, 0) == 0 } }
        } else if !importIDs.isEmpty {
            items = columns.filter { importIDs[$0].map(SurveyColumns.isQuestionID) ?? false }
        } else if source.format == .surveymonkeyCSV {
            items = columns.filter { !SurveyColumns.surveyMonkeyMetadata.contains(ColumnName.aliasKey($0)) }
        } else {
            items = columns.filter { column in
                guard column.count >= 2, column.first == "Q" || column.hasPrefix("QID") else { return false }
                return (column.dropFirst().first?.isNumber == true || column.hasPrefix("QID")) && !SurveyColumns.isQualtricsMeta(column)
            }
        }
        items.removeAll { fieldColumns.contains($0) }
        fields = used
        self.items = items
        missingConfigured = missing
    }

    /// Suffixes of a Qualtrics question id (or column name) that are not an answer: display
    /// order, timing, and the browser meta-info question.
    private static let metaSuffixes = ["_DO", "_ADO", "_FIRST_CLICK", "_LAST_CLICK", "_PAGE_SUBMIT", "_CLICK_COUNT",
                                       "_BROWSER", "_VERSION", "_OS", "_RESOLUTION"]

    /// `QID12`, `QID12_3`, `QID12_TEXT`, `QID12_3_TEXT`, `2_QID12_1` (loop and merge): an answer.
    package static func isQuestionID(_ id: String) -> Bool {
        let upper = id.uppercased()
        guard let range = upper.range(of: "QID"), upper[..<range.lowerBound].allSatisfy({ $0.isNumber || $0 == "_" }) else { return false }
        let rest = upper[range.upperBound...]
        guard rest.first?.isNumber == true else { return false }
        return !metaSuffixes.contains { rest.hasSuffix($0) } && !rest.contains("_DO_")
    }

    /// A Qualtrics column that is not an answer, by its name (`Q3_DO_2`, `Q5_First Click`,
    /// `Q20_Browser`), for exports without an ImportId row.
    static func isQualtricsMeta(_ name: String) -> Bool {
        let upper = name.uppercased().replacingOccurrences(of: " ", with: "_")
        return metaSuffixes.contains { upper.hasSuffix($0) } || upper.contains("_DO_") || upper.hasSuffix("_OPERATING_SYSTEM")
    }

    /// Whether `source` is an employee (pulse) survey, whose respondents' identity is never kept.
    package static func isEmployeeSurvey(_ source: SourceConfig) -> Bool {
        source.kind == .survey && source.respondent == .employee
    }

    /// The columns an employee survey keeps: its answer items and the response id, team,
    /// submission time and completion. Everything else — names, e-mails, IP addresses,
    /// locations, external references, embedded data — is or may be identity, and is dropped.
    package var keptForEmployees: Set<String> {
        Set(items).union(fields.filter { SurveyColumns.employeeFields.contains($0.key) }.map(\.value))
    }
}
