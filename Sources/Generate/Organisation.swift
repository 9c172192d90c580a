import AmbassadorCore

/// The simulated organisation: teams with a latent ambassadorship level, employees around
/// it, and monthly roster changes (leavers, hires, team moves, a rehire).
struct Organisation {
    struct Employee {
        let id: String
        let name: String
        let email: String
        let agentID: String
        var team: Int
        var role: String
        let location: String
        var hire: CivilDate
        var termination: CivilDate?
        /// Latent ambassadorship, standard normal overall.
        let latent: Double
        /// Deviation from the team's level (the agent-within-team part).
        let deviation: Double
        var active: Bool
    }

    static let firstNames = ["Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
                             "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Yara", "Zoë"]
    static let lastNames = ["Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito", "Jansen",
                            "Kowalski", "López", "Müller", "Nakamura", "O'Brien", "Petrov", "Quist", "Rossi", "Singh", "Tanaka"]
    static let locations = ["Lisbon", "Dublin", "Austin", "Manila", "Kraków"]
    static let teamICC = 0.25

    var teams: [String]
    /// Latent level of each team (standard normal).
    var teamLatent: [Double]
    /// Each team's own REPEAT level (log-odds, SD `GeneratorSettings.teamOutcomeSD`), independent of
    /// its latent ambassadorship; drawn from a stream of its own so the rest stays as it was.
    var teamOutcome: [Double]
    var employees: [Employee] = []
    var leads: [Int] = []
    private var nextNumber = 1

    init(settings: GeneratorSettings, random: inout SeededRandom, start: CivilDate) {
        teams = (0..<settings.teams).map { "Support " + pad($0 + 1, 2) }
        teamLatent = (0..<settings.teams).map { _ in random.normal() }
        var own = SeededRandom(seed: settings.seed ^ 0x7EA3_0C0E)
        teamOutcome = (0..<settings.teams).map { _ in settings.teamOutcomeSD * own.normal() }
        for team in 0..<settings.teams {
            leads.append(hire(team: team, role: "Team Lead", on: start.adding(days: -400 - random.int(900)), random: &random))
            for _ in 0..<settings.agentsPerTeam {
                _ = hire(team: team, role: "Agent", on: start.adding(days: -30 - random.int(1200)), random: &random)
            }
        }
    }

    /// Adds an employee to `team`; returns their index.
    mutating func hire(team: Int, role: String, on date: CivilDate, random: inout SeededRandom) -> Int {
        let number = nextNumber
        nextNumber += 1
        let first = Organisation.firstNames[random.int(Organisation.firstNames.count)]
        let last = Organisation.lastNames[random.int(Organisation.lastNames.count)]
        let deviation = random.normal()
        let latent = teamLatent[team] * Organisation.teamICC.squareRoot() + deviation * (1 - Organisation.teamICC).squareRoot()
        let ascii = (first + "." + last).lowercased().unicodeScalars.filter { $0.isASCII && ($0 == "." || ($0 >= "a" && $0 <= "z")) }
        employees.append(Employee(
            id: "E" + pad(number, 5), name: first + " " + last,
            email: String(String.UnicodeScalarView(ascii)) + pad(number, 5) + "@example.com",
            agentID: String(360_000_000_000 + number * 7919), team: team, role: role,
            location: Organisation.locations[random.int(Organisation.locations.count)], hire: date, termination: nil,
            latent: latent, deviation: deviation, active: true))
        return employees.count - 1
    }

    /// One month of HR change before the snapshot on `date`: leavers, replacements, moves, a rehire.
    mutating func advance(to date: CivilDate, monthIndex: Int, random: inout SeededRandom) {
        var leaversByTeam = [Int](repeating: 0, count: teams.count)
        for index in employees.indices where employees[index].active && employees[index].role == "Agent" {
            if random.chance(0.02) {
                employees[index].active = false
                employees[index].termination = date.adding(days: -1 - random.int(20))
                leaversByTeam[employees[index].team] += 1
            } else if random.chance(0.01) {
                employees[index].team = random.int(teams.count)
            }
        }
        for (team, count) in leaversByTeam.enumerated() {
            for _ in 0..<count {
                _ = hire(team: team, role: "Agent", on: date.adding(days: -random.int(25)), random: &random)
            }
        }
        // From the third month on, one former agent comes back (a rehire) each month.
        if monthIndex >= 2, let former = employees.indices.first(where: { !employees[$0].active && employees[$0].role == "Agent" }) {
            employees[former].active = true
            employees[former].termination = nil
            employees[former].hire = date.adding(days: -random.int(10))
        }
    }

    /// Active agents of each team.
    func activeAgents() -> [[Int]] {
        var byTeam = [[Int]](repeating: [], count: teams.count)
        for (index, employee) in employees.enumerated() where employee.active && employee.role == "Agent" {
            byTeam[employee.team].append(index)
        }
        return byTeam
    }
}
