import AmbassadorCore

/// `out/*.csv` for spreadsheet users: team scores and linkage estimates, UTF-8 with a BOM
/// (so Excel reads the encoding), CRLF line ends, every text cell neutralised against
/// formula injection. Suppressed team cells say so and carry no figure.
package enum CSVExtracts {
    static let bom = "\u{FEFF}"

    package static func teamScores(_ data: ReportData) -> String {
        var out = bom + "period,team,respondents,ambassador_index,company,value_proposition,customer,share_ambassador,share_positive,share_ambivalent,share_saboteur,net_ambassadorship,rwg,note\r\n"
        for c in data.teamCells {
            var fields = [Escaping.csv(c.period), Escaping.csv(c.team)]
            if c.suppressed {
                fields += Array(repeating: "", count: 11) + [Escaping.csv("fewer than \(data.threshold) respondents: not shown")]
            } else {
                fields.append(String(c.respondents ?? 0))
                fields += ([c.index] + c.legs + c.shares + [c.netAmbassadorship, c.rwg]).map { number($0) }
                fields.append("")
            }
            out += fields.joined(separator: ",") + "\r\n"
        }
        return out
    }

    package static func linkageEstimates(_ data: ReportData) -> String {
        var out = bom + "outcome,model,predictor,estimate,odds_ratio,std_error,ci_low,ci_high,p_value,q_value,confirmatory,tickets,agents,teams,events,underpowered,status,method\r\n"
        for e in data.estimates {
            var fields = [Escaping.csv(e.outcome), Escaping.csv(e.model), Escaping.csv(e.predictor)]
            fields += [e.estimate, e.oddsRatio, e.standardError, e.low, e.high, e.p, e.q].map { number($0) }
            fields += [e.confirmatory ? "1" : "0", String(e.tickets), String(e.agents), String(e.teams), String(e.events), e.underpowered ? "1" : "0"]
            fields += [Escaping.csv(e.status), Escaping.csv(e.method)]
            out += fields.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// A number with up to 6 decimals (dot decimal separator), empty when missing.
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        var text = fixedPoint(value, 6)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return Escaping.csv(text, number: true)
    }
}
