/// A planted truth (SCORING.md §4): the effect of ambassadorship on REPEAT per SD, logit scale.
package enum Scenario: String, CaseIterable, Sendable {
    case null, realistic, strong, reverse

    /// Team-level effect per SD of the team's latent ambassadorship.
    package var teamEffect: Double {
        switch self {
        case .null, .reverse: return 0
        case .realistic: return -0.06
        case .strong: return -0.15
        }
    }

    /// Extra REPEAT log-odds after a transferred ticket. Transfers depend on ambassadorship,
    /// so in the null and reverse scenarios this path is closed too: there, nothing about
    /// an employee moves a customer.
    package var transferEffect: Double {
        switch self {
        case .null, .reverse: return 0
        case .realistic, .strong: return 0.15
        }
    }

    /// Log-odds of a reopen and of an escalation per SD of the agent's latent level (SCORING.md
    /// plants only REPEAT; these follow the same logic at fixed sizes, and vanish with it).
    package var reopenEscalationEffect: Double {
        switch self {
        case .null, .reverse: return 0
        case .realistic: return -0.2
        case .strong: return -0.3
        }
    }

    /// Agent-level effect per SD of the agent's deviation from the team.
    package var agentEffect: Double {
        switch self {
        case .null, .reverse: return 0
        case .realistic: return -0.05
        case .strong: return -0.10
        }
    }
}

/// What to generate.
package struct GeneratorSettings: Sendable {
    package var outDir: String
    package var teams = 12
    package var agentsPerTeam = 8
    package var customers: Int? = nil
    package var tickets = 5_000
    package var months = 6
    package var seed: UInt64 = 1
    package var scenario = Scenario.realistic
    package var start = CivilDateParts(year: 2026, month: 1)
    /// Share of ticket lines given realistic dirt (0 = clean; CSV tickets only).
    package var dirt = 0.0
    /// How the tickets and the roster snapshots are written.
    package var ticketFormat = TicketFormat.csv
    package var rosterFormat = RosterFormat.csv
    /// How the transactional (CSAT) survey and the customer-events feed are written.
    package var csatFormat = CSATFormat.qualtricsCSV
    package var eventsFormat = EventsFormat.csv
    /// SD of each team's own REPEAT level (log-odds), unrelated to ambassadorship: teams
    /// differ in customers and products in every scenario, so the null is not the easy one
    /// where only tickets vary (the small-cluster problem the wild cluster bootstrap exists
    /// for). 0 gives teams no level of their own.
    package var teamOutcomeSD = 0.3
    /// Also write a ticket event log (`tickets/events/events_<month>.csv`, format `event_log_csv`).
    package var ticketEventLog = false

    package init(outDir: String) {
        self.outDir = outDir
    }

    /// The settings most callers (tests, benchmarks) vary, in one expression.
    package init(outDir: String, teams: Int, tickets: Int, months: Int, seed: UInt64 = 1, scenario: Scenario = .realistic,
                 agentsPerTeam: Int = 8, dirt: Double = 0) {
        self.outDir = outDir
        self.teams = teams
        self.tickets = tickets
        self.months = months
        self.seed = seed
        self.scenario = scenario
        self.agentsPerTeam = agentsPerTeam
        self.dirt = dirt
    }

    /// Customers default to a third of the tickets (so repeat contacts are common).
    package var customerCount: Int { customers ?? max(10, tickets / 3) }
}

/// The ticketing system's export format for the generated tickets.
package enum TicketFormat: String, CaseIterable, Sendable {
    /// One CSV per month, as a helpdesk report export.
    case csv
    /// Zendesk incremental-export JSON pages.
    case zendeskJSON = "zendesk_json"
    /// A ServiceNow XML unload of the incident table, one a month.
    case serviceNowXML = "servicenow_xml"
    /// Freshdesk API v2 list pages: a top-level JSON array, integer codes, `stats` included.
    case freshdeskJSON = "freshdesk_json"
}

/// The HR system's export format for the roster snapshots.
package enum RosterFormat: String, CaseIterable, Sendable {
    /// A report CSV with a byte-order mark and CRLF, as HR systems on Windows write it.
    case csv
    /// A Workday report (`wd:Report_Entry` records with `wd:Descriptor` attributes).
    case workdayXML = "workday_xml"
    /// A BambooHR custom report (`fields` and `employees`, camelCase field ids).
    case bambooHRJSON = "bamboohr_json"
}

/// The survey platform's export format for the transactional (CSAT) survey.
package enum CSATFormat: String, CaseIterable, Sendable {
    /// Qualtrics CSV with its three header rows.
    case qualtricsCSV = "qualtrics_csv"
    /// Qualtrics XML (`<Responses><Response>`, question ids as element names, no labels).
    case qualtricsXML = "qualtrics_xml"
}

/// The format of the customer-events feed.
package enum EventsFormat: String, CaseIterable, Sendable {
    /// A CSV export of the billing system.
    case csv
    /// JSON Lines, one event object a line, as event streams are dumped.
    case jsonl
}

/// The first month of the generated period.
package struct CivilDateParts: Sendable, Equatable {
    package var year: Int
    package var month: Int

    package init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }
}
