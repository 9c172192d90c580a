import AmbassadorCore
import Foundation

/// Fatal problems of `generate`.
package enum GenerateError: Error, CustomStringConvertible {
    case write(path: String, reason: String)
    case invalid(option: String, message: String)

    package var description: String {
        switch self {
        case let .write(path, reason): return "\(path): cannot write (\(reason)); expected a writable output directory"
        case let .invalid(option, message): return "\(option): \(message)"
        }
    }
}

/// What a generation wrote (also the `counts` of truth.json).
package struct GeneratedCounts: Sendable, Equatable {
    package var rosterFiles = 0
    package var rosterRows = 0
    package var employees = 0
    package var ticketFiles = 0
    package var tickets = 0
    package var repeatTickets = 0
    package var transferred = 0
    package var resolved = 0
    package var pulseResponses = 0
    package var csatResponses = 0
    package var customerEvents = 0
    package var relationshipFiles = 0
    package var relationshipResponses = 0
    package var ticketEventFiles = 0
    package var ticketEvents = 0
    package var followUpMessages = 0
    /// Dirt planted in ticket files (see `Dirt`), each counted so tests can find exactly it.
    package var dirtyBadDates = 0
    package var dirtyRaggedRows = 0
    package var dirtyInvalidBytes = 0
    package var dirtyDuplicates = 0
    package var dirtyUnknownAgents = 0

    /// Ticket lines that must be rejected (each is its ticket's only line).
    package var dirtyRejected: Int { dirtyBadDates + dirtyRaggedRows + dirtyInvalidBytes }
}

/// The kinds of dirt `--dirty` plants in ticket lines.
enum Dirt: CaseIterable {
    /// A created_at that is no date: rejected at normalize.
    case badDate
    /// An extra field: rejected at extract (ragged row).
    case raggedRow
    /// A Windows-1252 byte in a UTF-8 export: rejected at extract (invalid byte).
    case invalidByte
    /// The same line twice: one fact.
    case duplicate
    /// An assignee the roster does not know: loaded, flagged by a data check.
    case unknownAgent
}

