import AmbassadorCore
import Foundation

/// `out/report.html`: one self-contained file — inline CSS and SVG, no script, no font, no
/// request to anywhere — readable on a laptop and printable. Every text is escaped.
package enum HTMLReport {
    package static let outcomeNames = ["REPEAT": "Repeat contact", "REOPEN": "Reopened", "ESCALATE": "Escalation",
                                       "CHURN": "Cancellation", "RENEW": "Renewal", "REFERRAL": "Referral"]
    package static let predictorNames = ["team_self_index": "team self-reported index", "agent_behaviour_within_team": "agent behaviour vs team",
                                         "team_behaviour_mean": "team behaviour mean", "team_correlation": "team-level correlation (r)",
                                         "reverse_prior_outcome_rate": "reverse check: prior repeats → index"]

    package static func render(_ data: ReportData, title: String, runDate: String, config: PipelineConfig) -> String {
        let h = Escaping.html
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <title>\(h(title))</title>
            <style>
            body { font-family: sans-serif; color: #1a1a1a; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #999; margin-top: 2rem; }
            table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.85rem; }
            th, td { border: 1px solid #bbb; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            td.s { color: #555; font-style: italic; }
            td:first-child { white-space: nowrap; }
            .headline { border: 2px solid #1a1a1a; padding: 0.8rem 1rem; background: #f2f2f2; }
            .note { color: #444; font-size: 0.85rem; }
            .wide { overflow-x: auto; }
            svg { max-width: 100%; height: auto; display: block; margin: 0.6rem 0; }
            @media print { body { max-width: none; } h2 { page-break-after: avoid; } table, svg { page-break-inside: avoid; } }
            </style></head><body>
            <h1>\(h(title))</h1>
            <p class="note">Run date \(h(runDate)). \(grouped(data.employees)) employees in \(grouped(data.teams)) teams; \(grouped(data.tickets)) tickets, \(grouped(data.outcomeTickets)) resolved tickets with outcomes. Survey figures are shown only for teams with at least \(data.threshold) respondents. The answer comes first; the tables behind it, data health, the method and a glossary follow.</p>

            """
        let headline = Headline.make(data)
        out += "<h2 id=\"headline\">Headline</h2>\n<div class=\"headline\"><p><strong>\(h(headline.sentence))</strong></p>\n"
        for detail in headline.details { out += "<p class=\"note\">\(h(detail))</p>\n" }
        // Whether the figures can be trusted belongs beside the answer, in one line.
        let healthLine = data.nothingLoaded ? ReportData.nothingLoadedNote
            : data.failingChecks.isEmpty ? "Data health: every data check passes (details below)."
            : "Data health: \(data.failingChecks.count) data check(s) fail — see Data health below before relying on these figures."
        out += "<p class=\"note\">\(h(healthLine))</p>\n</div>\n"

        // The answer first: estimates, then what they mean in rates; the tables after.
        out += linkage(data)
        out += rates(data)
        out += trend(data)
        out += satisfaction(data)
        out += advocacy(data)
        out += estimatesTable(data)
        out += ambassadorship(data)
        out += health(data)
        out += method(data, config: config)
        out += glossary()
        out += "</body></html>\n"
        return out
    }

    /// 1234567 as "1,234,567" (counts in text and tables; the data dictionary's too).
    package static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A count as a right-aligned cell with thousands separators.
    static func count(_ value: Int) -> String {
        "<td class=\"n\">\(grouped(value))</td>"
    }

    /// What the report's terms mean, in a sentence each.
    static func glossary() -> String {
        let terms: [(String, String)] = [
            ("Self-reported ambassadorship index", "a team's mean agreement (0–100) with nine statements about commitment to the company, its value proposition and the customer, from the employee pulse survey."),
            ("Behavioural ambassadorship", "what agents do on tickets: resolving what they were assigned without passing it on, following up, and customers' ratings of their care and ownership."),
            ("Log-odds per SD", "how much the odds of an outcome change when the predictor is one standard deviation higher, on the logarithmic scale: 0 is no change, negative is lower odds."),
            ("Odds ratio", "the same change as a multiplier of the odds: 0.90 means 10% lower odds, 1 no change."),
            ("95% interval", "the range of effects compatible with the data at the 95% level, from the wild cluster bootstrap (which allows for tickets of one team being alike)."),
            ("p and q (BH)", "p is the chance of an estimate at least this far from 0 if there were no link; q adjusts p for the many exploratory estimates (Benjamini–Hochberg), and only one estimate — the index model for repeat contacts — is judged on p alone."),
            ("SD per SD", "the reverse check's scale: how many standard deviations the next index moves per standard deviation of the earlier repeat rate, within teams."),
            ("ICC(1), ICC(2)", "how much of the answers' variation lies between teams (ICC(1)) and how reliable a team's mean is (ICC(2), 0–1; above about 0.7 a team mean is dependable)."),
            ("r_wg", "how much a team's members agree with each other (0–1; above about 0.7 is strong agreement)."),
            ("Net Ambassadorship", "the share of Ambassadors minus the share of Saboteurs in a team, −100 to 100."),
            ("AUC", "how well a measure ranks tickets by outcome: 0.5 is chance, 1 perfect."),
            ("Underpowered", "fewer than 50 teams, a team under 5 respondents, or under 10 events per parameter: the estimate is computed but may miss a real link."),
        ]
        var out = "<h2 id=\"glossary\">Glossary</h2>\n<dl>\n"
        for (term, meaning) in terms { out += "<dt><strong>\(Escaping.html(term))</strong></dt><dd>\(Escaping.html(meaning))</dd>\n" }
        return out + "</dl>\n"
    }

    static func number(_ value: Double?, _ digits: Int) -> String {
        value.map { fixedPoint($0, digits) } ?? "–"
    }

    static func cell(_ value: Double?, _ digits: Int) -> String {
        "<td class=\"n\">\(number(value, digits))</td>"
    }

    static func health(_ data: ReportData) -> String {
        let h = Escaping.html
        var out = "<h2 id=\"health\">Data health</h2>\n<table><tr><th>source</th><th>kind</th><th>files loaded</th><th>files failed</th><th>records</th><th>rejected rows</th><th>latest partition</th><th>last loaded</th></tr>\n"
        for s in data.sources {
            out += "<tr><td>\(h(s.name))</td><td>\(h(s.kind))</td>\(count(s.loaded))\(count(s.failed))\(count(s.records))\(count(s.rejected))<td>\(h(s.latestPartition ?? "–"))</td><td>\(h(s.lastLoadedAt ?? "never"))</td></tr>\n"
        }
        out += "</table>\n"
        if !data.unmappedValues.isEmpty {
            out += "<p>Values no canonical vocabulary knows (stored as empty, or <code>other</code> for event kinds; map them under the source's <code>values:</code>):</p><table><tr><th>source</th><th>field</th><th>value</th><th>rows</th></tr>\n"
            for u in data.unmappedValues {
                out += "<tr><td>\(h(u.source))</td><td>\(h(u.field))</td><td>\(h(u.word))</td>\(count(u.rows))</tr>\n"
            }
            out += "</table>\n"
        }
        if data.nothingLoaded {
            out += "<p>\(h(ReportData.nothingLoadedNote))</p>\n"
        } else if data.failingChecks.isEmpty {
            out += "<p>All data checks pass.</p>\n"
        } else {
            out += "<p>Failing data checks:</p><table><tr><th>severity</th><th>check</th><th>table</th><th>rows</th></tr>\n"
            for c in data.failingChecks {
                out += "<tr><td>\(h(c.severity))</td><td>\(h(c.name))</td><td>\(h(c.table))</td>\(count(c.rows))</tr>\n"
            }
            out += "</table>\n"
        }
        return out
    }

    static func ambassadorship(_ data: ReportData) -> String {
        let h = Escaping.html
        var out = "<h2 id=\"ambassadorship\">Ambassadorship by team and period</h2>\n"
        guard !data.teamCells.isEmpty else { return out + "<p>No employee pulse survey scored yet.</p>\n" }
        out += "<p class=\"note\">Team index 0–100 (mean of the company, value-proposition and customer legs). Cells with fewer than \(data.threshold) respondents are not shown. Period figures are over the teams shown.</p>\n"
        out += "<table><tr><th>period</th><th>teams shown</th><th>teams not shown</th><th>respondents (teams shown)</th><th>mean index</th><th>ICC(1)</th><th>ICC(2)</th><th>median r<sub>wg</sub></th></tr>\n"
        for p in data.periods {
            out += "<tr><td>\(h(p.period))</td>\(count(p.teamsShown))\(count(p.teamsSuppressed))\(count(p.respondentsShown))\(cell(p.meanIndex, 1))\(cell(p.icc1, 2))\(cell(p.icc2, 2))\(cell(p.rwgMedian, 2))</tr>\n"
        }
        out += "</table>\n"
        let periods = data.periods.map(\.period)
        let teams = Array(Set(data.teamCells.map(\.team))).sorted()
        var byKey: [String: ReportData.TeamCell] = [:]
        for c in data.teamCells { byKey[c.team + "\u{1F}" + c.period] = c }
        out += "<div class=\"wide\"><table><tr><th>team</th>" + periods.map { "<th>\(h($0))</th>" }.joined() + "<th>latest Net Ambassadorship</th></tr>\n"
        for team in teams {
            out += "<tr><td>\(h(team))</td>"
            var latest: Double?
            for period in periods {
                guard let c = byKey[team + "\u{1F}" + period] else { out += "<td class=\"s\">fewer than \(data.threshold) respondents</td>"; continue }
                if c.suppressed {
                    out += "<td class=\"s\">fewer than \(data.threshold) respondents</td>"
                } else {
                    out += cell(c.index, 1)
                    latest = c.netAmbassadorship ?? latest
                }
            }
            out += cell(latest, 0) + "</tr>\n"
        }
        out += "</table></div>\n"
        return out
    }

    /// What each model holds, as a reader needs it (SCORING.md §3).
    package static let modelNames = ["confirmatory": "index model", "behaviour": "behaviour model", "joint": "joint model (exploratory)",
                                     "correlation": "team level", "reverse": "diagnostic"]

    static func estimateLabel(_ e: ReportData.EstimateRow) -> String {
        "\(outcomeNames[e.outcome] ?? e.outcome): \(predictorNames[e.predictor] ?? e.predictor) (\(modelNames[e.model] ?? e.model))"
    }

    static func linkage(_ data: ReportData) -> String {
        var out = "<h2 id=\"linkage\">Linkage estimates</h2>\n"
        // The plot shows the index and behaviour models; the joint model is in the table.
        let modelRows = data.estimates.filter { $0.method.hasPrefix("logistic") && $0.model != "joint" }
        let plotted = modelRows.compactMap { e -> SVGChart.Estimate? in
            guard let v = e.estimate, let lo = e.low, let hi = e.high else { return nil }
            let qText = e.q.map { "q = " + Headline.pText($0) } ?? (e.confirmatory ? "confirmatory" : "")
            return SVGChart.Estimate(label: estimateLabel(e), value: v, low: lo, high: hi, note: qText, emphasised: e.confirmatory)
        }
        out += SVGChart.forest(plotted, title: "Log-odds per SD with 95% wild-cluster-bootstrap intervals", axisLabel: "log-odds per SD (0 = no link)") + "\n"
        out += "<p class=\"note\">Each row is one estimate (index and behaviour models; the joint model and every figure are in the table of all estimates below). Left of the dashed line: higher ambassadorship goes with lower odds of the outcome. An interval crossing the line is compatible with no link.</p>\n"
        return out
    }

    /// Every estimate of every model, with its counts and status (after the findings).
    static func estimatesTable(_ data: ReportData) -> String {
        let h = Escaping.html
        var out = "<h2 id=\"estimates\">All estimates</h2>\n"
        out += "<table><tr><th>outcome</th><th>model</th><th>predictor</th><th>estimate</th><th>odds ratio</th><th>95% interval</th><th>p</th><th>q (BH)</th><th>tickets</th><th>teams</th><th>events</th><th>status</th></tr>\n"
        for e in data.estimates {
            let interval = (e.low != nil && e.high != nil) ? "\(number(e.low, 3)) to \(number(e.high, 3))" : "–"
            let flags = (e.confirmatory ? " (confirmatory)" : "") + (e.underpowered ? " (underpowered)" : "")
            out += "<tr><td>\(h(outcomeNames[e.outcome] ?? e.outcome))</td><td>\(h(modelNames[e.model] ?? e.model))</td><td>\(h((predictorNames[e.predictor] ?? e.predictor) + flags))</td>\(cell(e.estimate, 3))\(cell(e.oddsRatio, 3))<td class=\"n\">\(h(interval))</td><td class=\"n\">\(e.p.map(Headline.pText) ?? "–")</td><td class=\"n\">\(e.q.map(Headline.pText) ?? "–")</td>\(count(e.tickets))\(count(e.teams))\(count(e.events))<td>\(h(e.status))</td></tr>\n"
        }
        out += "</table>\n<p class=\"note\">Estimates are log-odds per standard deviation of the predictor, except the team-level correlations (Pearson r, Fisher-z interval) and the reverse check (SD of the next index per SD of the prior repeat rate, within teams). The index model holds the team self-reported index and the controls; the behaviour model agent behaviour relative to the team and the team's mean behaviour; the joint model all three (exploratory: each estimate holds the other two fixed). One test is confirmatory (index model, repeat contact); every other regression estimate carries a Benjamini–Hochberg q-value over that family. The team-level correlations and the reverse check are descriptive and carry none.</p>\n"
        return out
    }

    static func rates(_ data: ReportData) -> String {
        var out = "<h2 id=\"rates\">Outcome rates by ambassadorship quartile and band</h2>\n"
        out += "<p class=\"note\">Share of resolved tickets with the outcome, by the quartile (Q1 lowest) and band of their team's self-reported index at the exposure wave, with Wilson 95% intervals.</p>\n"
        for outcome in ["REPEAT", "REOPEN", "ESCALATE", "CHURN", "RENEW", "REFERRAL"] {
            let quartiles = data.lift.filter { $0.outcome == outcome && $0.grouping == "quartile" }
            guard !quartiles.isEmpty else { continue }
            let name = outcomeNames[outcome] ?? outcome
            out += SVGChart.bars(quartiles.compactMap { row in
                row.rate.map { SVGChart.Bar(label: row.level, value: $0, low: row.low, high: row.high, note: "(\(row.tickets) tickets)") }
            }, title: "\(name) rate by team-index quartile", unit: "%", scale: 100) + "\n"
            let bands = data.lift.filter { $0.outcome == outcome && $0.grouping == "band" }
            out += SVGChart.bars(bands.compactMap { row in
                row.rate.map { SVGChart.Bar(label: row.level, value: $0, low: row.low, high: row.high, note: "(\(row.teams) teams)") }
            }, title: "\(name) rate by team-index band", unit: "%", scale: 100) + "\n"
            if let gap = data.lift.first(where: { $0.outcome == outcome && $0.grouping == "gap" }), let rate = gap.rate {
                out += "<p>Top vs bottom quartile (\(Escaping.html(name))): \(fixedPoint(rate * 100, 1)) percentage points (95% interval \(number(gap.low.map { $0 * 100 }, 1)) to \(number(gap.high.map { $0 * 100 }, 1))).</p>\n"
            }
        }
        return out
    }

    static func trend(_ data: ReportData) -> String {
        var out = "<h2 id=\"trend\">Trend over periods</h2>\n"
        out += SVGChart.lines([SVGChart.Series(name: "mean team index (teams shown)", points: data.periods.map { ($0.period, $0.meanIndex) })],
                              title: "Self-reported ambassadorship", yLabel: "index 0–100", range: 0...100) + "\n"
        out += SVGChart.lines([SVGChart.Series(name: "repeat-contact rate, % of resolved tickets", points: data.repeatTrend.map { ($0.period, $0.rate.map { $0 * 100 }) })],
                              title: "Repeat contacts by month of resolution", yLabel: "%", range: 0...(max(10, (data.repeatTrend.compactMap(\.rate).max() ?? 0) * 100 * 1.2))) + "\n"
        return out
    }

    static func satisfaction(_ data: ReportData) -> String {
        var out = "<h2 id=\"satisfaction\">Satisfaction versus behaviour</h2>\n"
        out += "<p class=\"note\">How well each measure predicts what customers later do: the area under the ROC curve (0.5 = no better than chance), oriented so that a higher measure should mean a better outcome, with 95% intervals (Hanley–McNeil). Survey measures are from the ticket's own post-contact survey, where one was answered.</p>\n"
        for outcome in ["REPEAT", "CHURN", "REFERRAL"] {
            let rows = data.predictive.filter { $0.outcome == outcome }
            guard !rows.isEmpty else { continue }
            out += SVGChart.bars(rows.compactMap { row in
                row.auc.map { SVGChart.Bar(label: row.measure, value: $0, low: row.low, high: row.high, note: "(n = \(row.tickets))") }
            }, title: "AUC for \(outcomeNames[outcome] ?? outcome)", digits: 3) + "\n"
        }
        return out
    }

    static func advocacy(_ data: ReportData) -> String {
        let h = Escaping.html
        var out = "<h2 id=\"advocacy\">Customer advocacy</h2>\n"
        guard !data.advocacy.isEmpty else { return out + "<p>No relationship survey scored yet.</p>\n" }
        out += "<p class=\"note\">From the relationship survey. Advocates: likelihood to recommend 9–10 and recommended us lately; Allegiants: 7 or more otherwise; Ambivalents: 5–6; Alienated: 0–4.</p>\n"
        out += "<table><tr><th>period</th><th>segment</th><th>customers</th><th>share</th></tr>\n"
        for row in data.advocacy {
            out += "<tr><td>\(h(row.period))</td><td>\(h(row.segment))</td>\(count(row.customers))\(cell(row.share * 100, 1))</tr>\n"
        }
        return out + "</table>\n"
    }

    static func method(_ data: ReportData, config: PipelineConfig) -> String {
        let h = Escaping.html
        var out = "<h2 id=\"method\">Method notes</h2>\n<ul>\n"
        if let e = data.confirmatory {
            out += "<li>Exposure: \(h(e.exposure)). Outcomes: \(h(e.outcomeWindow)).</li>\n"
            out += "<li>The headline comes from the index model: repeat contact on the team's self-reported ambassadorship index (per SD) with controls for priority, channel, category, the customer's contacts in the prior 90 days, month opened, agent tenure and team size. Team behaviour is not held fixed there: it measures the same team trait, and holding it fixed would answer a different question (the joint model does, as exploration). CSAT, NPS and effort are mediators and never controls. Fit: \(h(e.method)).</li>\n"
            out += "<li>Confirmatory model: \(e.tickets) tickets, \(e.agents) agents, \(e.teams) teams, \(e.events) events, \(e.parameters) parameters.\(e.underpowered ? " Underpowered: " + h(e.note) + "." : "")</li>\n"
            out += "<li>Power to detect a team-level correlation of r = .20 at \(e.teams) teams: \(number(e.powerR20.map { $0 * 100 }, 0))%; r = .30: \(number(e.powerR30.map { $0 * 100 }, 0))% (two-sided 5%).</li>\n"
            out += "<li>Input hash <code>\(h(e.inputHash))</code>; settings hash <code>\(h(e.settingsHash))</code>.</li>\n"
        }
        let windows = config.score.windows.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value) days" }.joined(separator: ", ")
        out += "<li>Outcome windows: \(h(windows)); an outcome whose window is not complete at the data cut-off is left out.</li>\n"
        out += "<li>Anonymity: survey figures need at least \(data.threshold) respondents per team and period; totals are over the teams shown, so no hidden team can be recovered by subtraction.</li>\n"
        out += "</ul>\n"
        return out
    }
}
