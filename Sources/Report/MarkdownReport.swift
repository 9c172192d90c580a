import AmbassadorCore
import Warehouse

/// `out/report.md`: the headline and the tables of the HTML report in Markdown, for e-mail
/// or a wiki. Pure: takes the loaded data, returns text.
package enum MarkdownReport {
    package static func render(_ data: ReportData, title: String, runDate: String) -> String {
        var out = "# \(escape(title))\n\nRun date: \(runDate). \(data.employees) employees in \(data.teams) teams, \(data.tickets) tickets.\n\n"
        let headline = Headline.make(data)
        out += "## Headline\n\n**\(escape(headline.sentence))**\n\n"
        for detail in headline.details { out += "- \(escape(detail))\n" }
        out += "\n## Data health\n\n| source | files loaded | files failed | records | rejected rows | latest partition |\n|---|---:|---:|---:|---:|---|\n"
        for s in data.sources {
            out += "| \(escape(s.name)) | \(s.loaded) | \(s.failed) | \(s.records) | \(s.rejected) | \(s.latestPartition ?? "–") |\n"
        }
        if !data.unmappedValues.isEmpty {
            out += "\nValues no canonical vocabulary knows (stored as empty, or `other` for event kinds; map them under the source's `values:`):\n\n| source | field | value | rows |\n|---|---|---|---:|\n"
            for u in data.unmappedValues { out += "| \(escape(u.source)) | \(escape(u.field)) | \(escape(u.word)) | \(u.rows) |\n" }
        }
        if data.nothingLoaded {
            out += "\n" + ReportData.nothingLoadedNote + "\n"
        } else if data.failingChecks.isEmpty {
            out += "\nAll data checks pass.\n"
        } else {
            out += "\nFailing checks:\n\n"
            for c in data.failingChecks { out += "- **\(escape(c.severity))** `\(c.name)` on `\(c.table)`: \(c.rows) rows\n" }
        }
        out += "\n## Ambassadorship by period\n\nTeams with fewer than \(data.threshold) respondents are not shown; figures are over the teams shown.\n\n"
        if data.periods.isEmpty {
            out += "No employee pulse survey scored yet.\n"
        } else {
            out += "| period | teams shown | teams not shown | respondents (teams shown) | mean index | ICC(1) | ICC(2) | median r_wg |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
            for p in data.periods {
                out += "| \(p.period) | \(p.teamsShown) | \(p.teamsSuppressed) | \(p.respondentsShown) | \(number(p.meanIndex, 1)) | \(number(p.icc1, 2)) | \(number(p.icc2, 2)) | \(number(p.rwgMedian, 2)) |\n"
            }
            if let latest = data.periods.last?.period {
                out += "\n### Teams, \(latest)\n\n| team | respondents | index | company | value proposition | customer | Net Ambassadorship |\n|---|---:|---:|---:|---:|---:|---:|\n"
                for c in data.teamCells where c.period == latest {
                    if c.suppressed {
                        out += "| \(escape(c.team)) | fewer than \(data.threshold) | | | | | |\n"
                    } else {
                        out += "| \(escape(c.team)) | \(c.respondents ?? 0) | \(number(c.index, 1)) | \(number(c.legs[0], 1)) | \(number(c.legs[1], 1)) | \(number(c.legs[2], 1)) | \(number(c.netAmbassadorship, 0)) |\n"
                    }
                }
            }
        }
        out += "\n## Linkage estimates\n\n| outcome | model | predictor | estimate | odds ratio | 95% interval | p | q | teams | tickets | status |\n|---|---|---|---:|---:|---|---:|---:|---:|---:|---|\n"
        for e in data.estimates {
            let interval = (e.low != nil && e.high != nil) ? "\(number(e.low, 3)) to \(number(e.high, 3))" : "–"
            let flags = (e.confirmatory ? " (confirmatory)" : "") + (e.underpowered ? " (underpowered)" : "")
            out += "| \(HTMLReport.outcomeNames[e.outcome] ?? e.outcome) | \(escape(HTMLReport.modelNames[e.model] ?? e.model)) | \(escape((HTMLReport.predictorNames[e.predictor] ?? e.predictor) + flags)) | \(number(e.estimate, 3)) | \(number(e.oddsRatio, 3)) | \(interval) | \(e.p.map(Headline.pText) ?? "–") | \(e.q.map(Headline.pText) ?? "–") | \(e.teams) | \(e.tickets) | \(escape(e.status)) |\n"
        }
        let repeatRows = data.lift.filter { $0.outcome == "REPEAT" }
        if !repeatRows.isEmpty {
            out += "\n## Repeat contacts by team-index quartile and band\n\n| grouping | level | teams | tickets | rate | 95% interval |\n|---|---|---:|---:|---:|---|\n"
            for row in repeatRows {
                out += "| \(row.grouping) | \(escape(row.level)) | \(row.teams) | \(row.tickets) | \(number(row.rate.map { $0 * 100 }, 1))% | \(number(row.low.map { $0 * 100 }, 1)) to \(number(row.high.map { $0 * 100 }, 1)) |\n"
            }
        }
        let auc = data.predictive.filter { $0.outcome == "REPEAT" }
        if !auc.isEmpty {
            out += "\n## Satisfaction versus behaviour (repeat contacts)\n\n| measure | tickets | AUC | 95% interval |\n|---|---:|---:|---|\n"
            for row in auc { out += "| \(escape(row.measure)) | \(row.tickets) | \(number(row.auc, 3)) | \(number(row.low, 3)) to \(number(row.high, 3)) |\n" }
        }
        if !data.advocacy.isEmpty {
            out += "\n## Customer advocacy (relationship survey)\n\n| period | segment | customers | share |\n|---|---|---:|---:|\n"
            for row in data.advocacy { out += "| \(row.period) | \(row.segment) | \(row.customers) | \(number(row.share * 100, 1))% |\n" }
        }
        return out
    }

    static func number(_ value: Double?, _ digits: Int) -> String {
        value.map { fixedPoint($0, digits) } ?? "–"
    }

    /// Escapes text for a Markdown table cell.
    package static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "|", "\\", "*", "_", "`", "[", "]", "<", ">": out.append("\\"); out.append(ch)
            case "\n", "\r": out.append(" ")
            default: out.append(ch)
            }
        }
        return out
    }
}
