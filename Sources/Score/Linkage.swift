import AmbassadorCore
import Crypto
import Foundation
import Warehouse

/// The linkage models of SCORING.md §3 and their side tables. Per outcome, three logistic
/// regressions with the same case-mix controls: the confirmatory model (team self-reported
/// index alone among the ambassadorship measures), the behaviour model (agent behaviour
/// relative to team, team mean behaviour) and the exploratory joint model (all three). CR1
/// errors clustered by team, wild cluster bootstrap p-values and intervals, BH q-values over
/// the exploratory coefficients; outcome rates by team-index quartile and band; team-level
/// correlations; the reverse-direction check; and how well satisfaction predicts behaviour
/// compared with ambassadorship.
enum Linkage {
    /// The models fitted per outcome and the ambassadorship predictors each holds.
    enum Model: String, CaseIterable {
        /// Team self-reported index alone: for REPEAT, the one pre-registered test. Team
        /// behaviour is another measure of the same team trait, not a confounder, so it is
        /// not in this model (holding it fixed biased the estimate toward 0).
        case confirmatory
        /// Agent behaviour relative to the team, and the team's mean behaviour.
        case behaviour
        /// All three together: exploratory, "holding the others fixed".
        case joint
        /// Descriptive rows that are not regressions: the team-level correlation and the
        /// reverse-direction check (a diagnostic for the wording rule).
        case correlation, reverse

        var predictors: [String] {
            switch self {
            case .confirmatory: return ["team_self_index"]
            case .behaviour: return ["agent_behaviour_within_team", "team_behaviour_mean"]
            case .joint: return ["team_self_index", "agent_behaviour_within_team", "team_behaviour_mean"]
            case .correlation, .reverse: return []
            }
        }

        static let regressions: [Model] = [.confirmatory, .behaviour, .joint]
    }

    struct Estimate {
        var outcome: String
        var model: Model
        var predictor: String
        var estimate: Double?
        var standardError: Double?
        var low: Double?
        var high: Double?
        var pValue: Double?
        var tickets = 0, agents = 0, teams = 0, events = 0, parameters = 0
        var method: String
        var status: String
        var note: String = ""
        var inputHash: String = ""
        var underpowered = false
    }

