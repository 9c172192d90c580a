import AmbassadorCore
import Foundation

/// Writes the survey exports: the monthly employee pulse (Qualtrics CSV, the nine
/// ambassadorship items, three per leg) and transactional CSAT surveys after resolved
/// tickets. Answers are noisy readings of the employee's latent ambassadorship; CSAT is
/// only weakly related to it, as the literature reports.
enum SurveyWriter {
    /// (export tag, question text), three per leg: company, value proposition, customer.
    static let pulseItems: [(String, String)] = [
        ("Q1_1", "I am proud to tell others I work for this company"),
        ("Q1_2", "I feel part of the family at this company"),
        ("Q1_3", "This company deserves my loyalty"),
        ("Q2_1", "I believe in what we sell"),
        ("Q2_2", "Our products deliver what we promise"),
        ("Q2_3", "I would recommend our offer to a friend"),
        ("Q3_1", "I go out of my way to solve a customer's problem"),
        ("Q3_2", "I take ownership of a customer's issue until it is resolved"),
        ("Q3_3", "I follow up with customers to make sure they are satisfied"),
    ]
    static let likert = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]

    static func header(_ columns: [(tag: String, label: String, importID: String)]) -> String {
        columns.map { csvField($0.tag) }.joined(separator: ",") + "\n"
            + columns.map { csvField($0.label) }.joined(separator: ",") + "\n"
            + columns.map { csvField("{\"ImportId\":\"\($0.importID)\"}") }.joined(separator: ",") + "\n"
    }

    static var pulseHeader: String {
        header([("ResponseId", "Response ID", "_recordId"), ("RecordedDate", "Recorded Date", "recordedDate"),
                ("RecipientEmail", "Recipient Email", "recipientEmail"), ("Team", "Team", "Team")]
               + pulseItems.map { ($0.0, $0.1, "QID" + $0.0.dropFirst()) })
    }

    static var csatHeader: String {
        header([("ResponseId", "Response ID", "_recordId"), ("RecordedDate", "Recorded Date", "recordedDate"),
                ("RecipientEmail", "Recipient Email", "recipientEmail"), ("ExternalReference", "External Data Reference", "externalDataReference"),
                ("Q1", "Overall, how satisfied were you with the support you received?", "QID1"),
                ("Q2", "How easy was it to get your issue resolved?", "QID2"),
                ("Q3_1", "The agent cared about my situation", "QID3_1"),
                ("Q3_2", "The agent took ownership until my issue was resolved", "QID3_2"),
                ("Q4", "How likely are you to recommend us to a friend or colleague?", "QID4")])
    }

    /// A 1–5 reading of `level` with noise.
    static func point(_ level: Double, _ noise: Double, _ random: inout SeededRandom) -> Int {
        min(5, max(1, Int((level + noise * random.normal()).rounded())))
    }

    static func responseID(_ random: inout SeededRandom) -> String {
        "R_" + String(random.next() & 0xFFFF_FFFF_FFFF, radix: 36)
    }

    /// One pulse wave on `date`: most employees answer; teams whose index ends in 3 answer
    /// rarely, so some fall under the anonymity threshold. Returns the responses written.
    static func writePulse(_ org: Organisation, date: CivilDate, to out: OutputFile, teamShift: [Double]? = nil,
                           random: inout SeededRandom) -> Int {
        var written = 0
        for employee in org.employees where employee.active {
            let rate = employee.team % 10 == 3 ? 0.3 : 0.75
            guard random.chance(rate) else { continue }
            let when = utcTimestamp(epochSeconds: Int64(date.daysSinceEpoch) * 86_400 + 8 * 3600 + Int64(random.int(36_000)))
            var fields = [responseID(&random), String(when.dropLast().replacingOccurrences(of: "T", with: " ")), employee.email,
                          org.teams[employee.team]]
            for _ in pulseItems {
                if random.chance(0.03) {
                    fields.append("-99")
                } else {
                    fields.append(likert[point(3.3 + 0.9 * employee.latent + (teamShift?[employee.team] ?? 0), 0.8, &random) - 1])
                }
            }
            out.write(fields.map(csvField).joined(separator: ",") + "\n")
            written += 1
        }
        return written
    }

    /// One transactional survey response, as both export formats carry it.
    struct CSATResponse {
        let responseID: String
        /// `YYYY-MM-DD HH:MM:SS` (Qualtrics' recorded date, in UTC here).
        let recorded: String
        let email: String
        let ticket: String
        /// Q1 (CSAT 1–5), Q2 (effort 1–5), Q3_1 and Q3_2 (agreement labels), Q4 (0–10).
        let answers: [String]
    }

    /// A CSAT response to a resolved ticket, for about a quarter of them.
    static func csatResponse(_ ticket: TicketDraft, org: Organisation, random: inout SeededRandom) -> CSATResponse? {
        guard let resolved = ticket.resolved, ticket.resolver >= 0, random.chance(0.25) else { return nil }
        let agent = org.employees[ticket.resolver]
        let when = utcTimestamp(epochSeconds: resolved + 3600 + Int64(random.int(3 * 86_400)))
        let csat = point(3.9 + 0.15 * agent.latent - (ticket.transferred ? 0.4 : 0), 1.0, &random)
        let effort = point(3.6 - (ticket.transferred ? 0.6 : 0) + 0.1 * agent.latent, 1.0, &random)
        let cared = likert[point(3.4 + 0.7 * agent.latent, 0.9, &random) - 1]
        let owned = likert[point(3.4 + 0.7 * agent.latent - (ticket.transferred ? 0.5 : 0), 0.9, &random) - 1]
        let nps = min(10, max(0, Int((7.2 + 0.4 * agent.latent + 2.0 * random.normal()).rounded())))
        return CSATResponse(responseID: responseID(&random), recorded: String(when.dropLast().replacingOccurrences(of: "T", with: " ")),
                            email: "c\(pad(ticket.customer, 6))@example.net", ticket: ticket.id,
                            answers: [String(csat), String(effort), cared, owned, String(nps)])
    }

    /// The response as a line of the Qualtrics CSV (`csatHeader`'s columns).
    static func csvLine(_ r: CSATResponse) -> String {
        ([r.responseID, r.recorded, r.email, r.ticket] + r.answers).map(csvField).joined(separator: ",") + "\n"
    }

    /// Question ids of the CSAT items in a Qualtrics XML export (no question text there).
    static let csatXMLItems = ["QID1", "QID2", "QID3_1", "QID3_2", "QID4"]

    static let xmlHeader = "<?xml version=\"1.0\" ?>\n<Responses>\n"
    static let xmlFooter = "</Responses>\n"

    /// The response as a `<Response>` of a Qualtrics XML export: metadata elements first,
    /// then one element per question id, tab-indented as Qualtrics writes them.
    static func xmlRecord(_ r: CSATResponse) -> String {
        var xml = "\t<Response>\n"
        func element(_ name: String, _ value: String) { xml += "\t\t<\(name)>\(markupEscaped(value))</\(name)>\n" }
        element("startDate", r.recorded)
        element("endDate", r.recorded)
        element("status", "Email")
        element("progress", "100")
        element("finished", "True")
        element("recordedDate", r.recorded)
        element("_recordId", r.responseID)
        element("recipientEmail", r.email)
        element("externalDataReference", r.ticket)
        element("distributionChannel", "email")
        element("userLanguage", "EN")
        for (name, value) in zip(csatXMLItems, r.answers) { element(name, value) }
        xml += "\t</Response>\n"
        return xml
    }
}