/// Writes vendor-format files from a seeded organisation with a planted effect of
/// ambassadorship on repeat contacts (SCORING.md §4). Same settings → byte-identical files.
///
/// Output streams day by day: memory holds the organisation and at most a week of pending
/// follow-up tickets, never the whole ticket log.
package struct Generator {
    package let settings: GeneratorSettings

    package init(settings: GeneratorSettings) {
        self.settings = settings
    }

    /// The intercept of the REPEAT model: a base rate of 15%.
    static let repeatIntercept = -1.7346

    package func run() throws -> GeneratedCounts {
        var random = SeededRandom(seed: settings.seed)
        guard let start = CivilDate(year: settings.start.year, month: settings.start.month, day: 1) else {
            throw GenerateError.invalid(option: "--start", message: "not a valid month")
        }
        for folder in ["hr", "tickets", "surveys", "customers"] {
            try makeDirectory(settings.outDir + "/" + folder)
        }
        var org = Organisation(settings: settings, random: &random, start: start)
        var counts = GeneratedCounts()
        let monthStarts = (0...settings.months).map { offset -> CivilDate in
            let total = settings.start.year * 12 + settings.start.month - 1 + offset
            return CivilDate(year: total / 12, month: total % 12 + 1, day: 1) ?? start
        }
        let totalDays = monthStarts[settings.months].daysSinceEpoch - start.daysSinceEpoch
        // Primary tickets per day; follow-ups (about 15%) come on top.
        let primaryPerDay = Double(settings.tickets) / 1.15 / Double(max(totalDays, 1))
        var pending = [[TicketDraft]](repeating: [], count: totalDays + 8)
        var carry = 0.0
        var nextTicket = 100_000
        var lineBytes: [UInt8] = []
        lineBytes.reserveCapacity(256)
        // Surveys and events draw from their own stream, so tickets stay the same for a seed.
        var extra = SeededRandom(seed: settings.seed ^ 0x5EED_0F_5A11)
        var repeats = [UInt8](repeating: 0, count: settings.customerCount)
        // Reverse scenario: each team's repeat contacts this month move its next pulse wave.
        var teamTickets = [Double](repeating: 0, count: settings.teams), teamRepeats = [Double](repeating: 0, count: settings.teams)
        var teamExpected = [Double](repeating: 0, count: settings.teams)
        // Relationship surveys draw from a stream of their own (the other files stay as they were).
        var relationship = SeededRandom(seed: settings.seed ^ 0xADF0_CA7E)
        var quarterRepeats = [UInt8](repeating: 0, count: settings.customerCount)
        // The event log draws from a stream of its own too.
        var eventRandom = SeededRandom(seed: settings.seed ^ 0xE7E1_7106)
        var eventBytes: [UInt8] = []
        if settings.ticketEventLog { try makeDirectory(settings.outDir + "/tickets/events") }
        for month in 0..<settings.months {
            let date = monthStarts[month]
            if month > 0 { org.advance(to: date, monthIndex: month, random: &random) }
            counts.rosterRows += try writeRoster(org, date: date, previous: month > 0 ? monthStarts[month - 1] : nil)
            counts.rosterFiles += 1
            let zendesk = settings.ticketFormat == .zendeskJSON ? ZendeskPages(directory: settings.outDir + "/tickets", date: date) : nil
            let freshdesk = settings.ticketFormat == .freshdeskJSON ? FreshdeskPages(directory: settings.outDir + "/tickets", date: date) : nil
            let xml = settings.ticketFormat == .serviceNowXML ? try OutputFile(path: settings.outDir + "/tickets/incident_\(date).xml") : nil
            xml?.write(ServiceNowWriter.header(date: monthStarts[month + 1].adding(days: -1)))
            let out = settings.ticketFormat == .csv ? try OutputFile(path: settings.outDir + "/tickets/tickets_\(date).csv") : nil
            out?.write(TicketDraft.header)
            let eventLog = settings.ticketEventLog ? try OutputFile(path: settings.outDir + "/tickets/events/events_\(date).csv") : nil
            eventLog?.write(EventLogWriter.header)
            let csatXML = settings.csatFormat == .qualtricsXML
            let csat = try OutputFile(path: settings.outDir + "/surveys/csat_\(date)." + (csatXML ? "xml" : "csv"))
            csat.write(csatXML ? SurveyWriter.xmlHeader : SurveyWriter.csatHeader)
            let agents = org.activeAgents()
            for dayIndex in (date.daysSinceEpoch - start.daysSinceEpoch)..<(monthStarts[month + 1].daysSinceEpoch - start.daysSinceEpoch) {
                carry += primaryPerDay
                let count = Int(carry)
                carry -= Double(count)
                var today = pending[dayIndex]
                pending[dayIndex] = []
                for _ in 0..<count {
                    let created = Int64(start.daysSinceEpoch + dayIndex) * 86_400 + Int64(random.int(86_400))
                    today.append(TicketDraft.primary(created: created, customers: settings.customerCount, random: &random))
                }
                today.sort { ($0.created, $0.customer) < ($1.created, $1.customer) }
                for var draft in today {
                    draft.id = settings.ticketFormat == .serviceNowXML ? "INC" + pad(nextTicket, 7) : String(nextTicket)
                    nextTicket += 1
                    let followUp = draft.play(org: org, agents: agents, scenario: settings.scenario, random: &random)
                    if let zendesk {
                        try zendesk.add(draft, org: org)
                    } else if let freshdesk {
                        try freshdesk.add(draft, org: org)
                    } else if let xml {
                        lineBytes.removeAll(keepingCapacity: true)
                        ServiceNowWriter.appendXML(draft, org: org, to: &lineBytes)
                        xml.write(bytes: lineBytes)
                    } else if let out {
                        lineBytes.removeAll(keepingCapacity: true)
                        draft.appendCSVLine(org: org, to: &lineBytes)
                        if settings.dirt > 0, extra.chance(settings.dirt) {
                            let dirt = Dirt.allCases[extra.int(Dirt.allCases.count)]
                            out.write(bytes: Generator.dirty(String(decoding: lineBytes, as: UTF8.self), dirt, draft: draft, counts: &counts))
                        } else {
                            out.write(bytes: lineBytes)
                        }
                    }
                    if let eventLog {
                        eventBytes.removeAll(keepingCapacity: true)
                        let written = EventLogWriter.append(draft, org: org, random: &eventRandom, to: &eventBytes)
                        counts.ticketEvents += written.events
                        if written.followUp { counts.followUpMessages += 1 }
                        eventLog.write(bytes: eventBytes)
                    }
                    if let response = SurveyWriter.csatResponse(draft, org: org, random: &extra) {
                        csat.write(csatXML ? SurveyWriter.xmlRecord(response) : SurveyWriter.csvLine(response))
                        counts.csatResponses += 1
                    }
                    counts.tickets += 1
                    if draft.isFollowUp {
                        counts.repeatTickets += 1
                        if draft.customer < repeats.count { repeats[draft.customer] = repeats[draft.customer] &+ 1 }
                    }
                    if draft.transferred { counts.transferred += 1 }
                    if !draft.isFollowUp, draft.resolved != nil, draft.firstAgent >= 0 {
                        let team = org.employees[draft.firstAgent].team
                        teamTickets[team] += 1
                        if followUp != nil { teamRepeats[team] += 1 }
                        teamExpected[team] += draft.repeatChance
                    }
                    if draft.resolved != nil { counts.resolved += 1 }
                    if let followUp {
                        let day = Int(followUp.created / 86_400) - start.daysSinceEpoch
                        if day > dayIndex && day < totalDays { pending[day].append(followUp) }
                    }
                }
            }
            try out?.finish()
            try zendesk?.finish()
            try freshdesk?.finish()
            if let eventLog {
                try eventLog.finish()
                counts.ticketEventFiles += 1
            }
            xml?.write(ServiceNowWriter.footer)
            try xml?.finish()
            if csatXML { csat.write(SurveyWriter.xmlFooter) }
            try csat.finish()
            counts.ticketFiles += zendesk?.files ?? freshdesk?.files ?? 1
            // The pulse wave closes on the month's last day; the events feed covers the month.
            let last = monthStarts[month + 1].adding(days: -1)
            let pulse = try OutputFile(path: settings.outDir + "/surveys/pulse_\(last).csv")
            pulse.write(SurveyWriter.pulseHeader)
            let shift = settings.scenario == .reverse ? Generator.reverseShift(tickets: teamTickets, repeats: teamRepeats, expected: teamExpected) : nil
            counts.pulseResponses += SurveyWriter.writePulse(org, date: last, to: pulse, teamShift: shift, random: &extra)
            for team in teamTickets.indices { teamTickets[team] = 0; teamRepeats[team] = 0; teamExpected[team] = 0 }
            try pulse.finish()
            let jsonl = settings.eventsFormat == .jsonl
            let events = try OutputFile(path: settings.outDir + "/customers/events_\(last)." + (jsonl ? "jsonl" : "csv"))
            if !jsonl { events.write(CustomerEventWriter.header) }
            counts.customerEvents += CustomerEventWriter.writeMonth(from: date, days: last.daysSinceEpoch - date.daysSinceEpoch + 1,
                                                                    repeats: repeats, format: settings.eventsFormat, to: events, random: &extra)
            try events.finish()
            for index in repeats.indices { quarterRepeats[index] = quarterRepeats[index] &+ repeats[index] }
            // The relationship survey closes each quarter (and the generated period's end).
            if (settings.start.month - 1 + month + 1) % 3 == 0 || month == settings.months - 1 {
                let wave = try OutputFile(path: settings.outDir + "/surveys/relationship_\(last).csv")
                wave.write(RelationshipSurveyWriter.header)
                counts.relationshipResponses += RelationshipSurveyWriter.writeWave(date: last, repeats: quarterRepeats, to: wave, random: &relationship)
                try wave.finish()
                counts.relationshipFiles += 1
                for index in quarterRepeats.indices { quarterRepeats[index] = 0 }
            }
            for index in repeats.indices { repeats[index] = 0 }
        }
        counts.employees = org.employees.count
        try writeTruth(org, counts: counts)
        try writePipeline()
        return counts
    }

    /// Likert points a team's pulse answers move per SD of its repeat-contact surprise this
    /// month (the reverse scenario: customers drive employees).
    static let reverseShiftPerSD = 0.5

    /// Per team: −reverseShiftPerSD × the standardised *surprise* of the month — repeat
    /// contacts above or below what the team's tickets were expected to bring (its own level
    /// included). A team reacts to a month worse than its usual. Were it to react to its
    /// level instead, a persistent team level (`GeneratorSettings.teamOutcomeSD`) would tie its index
    /// to its later outcomes too: a real forward association that no forward test can tell
    /// from an effect, which is what the reverse check and the wording rule are for.
    static func reverseShift(tickets: [Double], repeats: [Double], expected: [Double]) -> [Double] {
        let surprise = tickets.indices.map { tickets[$0] > 0 ? (repeats[$0] - expected[$0]) / tickets[$0] : 0 }
        let mean = surprise.reduce(0, +) / Double(max(surprise.count, 1))
        let sd = (surprise.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(surprise.count - 1, 1))).squareRoot()
        return surprise.map { sd > 0 ? -reverseShiftPerSD * ($0 - mean) / sd : 0 }
    }

    /// `line` with `dirt` planted, counted in `counts`, as bytes (an invalid byte is not a String).
    static func dirty(_ line: String, _ dirt: Dirt, draft: TicketDraft, counts: inout GeneratedCounts) -> [UInt8] {
        var fields = line.dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        switch dirt {
        case .badDate:
            counts.dirtyBadDates += 1
            fields[2] = "2026-13-45T99:00:00Z"
        case .raggedRow:
            counts.dirtyRaggedRows += 1
            fields.append("unexpected")
        case .invalidByte:
            counts.dirtyInvalidBytes += 1
            fields[5] = fields[5] + "\u{FFFD}"
        case .duplicate:
            counts.dirtyDuplicates += 1
            return Array((line + line).utf8)
        case .unknownAgent:
            guard !fields[9].isEmpty else { return Array(line.utf8) }
            counts.dirtyUnknownAgents += 1
            fields[9] = "999999999"
            fields[10] = "999999999"
        }
        // U+FFFD marks where the single byte 0xE9 (a Windows-1252 'é') goes in this UTF-8 file.
        var bytes: [UInt8] = []
        for scalar in (fields.joined(separator: ",") + "\n").unicodeScalars {
            if scalar == "\u{FFFD}" { bytes.append(0xE9) } else { bytes.append(contentsOf: Array(String(scalar).utf8)) }
        }
        return bytes
    }

    /// One roster snapshot: active employees plus those who left since the last snapshot.
    private func writeRoster(_ org: Organisation, date: CivilDate, previous: CivilDate?) throws -> Int {
        let workday = settings.rosterFormat == .workdayXML, bamboo = settings.rosterFormat == .bambooHRJSON
        let name = workday ? "/hr/workers_\(date).xml" : bamboo ? "/hr/bamboohr_\(date).json" : "/hr/roster_\(date).csv"
        let out = try OutputFile(path: settings.outDir + name)
        if bamboo {
            out.write(BambooHRWriter.header(date: date))
        } else if workday {
            out.write("<?xml version='1.0' encoding='UTF-8'?>\n<wd:Report_Data xmlns:wd=\"urn:com.workday.report/Worker_Roster\">\n")
        } else {
            // HR systems on Windows: a UTF-8 byte-order mark and CRLF line ends.
            out.write("\u{FEFF}Employee ID,Name,Email,Department,Manager ID,Job Title,Location,Hire Date,Termination Date,Status,Zendesk User ID\r\n")
        }
        var rows = 0
        for employee in org.employees {
            let leftRecently = !employee.active && (employee.termination.map { previous == nil || $0 >= previous ?? $0 } ?? false)
            guard employee.active || leftRecently, employee.hire <= date else { continue }
            let manager = employee.role == "Team Lead" ? "" : org.employees[org.leads[employee.team]].id
            if bamboo {
                out.write(BambooHRWriter.entry(employee, team: org.teams[employee.team], manager: manager, first: rows == 0))
            } else if workday {
                out.write(WorkdayWriter.entry(employee, team: org.teams[employee.team], manager: manager))
            } else {
                let hire = "\(employee.hire.month)/\(employee.hire.day)/\(employee.hire.year)"
                let termination = employee.termination.map { $0.description } ?? "0000-00-00"
                let fields = [employee.id, employee.name, employee.email, org.teams[employee.team], manager, employee.role,
                              employee.location, hire, termination, employee.active ? "Active" : "Terminated", employee.agentID]
                out.write(fields.map(csvField).joined(separator: ",") + "\r\n")
            }
            rows += 1
        }
        if workday { out.write("</wd:Report_Data>\n") }
        if bamboo { out.write(BambooHRWriter.footer) }
        try out.finish()
        return rows
    }

    private func writeTruth(_ org: Organisation, counts: GeneratedCounts) throws {
        let out = try OutputFile(path: settings.outDir + "/truth.json")
        let latent = org.teamLatent.map { number($0) }.joined(separator: ", ")
        out.write("""
            {
              "generator": "ambassador generate",
              "seed": \(settings.seed),
              "scenario": "\(settings.scenario.rawValue)",
              "start": "\(settings.start.year)-\(pad(settings.start.month, 2))",
              "months": \(settings.months),
              "effects": {
                "repeat_team_per_sd": \(number(settings.scenario.teamEffect)),
                "repeat_agent_per_sd": \(number(settings.scenario.agentEffect)),
                "reopen_escalation_per_sd_of_agent_latent": \(number(settings.scenario.reopenEscalationEffect)),
                "transfer_repeat_logit": \(number(settings.scenario.transferEffect)),
                "reverse_pulse_shift_per_sd_of_repeat_surprise": \(number(settings.scenario == .reverse ? -Generator.reverseShiftPerSD : 0)),
                "repeat_team_level_sd": \(number(settings.teamOutcomeSD)),
                "followup_message_per_sd_of_agent_latent": \(number(settings.ticketEventLog ? EventLogWriter.followUpPerSD : 0)),
                "team_icc": \(number(Organisation.teamICC))
              },
              "base_rates": {
                "repeat_intercept_logit": \(number(Generator.repeatIntercept)),
                "repeat_share_of_tickets": \(number(Double(counts.repeatTickets) / Double(max(counts.tickets, 1)))),
                "transfer_share_of_tickets": \(number(Double(counts.transferred) / Double(max(counts.tickets, 1)))),
                "resolved_share_of_tickets": \(number(Double(counts.resolved) / Double(max(counts.tickets, 1))))
              },
              "counts": {
                "teams": \(org.teams.count),
                "employees": \(counts.employees),
                "roster_files": \(counts.rosterFiles),
                "roster_rows": \(counts.rosterRows),
                "ticket_files": \(counts.ticketFiles),
                "tickets": \(counts.tickets),
                "repeat_tickets": \(counts.repeatTickets),
                "customers": \(settings.customerCount),
                "pulse_responses": \(counts.pulseResponses),
                "csat_responses": \(counts.csatResponses),
                "customer_events": \(counts.customerEvents),
                "relationship_survey_files": \(counts.relationshipFiles),
                "relationship_responses": \(counts.relationshipResponses),
                "ticket_event_files": \(counts.ticketEventFiles),
                "ticket_events": \(counts.ticketEvents),
                "follow_up_messages": \(counts.followUpMessages),
                "dirty_rows": \(counts.dirtyRejected + counts.dirtyDuplicates + counts.dirtyUnknownAgents)
              },
              "dirt": {
                "share": \(number(settings.dirt)),
                "bad_dates": \(counts.dirtyBadDates),
                "ragged_rows": \(counts.dirtyRaggedRows),
                "invalid_bytes": \(counts.dirtyInvalidBytes),
                "duplicate_lines": \(counts.dirtyDuplicates),
                "unknown_agents": \(counts.dirtyUnknownAgents),
                "rejected": \(counts.dirtyRejected)
              },
              "team_latent": [\(latent)]
            }

            """)
        try out.finish()
    }

    /// The pipeline's roster source for the format the rosters were written in.
    private var rosterSource: String {
        switch settings.rosterFormat {
        case .csv:
            return """
                  roster:
                    kind: hr_roster
                    format: roster_csv
                    inbox: hr/*.csv
                """
        case .workdayXML:
            return """
                  roster:
                    kind: hr_roster
                    format: workday_xml
                    inbox: hr/*.xml
                    fields: { team: Supervisory_Organization@Descriptor, name: Worker@Descriptor }
                """
        case .bambooHRJSON:
            return """
                  roster:
                    kind: hr_roster
                    format: bamboohr_json
                    inbox: hr/*.json
                    fields: { agent_ids: \(BambooHRWriter.agentField) }
                """
        }
    }

    /// The pipeline's tickets source for the format the tickets were written in.
    private var ticketSource: String {
        switch settings.ticketFormat {
        case .csv:
            return """
                  tickets:
                    kind: tickets
                    format: csv
                    inbox: tickets/*.csv
                    encoding: utf-8
                    fields: { channel: Via, first_assignee_id: First Assignee ID, assignee_id: Assignee ID }
                """
        case .zendeskJSON:
            let z = ZendeskPages.self
            return """
                  tickets:
                    kind: tickets
                    format: zendesk_json
                    inbox: tickets/*.json
                    fields:
                      customer_id: custom_fields/\(z.accountField)
                      category: custom_fields/\(z.categoryField)
                      first_assignee_id: custom_fields/\(z.firstAssigneeField)
                      reassignments: custom_fields/\(z.reassignmentsField)
                      escalated: custom_fields/\(z.escalatedField)
                      resolved_at: metric_set/solved_at
                      reopens: metric_set/reopens
                      channel: via/channel
                      assignee_id: assignee_id
                """
        case .serviceNowXML:
            return """
                  tickets:
                    kind: tickets
                    format: servicenow_xml
                    record: incident
                    inbox: tickets/*.xml
                    fields: { customer_id: u_account, first_assignee_id: u_first_assigned_to, assignee_id: assigned_to, status: state }
                """
        case .freshdeskJSON:
            let f = FreshdeskPages.self
            return """
                  tickets:
                    kind: tickets
                    format: freshdesk_json
                    inbox: tickets/*.json
                    fields:
                      customer_id: custom_fields/\(f.accountField)
                      first_assignee_id: custom_fields/\(f.firstAgentField)
                      reassignments: custom_fields/\(f.reassignmentsField)
                      reopens: custom_fields/\(f.reopensField)
                      resolved_at: stats/resolved_at
                      channel: source
                """
        }
    }

    /// The pipeline's transactional survey source.
    private var csatSource: String {
        switch settings.csatFormat {
        case .qualtricsCSV:
            return """
                  csat:
                    kind: survey
                    respondent: customer
                    format: qualtrics_csv
                    inbox: surveys/csat_*.csv
                """
        case .qualtricsXML:
            return """
                  csat:
                    kind: survey
                    respondent: customer
                    format: qualtrics_xml
                    inbox: surveys/csat_*.xml
                """
        }
    }

    /// The pipeline's customer-events source.
    private var eventsSource: String {
        switch settings.eventsFormat {
        case .csv:
            return """
                  events:
                    kind: customer_events
                    format: customer_events_csv
                    inbox: customers/*.csv
                """
        case .jsonl:
            return """
                  events:
                    kind: customer_events
                    format: jsonl
                    inbox: customers/*.jsonl
                """
        }
    }

    /// The pipeline's ticket event log source, when one is written.
    private var eventLogSource: String {
        guard settings.ticketEventLog else { return "" }
        return """

              ticket_events:
                kind: ticket_events
                format: event_log_csv
                inbox: tickets/events/*.csv
            """
    }

    /// Score settings the files need: Qualtrics XML carries question ids, not question text,
    /// so the CSAT items are named.
    private var scoreSettings: String {
        guard settings.csatFormat == .qualtricsXML else { return "" }
        let items = SurveyWriter.csatXMLItems
        return """

              survey_items: { csat: [\(items[0])], effort: [\(items[1])], cx_emp: [\(items[2]), \(items[3])], nps: [\(items[4])] }
            """
    }

    private func writePipeline() throws {
        let out = try OutputFile(path: settings.outDir + "/pipeline.yml")
        out.write("""
            # Written by `ambassador generate` (seed \(settings.seed), scenario \(settings.scenario.rawValue)).
            # Runs on the files beside it: ambassador run --pipeline pipeline.yml (paths are relative to this file)
            version: 1
            warehouse: var/warehouse.sqlite
            timezone: UTC
            reject_threshold: 0.05
            sources:
            \(rosterSource)
            \(ticketSource)
              pulse:
                kind: survey
                respondent: employee
                format: qualtrics_csv
                inbox: surveys/pulse_*.csv
            \(csatSource)
              relationship:
                kind: survey
                respondent: customer
                format: surveymonkey_csv
                inbox: surveys/relationship_*.csv
                fields: { respondent_id: Custom Data 1, submitted_at: End Date }
            \(eventsSource)\(eventLogSource)
            score:
              period: month\(scoreSettings)
            report:
              out: out

            """)
        try out.finish()
    }

    private func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw GenerateError.write(path: path, reason: error.localizedDescription)
        }
    }
}

/// A number printed the same way everywhere (six decimals, trailing zeros dropped).
func number(_ value: Double) -> String {
    let scaled = (value * 1_000_000).rounded() / 1_000_000
    if scaled == scaled.rounded() { return String(Int64(scaled)) }
    var text = String(format: "%.6f", scaled)
    while text.hasSuffix("0") { text.removeLast() }
    return text
}

/// Quotes a CSV field when it holds a delimiter, quote or line break. Bytes, not Characters:
/// "\r\n" is one Character in Swift, equal to neither "\r" nor "\n" (the CSV round-trip
/// property test found a bare CRLF cell written unquoted).
func csvField(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A buffered output file, created 0644.
final class OutputFile {
    let path: String
    private let writer: FileDescriptorWriter

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GenerateError.write(path: path, reason: String(cString: strerror(errno))) }
        writer = FileDescriptorWriter(fd: fd, capacity: 1 << 20)
    }

    func write(_ text: String) {
        writer.write(text)
    }

    func write(bytes: [UInt8]) {
        writer.write(bytes: bytes)
    }

    func finish() throws {
        writer.close()
        if writer.failed { throw GenerateError.write(path: path, reason: "write failed (disk full?)") }
    }
}
