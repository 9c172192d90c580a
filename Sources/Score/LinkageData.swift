import AmbassadorCore
import Foundation
import Warehouse

/// The rows the linkage models are fitted on: each resolved ticket with its outcomes, the
/// exposure wave it is attributed to, and its controls. The time-order rule of SCORING.md
/// §3 lives here: a ticket belongs to the latest wave that closed at least the lag before
/// the ticket opened, and never to a wave that closed after it.
struct LinkageData {
    struct Wave {
        var period: String
        var closedAt: String
        /// Outcome tickets open in [openFrom, openUntil); exposure behaviour is [exposureFrom, closedAt).
        var openFrom: String
        var openUntil: String
        var exposureFrom: String
        /// Non-suppressed team index (0–100) by team.
        var teamIndex: [String: Double]
        var respondents: [String: Int]
        /// Behaviour z by "employee␟team", and the team means of those z.
        var agentZ: [String: Double] = [:]
        var teamZ: [String: Double] = [:]
        var teamSize: [String: Int] = [:]
        /// REPEAT outcomes known when the wave closed (tickets opened in the exposure window,
        /// resolved at least the REPEAT window before the close), per team: the reverse check's input.
        var priorRepeat: [String: (tickets: Double, events: Double)] = [:]
    }

    /// One outcome ticket, held inline (no per-ticket heap allocation): millions of them
    /// are the largest thing the score stage keeps (56 bytes each). Repeated words
    /// (case-mix levels) are codes into `names`; missing numbers are NaN. Read through `Row`.
    struct Ticket {
        // In this order: the eight-byte fields first, so that no padding is needed (stride 56).
        var id: String
        var tenureYears: Double
        var priority: Int32, channel: Int32, category: Int32, month: Int32
        var priorContacts: Int32
        /// Its ratings' place in `LinkageData.ratings`, or −1: most tickets have no survey.
        var rating: Int32
        /// Its wave, team and agent, and their values in that wave: a place in
        /// `LinkageData.exposures`, which holds them once per wave, team and agent.
        var exposure: Int32
        var outcomes: Outcomes6
    }

    /// A wave, team and agent, and that wave's values for the team and the agent (NaN: none),
    /// resolved once at load.
    struct Exposure {
        var key: ExposureKey
        var teamIndex: Double, agentZ: Double, teamZ: Double
        var teamSize: Int32, respondents: Int32
    }

    /// A wave (an index into `waves`), team and agent (codes into `names`).
    struct ExposureKey: Hashable {
        var wave: Int32, team: Int32, employee: Int32
    }

    /// The six outcomes in two bytes, in `Outcomes.names` order, two bits each: none (0),
    /// 0 (1) or 1 (2). Outcomes are events that happened or not; `load` refuses any other value.
    struct Outcomes6 {
        var bits: UInt16 = 0
        subscript(index: Int) -> Double? {
            get {
                let value = (bits >> UInt16(2 * index)) & 3
                return value == 0 ? nil : Double(value - 1)
            }
            set {
                let value: UInt16 = newValue.map { $0 == 1 ? 2 : 1 } ?? 0
                let shift = UInt16(2 * index)
                bits = bits & ~(3 << shift) | value << shift
            }
        }
    }

    /// Four numbers inline, NaN for none (the ticket's ratings: CSAT, effort, NPS, CX_EMP).
    struct Four {
        var a = Double.nan, b = Double.nan, c = Double.nan, d = Double.nan
        subscript(index: Int) -> Double? {
            get {
                let value: Double
                switch index { case 0: value = a; case 1: value = b; case 2: value = c; default: value = d }
                return value.isNaN ? nil : value
            }
            set {
                let value = newValue ?? .nan
                switch index { case 0: a = value; case 1: b = value; case 2: c = value; default: d = value }
            }
        }
    }

    /// A ticket as the models read it: its words back from the codes.
    struct Row {
        let ticket: Ticket
        let names: [String]
        let ratingTable: [Four]
        let exposure: Exposure