    static func run(database: any WarehouseConnection, config: ScoreConfig, progress: ProgressReporter = .silent, logger: (String) -> Void) throws -> Int {
        progress.note("linkage: reading outcome tickets and exposure")
        let data = try LinkageData.load(database: database, config: config)
        logger("linkage: rows read")
        let settingsHash = hex(SHA256.hash(data: Data(config.fingerprint.utf8)))
        try LinkageStore.clear(database: database)
        var estimates: [Estimate] = []
        let bootstrap = WildClusterBootstrap(draws: config.bootstrapDraws, seed: config.seed)
        // Per outcome, its three model fits (with their bootstraps) share nothing mutable and
        // run on the machine's two cores; one outcome at a time, so only one outcome's columns
        // and two designs are in memory at once. The costliest fit (the joint model, three
        // bootstrap tests) starts first and the others fill the second core; results are put
        // back in model order.
        var fits = 0
        for (index, outcome) in Outcomes.names.enumerated() {
            // Tickets with this outcome, a published team index and exposure behaviour, by position.
            let rows = data.rows { ticket in
                let exposure = data.exposure(of: ticket)
                return ticket.outcomes[index] != nil && !exposure.teamIndex.isNaN && !exposure.agentZ.isNaN
            }
            switch model(outcome: outcome, index: index, rows: rows, data: data, config: config, bootstrap: bootstrap) {
            case let .done(final):
                estimates += final
            case let .jobs(work):
                estimates += parallelMap(work.count, order: Array(work.indices.reversed())) { work[$0]() }.flatMap { $0 }
                fits += work.count
                progress.note("linkage: \(outcome) fitted (\(index + 1) of \(Outcomes.names.count) outcomes)")
            }
            let icc = outcomeICC(rows: rows, index: index)
            try writeLift(database: database, outcome: outcome, index: index, rows: rows, data: data, icc: icc)
            if let correlation = try teamCorrelation(database: database, outcome: outcome, index: index, rows: rows, data: data) {
                estimates.append(correlation)
            }
            try writePredictive(database: database, outcome: outcome, index: index, rows: rows, data: data, icc: icc)
        }
        logger("linkage: \(fits) model fits")
        if let reverse = reverseCheck(data: data, config: config, bootstrap: bootstrap) { estimates.append(reverse) }
        // Multiplicity (SCORING.md §3): one confirmatory test; the BH family is every other
        // regression coefficient. The team correlations (a descriptive restatement of the
        // index–outcome association) and the reverse check (a diagnostic for the wording
        // rule) are not hypotheses of the family and carry no q-value.
        let exploratory = estimates.indices.filter {
            !isConfirmatory(estimates[$0]) && estimates[$0].pValue != nil && Model.regressions.contains(estimates[$0].model)
        }
        let q = Intervals.benjaminiHochberg(exploratory.map { estimates[$0].pValue ?? 1 })
        var qValues: [Int: Double] = [:]
        for (k, index) in exploratory.enumerated() { qValues[index] = q[k] }
        for (index, e) in estimates.enumerated() {
            let logOdds = e.method.hasPrefix("logistic")
            let window = Outcome(rawValue: e.outcome).map { config.window(for: $0) } ?? 0
            try LinkageStore.insert(LinkageStore.Estimate(
                outcome: e.outcome, model: e.model.rawValue, predictor: e.predictor, estimate: e.estimate,
                oddsRatio: logOdds ? e.estimate.map { exp($0) } : nil, standardError: e.standardError, low: e.low, high: e.high,
                pValue: e.pValue, qValue: qValues[index], confirmatory: isConfirmatory(e), tickets: e.tickets, agents: e.agents, teams: e.teams,
                events: e.events, parameters: e.parameters, method: e.method,
                exposureWindow: "behaviour in the \(config.exposureDays) days before each pulse wave closes; the wave's team index",
                outcomeWindow: "tickets opened \(config.outcomeLagDays) days to \(config.outcomeMonths) months after the wave; outcome within \(window) days of resolution",
                underpowered: e.underpowered, powerR20: Intervals.correlationPower(r: 0.2, n: e.teams),
                powerR30: Intervals.correlationPower(r: 0.3, n: e.teams), status: e.status, note: e.note.isEmpty ? nil : e.note,
                inputHash: e.inputHash.isEmpty ? nil : e.inputHash, settingsHash: settingsHash), database: database)
        }
        logger("linkage: \(data.waves.count) wave(s), \(data.tickets.count) outcome tickets, \(estimates.count) estimates")
        return estimates.count
    }

    static func isConfirmatory(_ e: Estimate) -> Bool {
        e.outcome == "REPEAT" && e.model == .confirmatory && e.predictor == "team_self_index"
    }

    // MARK: - The model

    /// Standardises `values` (per SD of the distinct unit-level values in `units`).
    static func perSD<Unit: Hashable>(_ values: [Double], units: [Unit]) -> [Double] {
        var seen: [Unit: Double] = [:]
        for (value, unit) in zip(values, units) { seen[unit] = value }
        return perSD(values, distinct: seen.values.sorted())
    }

    /// Standardises ticket-level values: every row its own unit. The values are scaled where
    /// they lie (one sorted copy for the sums, not a third array).
    static func perSDByRow(_ values: consuming [Double]) -> [Double] {
        var scaled = values
        guard let scale = scale(distinct: scaled.sorted()) else { return scaled.map { _ in 0 } }
        for k in scaled.indices { scaled[k] = (scaled[k] - scale.mean) / scale.sd }
        return scaled
    }

    /// Standardises `values` by the mean and SD of `distinct` (sorted, so that the sums do not
    /// depend on a dictionary's per-process order).
    private static func perSD(_ values: [Double], distinct: [Double]) -> [Double] {
        guard let scale = scale(distinct: distinct) else { return values.map { _ in 0 } }
        return values.map { ($0 - scale.mean) / scale.sd }
    }

