/// How the header rows of a CSV export are laid out.
package enum CSVLayout: Sendable, Equatable {
    /// One header row.
    case plain
    /// Qualtrics: export tags, question text, then an ImportId row — `{"ImportId":"QID1"}`, or
    /// the 2017 Python-dict form `{'ImportId': 'QID1'}`; or the legacy layout whose first
    /// row is `V1,V2,…` and whose second row names those columns.
    case qualtrics
    /// SurveyMonkey: questions, then sub-answers (`Response`, `Open-Ended Response`, options).
    case surveyMonkey

    /// A Qualtrics ImportId cell: the question or field id, and the zone of its naive times
    /// (`{"ImportId":"startDate","timeZone":"America/New_York"}`).
    struct ImportTag: Equatable {
        let id: String
        let timeZone: String?
    }

    /// What the header rows seen so far decide.
    enum Decision: Equatable {
        case needMore
        /// The rows seen (all of them) are the header.
        case header(names: [String], labels: [String: String], importIDs: [String: ImportTag])
        /// The last row seen is already data: the rows before it are the header.
        case headerBeforeLast(names: [String], labels: [String: String], importIDs: [String: ImportTag])
    }

    func decide(_ rows: [[String]]) -> Decision {
        switch self {
        case .plain:
            // A report title above the header ("Employee roster — generated 2026-11-01"): one
            // field, then a row of several. The title is not a column; the row after it is the header.
            if rows[0].count == 1 {
                guard rows.count >= 2 else { return .needMore }
                if rows[1].count >= 3 { return .header(names: trimmed(rows[1]), labels: [:], importIDs: [:]) }
                return .headerBeforeLast(names: trimmed(rows[0]), labels: [:], importIDs: [:])
            }
            return .header(names: trimmed(rows[0]), labels: [:], importIDs: [:])
        case .qualtrics:
            let first = trimmed(rows[0])
            let legacy = first.first.map(isVColumn) ?? false
            if legacy {
                guard rows.count >= 2 else { return .needMore }
                let second = rows[1]
                let names = first.enumerated().map { index, tag in
                    isVColumn(tag) && index < second.count && !second[index].isEmpty ? second[index] : tag
                }
                var labels: [String: String] = [:]
                for (index, tag) in first.enumerated() where !isVColumn(tag) && index < second.count {
                    labels[tag] = second[index]
                }
                return .header(names: names, labels: labels, importIDs: [:])
            }
            guard rows.count >= 3 else { return .needMore }
            var labels: [String: String] = [:]
            for (index, name) in first.enumerated() where index < rows[1].count { labels[name] = rows[1][index] }
            let third = rows[2]
            let ids = third.map(importID)
            guard ids.contains(where: { $0 != nil }) else {
                return .headerBeforeLast(names: first, labels: labels, importIDs: [:])
            }
            var importIDs: [String: ImportTag] = [:]
            for (index, name) in first.enumerated() where index < ids.count {
                if let id = ids[index] { importIDs[name] = ImportTag(id: id, timeZone: jsonMember("timeZone", third[index])) }
            }
            return .header(names: first, labels: labels, importIDs: importIDs)
        case .surveyMonkey:
            guard rows.count >= 2 else { return .needMore }
            var names: [String] = []
            var question = ""
            // The second row may be wider than the first ("select all" options spread over
            // blank header cells) or narrower: every position of either row is a column.
            let width = max(rows[0].count, rows[1].count)
            for index in 0..<width {
                let raw = index < rows[0].count ? rows[0][index] : ""
                if !raw.isEmpty { question = raw }
                let sub = index < rows[1].count ? rows[1][index] : ""
                if sub.isEmpty || sub == "Response" || sub == "Open-Ended Response" {
                    names.append(raw.isEmpty ? question + " - " + (sub.isEmpty ? "column \(index + 1)" : sub) : raw)
                } else {
                    names.append(question + " - " + sub)
                }
            }
            return .header(names: trimmed(names), labels: [:], importIDs: [:])
        }
    }

    /// Drops empty names at the end (a trailing delimiter on every line).
    private func trimmed(_ names: [String]) -> [String] {
        var names = names
        while names.count > 1, names.last?.isEmpty == true { names.removeLast() }
        return names
    }

    private func isVColumn(_ name: String) -> Bool {
        name.count >= 2 && name.first == "V" && name.dropFirst().allSatisfy(\.isNumber)
    }

    /// The ImportId of `{"ImportId":"QID1"}` or `{'ImportId': 'QID1'}` (with other keys allowed).
    private func importID(_ cell: String) -> String? {
        jsonMember("ImportId", cell)
    }

    /// The text of member `key` of a one-level JSON (or Python-dict) object cell.
    private func jsonMember(_ key: String, _ cell: String) -> String? {
        guard cell.hasPrefix("{"), let range = cell.range(of: key) else { return nil }
        var rest = cell[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " || $0 == ":" }
        guard let quote = rest.first, quote != "}" else { return nil }
        rest = rest.prefix { $0 != "\"" && $0 != "'" }
        return String(rest)
    }
}