        var id: String { ticket.id }
        var wave: Int { Int(exposure.key.wave) }
        var team: String { names[Int(exposure.key.team)] }
        var employee: String { names[Int(exposure.key.employee)] }
        var priority: String { names[Int(ticket.priority)] }
        var channel: String { names[Int(ticket.channel)] }
        var category: String { names[Int(ticket.category)] }
        var month: String { names[Int(ticket.month)] }
        var priorContacts: Double { Double(ticket.priorContacts) }
        var tenureYears: Double? { ticket.tenureYears.isNaN ? nil : ticket.tenureYears }
        var outcomes: Outcomes6 { ticket.outcomes }
        var ratings: Four { ticket.rating < 0 ? Four() : ratingTable[Int(ticket.rating)] }
        var teamIndex: Double? { exposure.teamIndex.isNaN ? nil : exposure.teamIndex }
        var agentZ: Double? { exposure.agentZ.isNaN ? nil : exposure.agentZ }
        var teamZ: Double? { exposure.teamZ.isNaN ? nil : exposure.teamZ }
        var teamSize: Int { Int(exposure.teamSize) }
        var respondents: Int { Int(exposure.respondents) }
    }

    /// Some of the tickets (those one outcome's models use), by position: no copies.
    struct Rows: RandomAccessCollection {
        let tickets: [Ticket]
        let names: [String]
        let ratings: [Four]
        let exposures: [Exposure]
        let positions: [Int32]

        var startIndex: Int { 0 }
        var endIndex: Int { positions.count }
        /// The ticket at `position`, without the rest of a `Row`.
        func ticket(_ position: Int) -> Ticket { tickets[Int(positions[position])] }
        subscript(position: Int) -> Row {
            let ticket = ticket(position)
            return Row(ticket: ticket, names: names, ratingTable: ratings, exposure: exposures[Int(ticket.exposure)])
        }
    }

    var waves: [Wave]
    var tickets: [Ticket]
    /// The words the tickets' codes stand for.
    var names: [String] = []
    /// The ratings of the tickets that have any.
    var ratings: [Four] = []
    /// The waves' values for the teams and agents of the tickets (`Ticket.exposure`).
    var exposures: [Exposure] = []

    /// The ticket's wave values for its team and agent.
    func exposure(of ticket: Ticket) -> Exposure { exposures[Int(ticket.exposure)] }

    /// The tickets for which `include` holds.
    func rows(where include: (Ticket) -> Bool) -> Rows {
        var positions: [Int32] = []
        for (position, ticket) in tickets.enumerated() where include(ticket) { positions.append(Int32(position)) }
        return Rows(tickets: tickets, names: names, ratings: ratings, exposures: exposures, positions: positions)
    }

    /// The wave a ticket opened at `created` belongs to: the latest with openFrom ≤ created < openUntil.
    static func exposureWave(for created: String, in waves: [Wave]) -> Int? {
        var chosen: Int?
        for (index, wave) in waves.enumerated() where wave.openFrom <= created && created < wave.openUntil {
            if let current = chosen, waves[current].closedAt >= wave.closedAt { continue }
            chosen = index
        }
        return chosen
    }