    /// The mean and SD of `distinct`; none with fewer than two values or no spread (every
    /// value then standardises to 0).
    private static func scale(distinct: [Double]) -> (mean: Double, sd: Double)? {
        guard distinct.count >= 2 else { return nil }
        let mean = distinct.reduce(0, +) / Double(distinct.count)
        let sd = (distinct.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(distinct.count - 1)).squareRoot()
        guard sd > 1e-12 else { return nil }
        return (mean, sd)
    }

    /// A wave's value for a team or an agent, per SD of its distinct units among `rows`, as a
    /// lookup column: one value per exposure entry, the rows' exposure codes. Every row gets
    /// the number `perSD` gives it (the same unit values, mean and SD, the same arithmetic).
    static func perSDLookup(rows: LinkageData.Rows, data: LinkageData, codes: [UInt32], unit: (LinkageData.Exposure) -> Unit,
                            value: (LinkageData.Exposure) -> Double) -> Design.Column {
        var seen: [Unit: Double] = [:]
        for position in rows.indices {
            let exposure = data.exposure(of: rows.ticket(position))
            seen[unit(exposure)] = value(exposure)
        }
        let scale = scale(distinct: seen.values.sorted())
        return .lookup(codes: codes, values: data.exposures.map { entry in scale.map { (value(entry) - $0.mean) / $0.sd } ?? 0 })
    }

    /// Dummy columns for a categorical control, the most frequent level as reference (ties to
    /// the first name): each an indicator on one shared array of level codes (two bytes a row
    /// for the lot). Each row's level is read as its ticket's code into `names` (one code per
    /// word), not copied out as a word per row.
    static func dummies(_ name: String, rows: LinkageData.Rows, names: [String], level: (LinkageData.Ticket) -> Int32) -> [(String, Design.Column)] {
        var counts: [Int32: Int] = [:]
        for position in rows.indices { counts[level(rows.ticket(position)), default: 0] += 1 }
        func word(_ code: Int32) -> String { names[Int(code)] }
        let reference = counts.max { ($0.value, word($1.key)) < ($1.value, word($0.key)) }?.key
        let sorted = counts.keys.sorted { word($0) < word($1) }
        guard sorted.count <= Int(UInt16.max) else {
            // More levels than a code holds: plain 0/1 columns, as many as there are levels.
            return sorted.filter { $0 != reference }.map { code in
                ("\(name)=\(word(code))", .dense(rows.indices.map { level(rows.ticket($0)) == code ? 1 : 0 }))
            }
        }
        var offsetOf: [Int32: UInt16] = [:]
        for (offset, code) in sorted.enumerated() { offsetOf[code] = UInt16(offset) }
        let codes = rows.indices.map { offsetOf[level(rows.ticket($0))] ?? 0 }
        return sorted.enumerated().filter { $0.element != reference }.map { offset, code in
            ("\(name)=\(word(code))", .indicator(codes: codes, level: UInt16(offset)))
        }
    }

    /// A unit of a per-SD scale by its codes (team and wave, or employee, team and wave).
    struct Unit: Hashable {
        let a: Int32, b: Int32, c: Int32
    }

    /// What `model` hands back: estimates already final (not estimable), or one job per
    /// model whose fits and bootstraps can run on any thread (they share nothing mutable).
    enum ModelWork {
        case done([Estimate])
        case jobs([@Sendable () -> [Estimate]])
    }

