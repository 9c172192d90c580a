import Foundation
import AmbassadorCore
import ArgumentParser
import Generate

/// `ambassador generate`: seeded vendor-format data with a planted effect.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write realistic, seeded input files with a known (planted) ambassadorship effect.",
        discussion: """
            Writes DIR/hr/ (one roster snapshot a month), DIR/tickets/, DIR/surveys/ (pulse, CSAT, relationship), DIR/customers/ (events), DIR/truth.json (every planted parameter and count) and DIR/pipeline.yml (ready to run on those files). The same seed and options give byte-identical files. Scenarios (docs/SCORING.md §4): null, realistic, strong, reverse.
            """)

    @Option(name: .long, help: ArgumentHelp("Directory to write into (created if missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Number of teams.")
    var teams: Int = 12

    @Option(name: .customLong("agents-per-team"), help: "Agents per team at the start (a team lead comes on top).")
    var agentsPerTeam: Int = 8

    @Option(name: .long, help: "Number of tickets, about (follow-up contacts included).")
    var tickets: Int = 5_000

    @Option(name: .long, help: "Number of customers (default: a third of the tickets).")
    var customers: Int?

    @Option(name: .long, help: "Number of months, one roster snapshot and one ticket file each.")
    var months: Int = 6

    @Option(name: .long, help: ArgumentHelp("First month, YYYY-MM.", valueName: "month"))
    var start: String = "2026-01"

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Planted effect: null, realistic, strong or reverse.", valueName: "name"))
    var scenario: String = "realistic"

    @Option(name: .long, help: ArgumentHelp("Plant realistic dirt in this share of ticket lines (0-0.2): bad dates, ragged lines, Windows-1252 bytes, duplicates, unknown agents; each counted in truth.json.", valueName: "share"))
    var dirty: Double = 0

    @Option(name: .long, help: ArgumentHelp("Export formats, comma-separated: one ticket format — csv (default), zendesk_json, servicenow_xml or freshdesk_json; one roster format — csv (default), workday_xml or bamboohr_json; qualtrics_xml for the CSAT survey (default Qualtrics CSV); jsonl for the customer events (default CSV); event_log_csv adds a ticket event log with follow-up messages. The pulse and relationship surveys keep their Qualtrics and SurveyMonkey CSV.", valueName: "list"))
    var formats: String = "csv"

    /// The formats `--formats` names, one of each kind at most.
    private struct Formats {
        var ticket = TicketFormat.csv
        var roster = RosterFormat.csv
        var csat = CSATFormat.qualtricsCSV
        var events = EventsFormat.csv
        var eventLog = false
    }

    private func parsedFormats() throws -> Formats {
        var chosen = Formats()
        var kinds: [String: String] = [:]
        func take(_ kind: String, _ item: String) throws {
            if let earlier = kinds[kind], earlier != item {
                throw ValidationError("--formats: one \(kind) format at a time ('\(earlier)' and '\(item)')")
            }
            kinds[kind] = item
        }
        for item in formats.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item == "csv" {
                continue  // every kind's default
            } else if item == "event_log_csv" {
                chosen.eventLog = true
            } else if let format = TicketFormat(rawValue: item) {
                try take("ticket", item); chosen.ticket = format
            } else if let format = RosterFormat(rawValue: item) {
                try take("roster", item); chosen.roster = format
            } else if let format = CSATFormat(rawValue: item) {
                try take("survey", item); chosen.csat = format
            } else if let format = EventsFormat(rawValue: item) {
                try take("events", item); chosen.events = format
            } else {
                let known = ["csv", "event_log_csv"] + TicketFormat.allCases.map(\.rawValue) + RosterFormat.allCases.map(\.rawValue)
                    + CSATFormat.allCases.map(\.rawValue) + EventsFormat.allCases.map(\.rawValue)
                let unique = known.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                throw ValidationError("--formats: '\(item)' is not written by this version; expected some of: \(unique.joined(separator: ", "))")
            }
        }
        return chosen
    }

    // --pipeline and --warehouse are accepted like everywhere; generate writes its own pipeline.yml.
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard Scenario(rawValue: scenario) != nil else {
            throw ValidationError("--scenario '\(scenario)' is not known; expected one of: \(Scenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard teams >= 1, agentsPerTeam >= 1, tickets >= 0, months >= 1, months <= 120 else {
            throw ValidationError("--teams, --agents-per-team and --months must be at least 1 (months at most 120), --tickets at least 0")
        }
        if let customers, customers < 1 { throw ValidationError("--customers must be at least 1") }
        guard (0...0.2).contains(dirty) else { throw ValidationError("--dirty must be a share between 0 and 0.2, e.g. 0.01") }
        guard parseMonth() != nil else { throw ValidationError("--start '\(start)' is not a month; expected YYYY-MM") }
        if try parsedFormats().ticket != .csv && dirty > 0 { throw ValidationError("--dirty plants dirt in CSV ticket lines; use it with CSV tickets") }
    }

    private func parseMonth() -> CivilDateParts? {
        let parts = start.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year > 1900 else { return nil }
        return CivilDateParts(year: year, month: month)
    }

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            var settings = GeneratorSettings(outDir: out)
            settings.teams = teams
            settings.agentsPerTeam = agentsPerTeam
            settings.tickets = tickets
            settings.customers = customers
            settings.months = months
            settings.seed = seed
            settings.scenario = Scenario(rawValue: scenario) ?? .realistic
            settings.start = parseMonth() ?? settings.start
            settings.dirt = dirty
            let chosen = try parsedFormats()
            settings.ticketFormat = chosen.ticket
            settings.rosterFormat = chosen.roster
            settings.csatFormat = chosen.csat
            settings.eventsFormat = chosen.events
            settings.ticketEventLog = chosen.eventLog
            let counts = try Generator(settings: settings).run()
            FileDescriptorWriter.standardOutput.write(
                "generated \(out): \(counts.rosterFiles) roster files (\(counts.rosterRows) rows, \(counts.employees) employees), \(counts.ticketFiles) ticket files (\(counts.tickets) tickets, \(counts.repeatTickets) repeat contacts)\n")
            return 0
        }
    }
}
