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
            Writes DIR/hr/roster_<date>.csv (one snapshot a month), DIR/tickets/tickets_<date>.csv,
            DIR/truth.json (every planted parameter and count) and DIR/pipeline.yml (ready to run on
            those files). The same seed and options give byte-identical files. Scenarios
            (SCORING.md §4): null, realistic, strong, reverse.
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

    @Option(name: .long, help: ArgumentHelp("Export formats, comma-separated: one ticket format — csv (default), zendesk_json or servicenow_xml — and workday_xml for the rosters (default csv); surveys and events keep theirs.", valueName: "list"))
    var formats: String = "csv"

    /// (ticket format, roster format) from `--formats`.
    private func parsedFormats() throws -> (TicketFormat, RosterFormat) {
        var ticket: TicketFormat?
        var roster = RosterFormat.csv
        for item in formats.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            if let format = TicketFormat(rawValue: item) {
                if let ticket, ticket != format { throw ValidationError("--formats: one ticket format at a time ('\(ticket.rawValue)' and '\(item)')") }
                ticket = format
            } else if item == RosterFormat.workdayXML.rawValue {
                roster = .workdayXML
            } else {
                let known = TicketFormat.allCases.map(\.rawValue) + [RosterFormat.workdayXML.rawValue]
                throw ValidationError("--formats: '\(item)' is not written by this version; expected some of: \(known.joined(separator: ", "))")
            }
        }
        return (ticket ?? .csv, roster)
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
        let (ticketFormat, _) = try parsedFormats()
        if ticketFormat != .csv && dirty > 0 { throw ValidationError("--dirty plants dirt in CSV ticket lines; use it with CSV tickets") }
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
            (settings.ticketFormat, settings.rosterFormat) = try parsedFormats()
            let counts = try Generator(settings: settings).run()
            FileDescriptorWriter.standardOutput.write(
                "generated \(out): \(counts.rosterFiles) roster files (\(counts.rosterRows) rows, \(counts.employees) employees), \(counts.ticketFiles) ticket files (\(counts.tickets) tickets, \(counts.repeatTickets) repeat contacts)\n")
            return 0
        }
    }
}