    static func load(database: any WarehouseConnection, config: ScoreConfig) throws -> LinkageData {
        let lag = config.outcomeLagDays, months = config.outcomeMonths, exposure = config.exposureDays
        var waves: [Wave] = []
        // The windows are computed here, not in SQL: months have no common arithmetic on the
        // two engines (UTCTimestamp.adding(months:)).
        let closings = try LinkageStore.waveClosings(database: database).map { wave -> (period: String, closed: UTCTimestamp, text: String) in
            guard let closed = UTCTimestamp(wave.closedAt) else { throw ScoreError.timestamp(table: "score_team_period", value: wave.closedAt) }
            return (wave.period, closed, wave.closedAt)
        }
        for closing in closings {
            var wave = Wave(period: closing.period, closedAt: closing.text, openFrom: closing.closed.adding(days: lag).description,
                            openUntil: closing.closed.adding(months: months).description,
                            exposureFrom: closing.closed.adding(days: -exposure).description, teamIndex: [:], respondents: [:])
            for team in try LinkageStore.publishedTeams(period: wave.period, database: database) {
                wave.teamIndex[team.team] = team.index
                wave.respondents[team.team] = team.respondents
            }
            waves.append(wave)
        }
        guard !waves.isEmpty else { return LinkageData(waves: waves, tickets: []) }
        // Two jobs on the two cores, each on its own connection (SQLite serves one statement at
        // a time per connection): the waves' exposure behaviour here, the outcome tickets on a
        // second, read-only connection to the same file, which reads only committed facts.
        let skeleton = waves
        // PostgreSQL: one connection, both jobs in turn (a second would need the credentials
        // again, and a server runs the queries on its own processes anyway).
        let file = (database as? Database).flatMap { $0.path != ":memory:" && !$0.path.hasPrefix("file:") ? $0.path : nil }
        let separate = file != nil
        enum Part { case waves([Wave]), tickets(Loaded) }
        let parts = parallelMap(separate ? 2 : 1) { job -> Result<[Part], Error> in
            Result {
                if !separate {
                    return [.waves(try measureExposure(skeleton, database: database, config: config)),
                            .tickets(try outcomeTickets(waves: skeleton, database: database, createContacts: false))]
                }
                if job == 0 { return [.waves(try measureExposure(skeleton, database: database, config: config))] }
                // Should a second connection not open, the tickets are read on this one afterwards.
                guard let file, let second = try? Database(path: file, readOnly: true) else { return [] }
                return [.tickets(try outcomeTickets(waves: skeleton, database: second, createContacts: true))]
            }
        }
        var loaded: Loaded?
        for part in try parts.flatMap({ try $0.get() }) {
            switch part {
            case let .waves(measured): waves = measured
            case let .tickets(read): loaded = read
            }
        }
        let read = try loaded ?? outcomeTickets(waves: skeleton, database: database, createContacts: false)
        // Each wave, team and agent the tickets name, with that wave's values, by the words its codes stand for.
        let exposures = read.exposures.map { key -> Exposure in
            let wave = waves[Int(key.wave)]
            let team = read.names[Int(key.team)], employee = read.names[Int(key.employee)]
            return Exposure(key: key, teamIndex: wave.teamIndex[team] ?? .nan,
                            agentZ: wave.agentZ[employee + "\u{1F}" + team] ?? .nan, teamZ: wave.teamZ[team] ?? .nan,
                            teamSize: Int32(wave.teamSize[team] ?? 0), respondents: Int32(wave.respondents[team] ?? 0))
        }
        return LinkageData(waves: waves, tickets: read.tickets, names: read.names, ratings: read.ratings, exposures: exposures)
    }

    /// Each wave's exposure: its agents' behaviour z and team means, and the REPEAT outcomes
    /// known when it closed (the reverse check's input).
    private static func measureExposure(_ skeleton: [Wave], database: any WarehouseConnection, config: ScoreConfig) throws -> [Wave] {
        var waves: [Wave] = []
        for var wave in skeleton {
            // Time order on exposure: only what was known when the wave closed.
            let behaviour = try AgentBehaviour.measure(database: database, from: wave.exposureFrom, to: wave.closedAt,
                                                       k: config.shrinkagePseudoTickets, asOf: wave.closedAt)
            var teamSum: [String: (Double, Int)] = [:]
            for agent in behaviour {
                guard let z = agent.z else { continue }
                wave.agentZ[agent.employee + "\u{1F}" + agent.team] = z
                let current = teamSum[agent.team] ?? (0, 0)
                teamSum[agent.team] = (current.0 + z, current.1 + 1)
            }
            for (team, sum) in teamSum {
                wave.teamZ[team] = sum.0 / Double(sum.1)
                wave.teamSize[team] = sum.1
            }
            for (team, known) in try AgentScoreStore.repeatsKnown(from: wave.exposureFrom, to: wave.closedAt, knownAt: wave.closedAt,
                                                                  repeatWindow: config.window(for: .repeat), database: database) {
                wave.priorRepeat[team] = known
            }
            waves.append(wave)
        }
        return waves
    }