/// Writes the monthly customer-events feed: renewals, purchases, referrals and
/// cancellations; a customer who had to come back this month cancels more often.
enum CustomerEventWriter {
    static let header = "Account ID,Event Type,Event Date,Amount\n"

    /// Draws the month's events and writes them in `format`; returns the events written.
    static func writeMonth(from start: CivilDate, days: Int, repeats: [UInt8], format: EventsFormat = .csv, to out: OutputFile,
                           random: inout SeededRandom) -> Int {
        var written = 0
        for customer in 0..<repeats.count {
            let cancel = 0.01 + 0.03 * Double(min(repeats[customer], 3))
            let draws: [(String, Double, Bool)] = [("Renewal", 0.06, true), ("Purchase", 0.03, true), ("Referral", 0.01, false), ("Cancelled", cancel, false)]
            for (event, p, paid) in draws where random.chance(p) {
                let day = start.adding(days: random.int(days))
                let amount = paid ? String(format: "%.2f", 50 + random.exponential(mean: 400)) : ""
                switch format {
                case .csv:
                    out.write("C\(pad(customer, 6)),\(event),\(day),\(amount)\n")
                case .jsonl:
                    // An event stream's dump: snake_case keys, a full timestamp, the amount as a number or null.
                    out.write("{\"account_id\":\"C\(pad(customer, 6))\",\"event_type\":\"\(event.lowercased())\",\"occurred_at\":\"\(day)T12:00:00Z\",\"amount\":\(amount.isEmpty ? "null" : amount)}\n")
                }
                written += 1
            }
        }
        return written
    }
}

/// Writes the quarterly relationship survey as SurveyMonkey exports it (two header rows:
/// questions, then `Response`), answered by a sample of customers: likelihood to recommend
/// (0–10), whether they recommended us lately, and intent to continue. Customers who had to
/// come back with the same problem this quarter are less likely to advocate.
enum RelationshipSurveyWriter {
    static let company = "Acme"
    static let questions = [
        "How likely is it that you would recommend \(company) to a friend or colleague?",
        "Have you recommended \(company) to someone in the last three months?",
        "I will continue doing business with \(company).",
    ]

    static var header: String {
        let metadata = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "Custom Data 1"]
        return (metadata + questions).map(csvField).joined(separator: ",") + "\r\n"
            + (Array(repeating: "", count: metadata.count) + ["Response", "Response", "Response"]).joined(separator: ",") + "\r\n"
    }

    /// One wave on `date`; returns the responses written.
    static func writeWave(date: CivilDate, repeats: [UInt8], to out: OutputFile, random: inout SeededRandom) -> Int {
        var written = 0
        let day = "\(pad(date.month, 2))/\(pad(date.day, 2))/\(date.year)"
        for customer in 0..<repeats.count where random.chance(0.08) {
            let trouble = Double(min(repeats[customer], 2))
            let likelihood = min(10, max(0, Int((7.6 - 1.4 * trouble + 2.0 * random.normal()).rounded())))
            let recommended = random.chance(1 / (1 + exp(-(-1.2 + 0.45 * Double(likelihood - 7)))))
            let intent = SurveyWriter.likert[SurveyWriter.point(3.9 - 0.5 * trouble, 0.9, &random) - 1]
            let id = String(11_000_000_000 + customer * 37 + Int(random.int(30)))
            let minute = random.int(50)
            let fields = [id, "431551", day + " 9:\(pad(minute, 2)):00 AM", day + " 9:\(pad(minute + 1 + random.int(9), 2)):30 AM", "",
                          "c\(pad(customer, 6))@example.net", "C" + pad(customer, 6), String(likelihood), recommended ? "Yes" : "No", intent]
            out.write(fields.map(csvField).joined(separator: ",") + "\r\n")
            written += 1
        }
        return written
    }
}