    static func model(outcome: String, index: Int, rows: LinkageData.Rows, data: LinkageData, config: ScoreConfig,
                      bootstrap: WildClusterBootstrap) -> ModelWork {
        let method = "logistic (IRLS); CR1 by team; wild cluster score bootstrap, Rademacher, \(config.bootstrapDraws) draws, seed \(config.seed)"
        // Distinct teams and agents by their codes (one per word): a set of the rows' words
        // would be sized for every row.
        var teams = Set<Int32>(), agents = Set<Int32>()
        for position in rows.indices {
            let exposure = data.exposure(of: rows.ticket(position))
            teams.insert(exposure.key.team)
            agents.insert(exposure.key.employee)
        }
        let events = rows.reduce(0) { $0 + Int($1.outcomes[index] ?? 0) }
        func failed(_ status: String, parameters: Int = 0) -> [Estimate] {
            Model.regressions.flatMap { model in
                model.predictors.map {
                    Estimate(outcome: outcome, model: model, predictor: $0, tickets: rows.count, agents: agents.count, teams: teams.count,
                             events: events, parameters: parameters, method: method, status: status, underpowered: true)
                }
            }
        }
        guard rows.count >= 20, teams.count >= 3 else {
            let complete = data.tickets.reduce(0) { $0 + ($1.outcomes[index] == nil ? 0 : 1) }
            if complete == 0 {
                let window = Outcome(rawValue: outcome).map { config.window(for: $0) } ?? 0
                return .done(failed("not estimated: no outcome ticket has a complete \(window)-day \(outcome) window before the data cut-off"))
            }
            return .done(failed("not estimated: \(rows.count) tickets in \(teams.count) teams with a team index and exposure behaviour"))
        }
        // The wave's values for the row's team and agent are lookups on the row's exposure
        // code (four bytes a row for the four of them, where each was eight); their units
        // as codes (team, employee, wave): the same distinct units as their names.
        let codes = rows.indices.map { UInt32(truncatingIfNeeded: rows.ticket($0).exposure) }
        let teamWave = { (entry: LinkageData.Exposure) in Unit(a: entry.key.team, b: entry.key.wave, c: 0) }
        let agentWave = { (entry: LinkageData.Exposure) in Unit(a: entry.key.employee, b: entry.key.team, c: entry.key.wave) }
        func known(_ value: Double) -> Double { value.isNaN ? 0 : value }
        let ambassadorship: [String: Design.Column] = [
            "team_self_index": perSDLookup(rows: rows, data: data, codes: codes, unit: teamWave) { known($0.teamIndex) },
            "agent_behaviour_within_team": perSDLookup(rows: rows, data: data, codes: codes, unit: agentWave) { known($0.agentZ) - known($0.teamZ) },
            "team_behaviour_mean": perSDLookup(rows: rows, data: data, codes: codes, unit: teamWave) { known($0.teamZ) },
        ]
        var notes: [String] = []
        var candidates: [(String, Design.Column)] = []
        candidates += dummies("priority", rows: rows, names: data.names) { $0.priority }
        candidates += dummies("channel", rows: rows, names: data.names) { $0.channel }
        candidates += dummies("category", rows: rows, names: data.names) { $0.category }
        candidates += dummies("open_month", rows: rows, names: data.names) { $0.month }
        // Ticket-level values: every row its own unit (ticket ids are unique among outcome rows).
        candidates.append(("prior_contacts_90d", .dense(perSDByRow(rows.indices.map { Double(rows.ticket($0).priorContacts) }))))
        let missingTenure = rows.indices.reduce(0) { $0 + (rows.ticket($1).tenureYears.isNaN ? 1 : 0) }
        if missingTenure == 0 {
            candidates.append(("agent_tenure", .dense(perSDByRow(rows.indices.map { rows.ticket($0).tenureYears }))))
        } else {
            notes.append("agent tenure left out: hire dates missing for \(missingTenure) rows")
        }
        candidates.append(("team_size", perSDLookup(rows: rows, data: data, codes: codes, unit: teamWave) { Double($0.teamSize) }))
        let y = rows.map { $0.outcomes[index] ?? 0 }
        // A control level whose rows all share one outcome would separate: fold it into the reference.
        var controls: [(String, Design.Column)] = []
        for (name, column) in candidates {
            var distinct = Set<Double>()
            var binary = true
            for i in 0..<y.count {
                let v = column.value(i)
                if distinct.count < 2 { distinct.insert(v) }
                if v != 0 && v != 1 { binary = false }
            }
            let variance = distinct.count > 1
            var ones = 0.0, eventsAmongOnes = 0.0
            if binary { for i in 0..<y.count where column.value(i) == 1 { ones += 1; eventsAmongOnes += y[i] } }
            if !variance {
                continue
            } else if binary && (eventsAmongOnes == 0 || eventsAmongOnes == ones) {
                notes.append("\(name) folded into its reference level (all \(Int(ones)) rows have outcome \(eventsAmongOnes == 0 ? 0 : 1))")
            } else {
                controls.append((name, column))
            }
        }
        // Clusters by the team's first row, as a cluster per exposure code.
        var clusterIndex: [String: Int] = [:]
        var clusterOfCode = [Int32](repeating: 0, count: data.exposures.count)
        for row in rows {
            let value = clusterIndex[row.team] ?? clusterIndex.count
            clusterIndex[row.team] = value
            clusterOfCode[Int(row.ticket.exposure)] = Int32(truncatingIfNeeded: value)
        }
        let cluster = Design.Clusters(codes: codes, clusterOfCode: clusterOfCode)
        let minRespondents = rows.indices.reduce(Int.max) { min($0, Int(data.exposure(of: rows.ticket($1)).respondents)) }
        let rowCount = rows.count, agentCount = agents.count, teamCount = teams.count, clusterCount = clusterIndex.count
        let exportDirectory = config.exportDesigns
        let sharedNotes = notes, sharedControls = controls, sharedColumns = ambassadorship
        return .jobs(Model.regressions.map { model in { () -> [Estimate] in
            let notes = sharedNotes, controls = sharedControls, ambassadorship = sharedColumns
            let columns = model.predictors.map { ($0, ambassadorship[$0] ?? Design.Column.dense([])) } + controls
            let p = columns.count + 1
            // The models share their control columns' storage: no per-model matrix.
            let design = Design(names: ["const"] + columns.map(\.0), columns: [.one] + columns.map(\.1), outcome: y, cluster: cluster,
                                clusters: clusterCount)
            // The hash of the row-major matrix, row by row: the digest it always was.
            var hasher = SHA256()
            var row = [Double](repeating: 0, count: p)
            for i in 0..<rowCount {
                design.row(i, into: &row)
                row.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            }
            design.outcome.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            // "id␟team" per row, lines joined by "\n" (the bytes the input hash has always
            // read), hashed in chunks as they are made: a copy of every row's key held for the
            // whole fit was 20 bytes a row.
            var chunk: [UInt8] = []
            chunk.reserveCapacity(1 << 16)
            for (position, row) in rows.enumerated() {
                if position > 0 { chunk.append(10) }
                chunk.append(contentsOf: row.id.utf8)
                chunk.append(0x1F)
                chunk.append(contentsOf: row.team.utf8)
                if chunk.count >= 1 << 16 {
                    hasher.update(data: chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            hasher.update(data: chunk)
            let inputHash = hex(hasher.finalize())
            let teams = teamCount
            let scarce = min(events, rowCount - events)
            let underpowered = teams < 50 || minRespondents < 5 || Double(scarce) / Double(p) < 10
            var modelNotes = notes
            if underpowered {
                var reasons: [String] = []
                if teams < 50 { reasons.append("\(teams) teams (< 50)") }
                if minRespondents < 5 { reasons.append("a team with \(minRespondents) respondents (< 5)") }
                if Double(scarce) / Double(p) < 10 { reasons.append("\(scarce) events for \(p) parameters (< 10 each)") }
                modelNotes.insert("underpowered: " + reasons.joined(separator: ", "), at: 0)
            }
            if let directory = exportDirectory { exportDesign(design, to: directory + "/design_\(outcome)_\(model.rawValue).csv") }
            let fit: RegressionFit
            switch LogisticRegression.fit(design) {
            case let .success(value): fit = value
            case let .failure(problem):
                return model.predictors.map {
                    Estimate(outcome: outcome, model: model, predictor: $0, tickets: rowCount, agents: agentCount, teams: teams,
                             events: events, parameters: p, method: method, status: "not estimated: \(problem)",
                             note: modelNotes.joined(separator: "; "), inputHash: inputHash, underpowered: true)
                }
            }
            let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: p)
            if fit.conditioning > 1e10 { modelNotes.append("ill-conditioned design (pivot ratio \(Int(fit.conditioning)))") }
            return model.predictors.enumerated().map { offset, name in
                let j = offset + 1
                let test = bootstrap.test(design, fit: fit, column: j, link: .logit, standardError: se[j])
                var e = Estimate(outcome: outcome, model: model, predictor: name, estimate: fit.coefficients[j], standardError: se[j],
                                 low: test.low, high: test.high, pValue: test.pValue, tickets: rowCount, agents: agentCount,
                                 teams: teams, events: events, parameters: p, method: method, status: "ok",
                                 note: modelNotes.joined(separator: "; "), inputHash: inputHash, underpowered: underpowered)
                if test.low == nil || test.high == nil { e.status = "ok; bootstrap interval unbounded on one side" }
                return e
            }
        } })
    }

    /// Writes a design as CSV: y, cluster, then the predictor columns (intercept left out).
    static func exportDesign(_ design: Design, to path: String) {
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let writer = FileDescriptorWriter(fd: fd, capacity: 1 << 20)
        writer.write((["y", "cluster"] + design.names.dropFirst()).joined(separator: ",") + "\n")
        let p = design.columns
        for i in 0..<design.rows {
            var line = "\(Int(design.outcome[i])),\(design.cluster[i])"
            for j in 1..<p { line += ",\(design.value(i, j))" }
            writer.write(line + "\n")
        }
        writer.close()
    }

    // MARK: - Side tables

    /// The intraclass correlation of an outcome across teams (one-way ANOVA, ICC(1)): how
    /// much tickets of one team resemble each other, for the design effects below.
    static func outcomeICC(rows: LinkageData.Rows, index: Int) -> Double {
        var byTeam: [String: [Double]] = [:]
        for row in rows { if let y = row.outcomes[index] { byTeam[row.team, default: []].append(y) } }
        return TeamScores.intraclass(byTeam.keys.sorted().compactMap { byTeam[$0] })?.icc1 ?? 0
    }

    /// Outcome rates by quartile of the team index (team-waves) and by index band, plus the
    /// top-vs-bottom quartile gap. Tickets of one team are not independent: every interval
    /// is widened by the group's design effect (Kish, from the outcome's ICC across teams),
    /// Wilson intervals on the effective number of tickets.
    static func writeLift(database: any WarehouseConnection, outcome: String, index: Int, rows: LinkageData.Rows, data: LinkageData, icc: Double) throws {
        guard !rows.isEmpty else { return }
        let indexes = rows.map { $0.teamIndex ?? 0 }
        var distinct: [String: Double] = [:]
        for (row, value) in zip(rows, indexes) { distinct["\(row.team)\u{1F}\(row.wave)"] = value }
        let sorted = distinct.values.sorted()
        func quantile(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
        let cuts = [quantile(0.25), quantile(0.5), quantile(0.75)]
        var groups: [String: (teams: Set<String>, tickets: Int, events: Int)] = [:]
        var perTeam: [String: [String: Int]] = [:]
        for (row, value) in zip(rows, indexes) {
            let quartile = "Q" + String(1 + cuts.filter { value >= $0 }.count)
            let band = value >= 75 ? "Ambassador (index ≥ 75)" : value >= 62.5 ? "Positive (62.5–75)" : value >= 50 ? "Ambivalent (50–62.5)" : "Saboteur (< 50)"
            let event = Int(row.outcomes[index] ?? 0)
            for key in ["quartile\u{1F}" + quartile, "band\u{1F}" + band] {
                var group = groups[key] ?? ([], 0, 0)
                group.teams.insert(row.team)
                group.tickets += 1
                group.events += event
                groups[key] = group
                perTeam[key, default: [:]][row.team, default: 0] += 1
            }
        }
        func designEffect(_ key: String) -> Double {
            Intervals.designEffect(clusterSizes: (perTeam[key] ?? [:]).keys.sorted().compactMap { perTeam[key]?[$0] }, icc: icc)
        }
        for key in groups.keys.sorted() {
            guard let group = groups[key] else { continue }
            let parts = key.split(separator: "\u{1F}").map(String.init)
            let interval = Intervals.wilson(proportion: Double(group.events) / Double(group.tickets),
                                            effectiveTrials: Double(group.tickets) / designEffect(key))
            try LinkageStore.insertSegmentLift(outcome: outcome, grouping: parts[0], level: parts[1], teams: group.teams.count, tickets: group.tickets,
                                               events: group.events, rate: Double(group.events) / Double(group.tickets),
                                               low: interval?.low, high: interval?.high, database: database)
        }
        if let top = groups["quartile\u{1F}Q4"], let bottom = groups["quartile\u{1F}Q1"] {
            let p1 = Double(top.events) / Double(top.tickets), p0 = Double(bottom.events) / Double(bottom.tickets)
            let se = (p1 * (1 - p1) / Double(top.tickets) * designEffect("quartile\u{1F}Q4")
                      + p0 * (1 - p0) / Double(bottom.tickets) * designEffect("quartile\u{1F}Q1")).squareRoot()
            try LinkageStore.insertSegmentLift(outcome: outcome, grouping: "gap", level: "Q4 − Q1", teams: top.teams.union(bottom.teams).count,
                                               tickets: top.tickets + bottom.tickets, events: top.events + bottom.events, rate: p1 - p0,
                                               low: p1 - p0 - Intervals.z95 * se, high: p1 - p0 + Intervals.z95 * se, database: database)
        }
    }

    /// Per team: ticket-weighted mean index and outcome rate; their weighted correlation
    /// across teams with a Fisher-z interval.
    static func teamCorrelation(database: any WarehouseConnection, outcome: String, index: Int, rows: LinkageData.Rows, data: LinkageData) throws -> Estimate? {
        var byTeam: [String: (indexSum: Double, tickets: Int, events: Int)] = [:]
        for row in rows {
            var team = byTeam[row.team] ?? (0, 0, 0)
            team.indexSum += row.teamIndex ?? 0
            team.tickets += 1
            team.events += Int(row.outcomes[index] ?? 0)
            byTeam[row.team] = team
        }
        var x: [Double] = [], y: [Double] = [], w: [Double] = []
        for team in byTeam.keys.sorted() {
            guard let t = byTeam[team] else { continue }
            let meanIndex = t.indexSum / Double(t.tickets), rate = Double(t.events) / Double(t.tickets)
            try LinkageStore.insertTeam(outcome: outcome, team: team, selfIndex: meanIndex, tickets: t.tickets, events: t.events, rate: rate,
                                        database: database)
            x.append(meanIndex); y.append(rate); w.append(Double(t.tickets))
        }
        guard x.count >= 4, let r = Intervals.weightedCorrelation(x, y, weights: w) else { return nil }
        let interval = Intervals.fisherZ(r: r, n: x.count)
        return Estimate(outcome: outcome, model: .correlation, predictor: "team_correlation", estimate: r, low: interval?.low, high: interval?.high,
                        pValue: Intervals.fisherZPValue(r: r, n: x.count), tickets: rows.count, teams: x.count,
                        events: Int(y.enumerated().reduce(0.0) { $0 + $1.element * w[$1.offset] }.rounded()),
                        method: "ticket-weighted Pearson r of team index and outcome rate across teams; Fisher-z interval",
                        status: "ok", underpowered: x.count < 50)
    }

    /// AUC of each measure for the outcome, oriented so that 0.5 is no information and
    /// higher is better prediction in the expected direction; the Hanley–McNeil error is
    /// widened by the outcome's design effect across teams.
    static func writePredictive(database: any WarehouseConnection, outcome: String, index: Int, rows: LinkageData.Rows, data: LinkageData,
                                icc: Double) throws {
        var teamSizes: [String: Int] = [:]
        for row in rows where row.outcomes[index] != nil { teamSizes[row.team, default: 0] += 1 }
        let inflation = Intervals.designEffect(clusterSizes: teamSizes.keys.sorted().compactMap { teamSizes[$0] }, icc: icc).squareRoot()
        let sign = (Outcome(rawValue: outcome)?.isAdverse ?? true) ? -1.0 : 1.0
        let measures: [(String, (LinkageData.Row) -> Double?)] = [
            ("CSAT (ticket survey)", { $0.ratings[0] }),
            ("effort ease (ticket survey)", { $0.ratings[1] }),
            ("NPS (ticket survey)", { $0.ratings[2] }),
            ("CX_EMP agent items (ticket survey)", { $0.ratings[3] }),
            ("team self-reported index", { $0.teamIndex }),
            ("agent behaviour index", { $0.agentZ }),
        ]
        for (name, measure) in measures {
            var scores: [Double] = [], outcomes: [Bool] = []
            for row in rows {
                guard let value = measure(row), let y = row.outcomes[index] else { continue }
                scores.append(sign * value)
                outcomes.append(y > 0)
            }
            guard let result = Intervals.auc(score: scores, outcome: outcomes) else { continue }
            try LinkageStore.insertPredictive(outcome: outcome, measure: name, tickets: scores.count, auc: result.auc,
                                              low: max(0, result.auc - Intervals.z95 * result.se * inflation),
                                              high: min(1, result.auc + Intervals.z95 * result.se * inflation), database: database)
        }
    }

    /// Does the team's REPEAT rate before a wave predict that wave's team index? OLS of the
    /// index (per SD) on the prior rate (per SD), CR1 by team, wild cluster bootstrap.
    static func reverseCheck(data: LinkageData, config: ScoreConfig, bootstrap: WildClusterBootstrap) -> Estimate? {
        // Within teams (each team's own mean removed from both sides): a persistent team
        // level, which a true forward effect also produces, cannot pass for reversal; only a
        // team's month-to-month swings in outcomes moving its next index can.
        var byTeam: [String: [(y: Double, x: Double)]] = [:]
        for wave in data.waves {
            for (team, value) in wave.teamIndex {
                guard let cell = wave.priorRepeat[team], cell.tickets >= 10 else { continue }
                byTeam[team, default: []].append((value, cell.events / cell.tickets))
            }
        }
        var rowsY: [Double] = [], rowsX: [Double] = [], teamsOfRows: [String] = []
        for team in byTeam.keys.sorted() {
            guard let rows = byTeam[team], rows.count >= 2 else { continue }
            let meanY = rows.reduce(0) { $0 + $1.y } / Double(rows.count), meanX = rows.reduce(0) { $0 + $1.x } / Double(rows.count)
            for row in rows {
                rowsY.append(row.y - meanY)
                rowsX.append(row.x - meanX)
                teamsOfRows.append(team)
            }
        }
        let teams = Set(teamsOfRows)
        guard rowsY.count >= 10, teams.count >= 3 else { return nil }
        let units = rowsY.indices.map(String.init)
        let y = perSD(rowsY, units: units), x = perSD(rowsX, units: units)
        var clusterIndex: [String: Int] = [:]
        let cluster = teamsOfRows.map { team -> Int in
            let value = clusterIndex[team] ?? clusterIndex.count
            clusterIndex[team] = value
            return value
        }
        let design = Design(names: ["const", "prior_repeat_rate"], values: x.flatMap { [1, $0] }, outcome: y, cluster: cluster,
                            clusters: clusterIndex.count)
        guard case let .success(fit) = LeastSquares.fit(design) else { return nil }
        let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: 2)
        let test = bootstrap.test(design, fit: fit, column: 1, link: .identity, standardError: se[1])
        return Estimate(outcome: "REPEAT", model: .reverse, predictor: "reverse_prior_outcome_rate", estimate: fit.coefficients[1], standardError: se[1],
                        low: test.low, high: test.high, pValue: test.pValue, tickets: rowsY.count, teams: teams.count, parameters: 2 + teams.count,
                        method: "within-team OLS of the wave's team index (per SD) on the team's REPEAT rate before the wave (per SD); CR1 by team; wild cluster bootstrap",
                        status: "ok", note: "\(rowsY.count) team-waves (teams with two or more waves, at least 10 prior tickets each)", underpowered: teams.count < 50)
    }
}

/// Lower-case hexadecimal of a digest.
func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    digest.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