    /// Years from the hire date to the ticket's opening (NaN without a hire date): whole
    /// seconds apart over days of 86 400 s and years of 365.25 days.
    static func tenure(at created: UnsafeBufferPointer<UInt8>?, hired: UnsafeBufferPointer<UInt8>?) throws -> Double {
        guard let hired else { return .nan }
        guard let start = UTCTimestamp(utf8: hired) else {
            throw ScoreError.timestamp(table: "dim_employee", value: String(decoding: hired, as: UTF8.self))
        }
        guard let created, let opened = UTCTimestamp(utf8: created) else {
            throw ScoreError.timestamp(table: "fact_ticket_outcome", value: created.map { String(decoding: $0, as: UTF8.self) } ?? "NULL")
        }
        return Double(opened.epochSeconds - start.epochSeconds) / 86_400 / 365.25
    }

    /// A code for each distinct value, in order of first appearance (`values[code]`).
    struct Codes<Value: Hashable> {
        private(set) var values: [Value] = []
        private var known: [Value: Int32] = [:]

        mutating func code(_ value: Value) -> Int32 {
            if let code = known[value] { return code }
            let code = Int32(values.count)
            values.append(value)
            known[value] = code
            return code
        }
    }

    /// The outcome tickets as read, before their waves' values are filled in.
    struct Loaded {
        var tickets: [Ticket] = []
        var names: [String] = []
        var ratings: [Four] = []
        /// The waves, teams and agents the tickets name, in order of first appearance (`Ticket.exposure`).
        var exposures: [ExposureKey] = []
    }

    /// Reads every outcome ticket that belongs to a wave. `createContacts`: build this
    /// connection's own `temp.outcome_contact` (a second connection does not see the first's).
    private static func outcomeTickets(waves: [Wave], database: any WarehouseConnection, createContacts: Bool) throws -> Loaded {
        if createContacts { try OutcomeStore.createContacts(database: database, for: .priorContacts) }
        var tickets: [Ticket] = []
        var ratings: [Four] = []
        var words = Codes<String>(), exposures = Codes<ExposureKey>()
        // Sized once: a million tickets grown by doubling would hold two copies at the last step.
        tickets.reserveCapacity(try LinkageStore.outcomeTicketCount(from: waves[0].openFrom, database: database))
        try LinkageStore.outcomeTickets(from: waves[0].openFrom, database: database) { row in
            let created = row.createdAt
            guard let index = exposureWave(for: created, in: waves) else { return }
            let wave = waves[index]
            let id = row.id
            // The time-order rule, checked on every row that can reach a model.
            guard created >= wave.openFrom, wave.closedAt < created else {
                throw ScoreError.timeOrder(ticket: id, openedAt: created, waveClosedAt: wave.closedAt)
            }
            var outcomes = Outcomes6(), rated = Four()
            for k in 0..<Outcomes.names.count {
                guard let value = row.outcome(k) else { continue }
                guard value == 0 || value == 1 else {
                    throw ScoreError.nonBinaryOutcome(ticket: id, outcome: Outcomes.names[k], value: value)
                }
                outcomes[k] = value
            }
            var rating: Int32 = -1
            for k in 0..<4 { rated[k] = row.rating(k) }
            if (0..<4).contains(where: { rated[$0] != nil }) {
                rating = Int32(ratings.count)
                ratings.append(rated)
            }
            let exposure = exposures.code(ExposureKey(wave: Int32(index), team: words.code(row.team), employee: words.code(row.employee)))
            tickets.append(Ticket(
                id: id, tenureYears: try tenure(at: row.createdAtBytes, hired: row.hiredBytes), priority: words.code(row.priority),
                channel: words.code(row.channel), category: words.code(row.category), month: words.code(row.month),
                priorContacts: Int32(clamping: row.priorContacts), rating: rating, exposure: exposure, outcomes: outcomes))
        }
        return Loaded(tickets: tickets, names: words.values, ratings: ratings, exposures: exposures.values)
    }
}
