import AmbassadorCore
import Foundation
import Warehouse

/// Self-reported ambassadorship per team and period from the employee pulse survey
/// (SCORING.md §1a): leg scores, index, segment shares, Net Ambassadorship, r_wg, and the
/// period's ICC(1)/ICC(2). A team under the anonymity threshold keeps a row with its
/// respondent count and `suppressed = 1`, and no figure at all.
enum TeamScores {
    /// One respondent's leg means (1–5).
    struct Respondent {
        var team: String
        var legs: [Double]
        var items: [Double?]

        var mean: Double { legs.reduce(0, +) / Double(legs.count) }
        /// 0–100: 25 × (mean − 1).
        var index: Double { 25 * (mean - 1) }

        enum Segment: String, CaseIterable { case ambassador, positive, ambivalent, saboteur }
        var segment: Segment {
            if legs.allSatisfy({ $0 >= 4.0 }) { return .ambassador }
            if mean < 3.0 || legs[2] < 2.5 { return .saboteur }
            if mean >= 3.5 { return .positive }
            return .ambivalent
        }
    }

    /// The pulse source and its items per leg (company, value proposition, customer).
    static func instrument(database: any WarehouseConnection, config: PipelineConfig) throws -> (source: String, legs: [[String]])? {
        let source: String
        if let named = config.score.pulseSource {
            guard config.sources.contains(where: { $0.name == named && $0.kind == .survey }) else {
                throw ScoreError.pulseSource(name: named, reason: "no survey source of that name in the pipeline",
                                             expected: "the name of a survey source with respondent: employee")
            }
            source = named
        } else {
            guard let found = config.sources.first(where: { $0.kind == .survey && $0.respondent == .employee }) else { return nil }
            source = found.name
        }
        if let legs = config.score.legs {
            return (source, ScoreConfig.legNames.map { legs[$0] ?? [] })
        }
        let items = try SurveyScoreStore.numericItems(source: source, database: database)
        if items.isEmpty, try SurveyScoreStore.responses(source: source, database: database) == 0 {
            throw ScoreError.noPulseResponses(name: source)
        }
        guard items.count == 9 else {
            throw ScoreError.pulseSource(name: source, reason: "\(items.count) numeric items instead of the instrument's nine",
                                         expected: "nine items (three per leg), or the items of each leg named in score.legs")
        }
        return (source, [Array(items[0..<3]), Array(items[3..<6]), Array(items[6..<9])])
    }

    /// Respondents of one period, grouped by team.
    static func respondents(database: any WarehouseConnection, source: String, legs: [[String]], period: String, kind: ScorePeriod) throws -> [Respondent] {
        let allItems = legs.flatMap { $0 }
        let position = Dictionary(uniqueKeysWithValues: allItems.enumerated().map { ($1, $0) })
        var byResponse: [String: Respondent] = [:]
        var order: [String] = []
        try SurveyScoreStore.pulseAnswers(source: source, period: period, kind: kind, database: database) { id, team, item, value in
            guard let slot = position[item] else { return }
            if byResponse[id] == nil {
                byResponse[id] = Respondent(team: team, legs: [], items: Array(repeating: nil, count: allItems.count))
                order.append(id)
            }
            byResponse[id]?.items[slot] = value
        }
        var out: [Respondent] = []
        for id in order {
            guard var respondent = byResponse[id] else { continue }
            var offset = 0
            var complete = true
            for leg in legs {
                let answered = respondent.items[offset..<(offset + leg.count)].compactMap { $0 }
                offset += leg.count
                if answered.isEmpty { complete = false; break }
                respondent.legs.append(answered.reduce(0, +) / Double(answered.count))
            }
            // A respondent who skipped a whole leg has no index; they are not counted.
            if complete { out.append(respondent) }
        }
        return out
    }

    /// ICC(1) and ICC(2) of the individual index across teams (one-way ANOVA).
    static func intraclass(_ groups: [[Double]]) -> (icc1: Double, icc2: Double)? {
        let groups = groups.filter { $0.count >= 2 }
        let g = groups.count
        let n = groups.reduce(0) { $0 + $1.count }
        guard g >= 2, n > g else { return nil }
        let grand = groups.flatMap { $0 }.reduce(0, +) / Double(n)
        var between = 0.0, within = 0.0
        for group in groups {
            let mean = group.reduce(0, +) / Double(group.count)
            between += Double(group.count) * (mean - grand) * (mean - grand)
            for value in group { within += (value - mean) * (value - mean) }
        }
        let msb = between / Double(g - 1)
        let msw = within / Double(n - g)
        let sumSquares = groups.reduce(0.0) { $0 + Double($1.count * $1.count) }
        let k0 = (Double(n) - sumSquares / Double(n)) / Double(g - 1)
        guard msb > 0 else { return (0, 0) }
        return ((msb - msw) / (msb + (k0 - 1) * msw), (msb - msw) / msb)
    }

    /// r_wg(J) of a team on a 5-point scale: agreement against a uniform null (σ²_EU = 2).
    static func rwg(_ members: [Respondent]) -> Double? {
        guard members.count >= 2, let width = members.first?.items.count else { return nil }
        var variances: [Double] = []
        for item in 0..<width {
            let values = members.compactMap { $0.items[item] }
            guard values.count >= 2 else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            variances.append(values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
        }
        guard !variances.isEmpty else { return nil }
        let j = Double(variances.count)
        let ratio = min(variances.reduce(0, +) / j / 2, 1)
        return j * (1 - ratio) / (j * (1 - ratio) + ratio)
    }

    /// Rewrites `score_team_period` for one period; returns the rows written.
    static func write(database: any WarehouseConnection, period: String, respondents: [Respondent], threshold: Int, closedAt: String?) throws -> Int {
        var byTeam: [String: [Respondent]] = [:]
        for respondent in respondents { byTeam[respondent.team, default: []].append(respondent) }
        // Teams in name order: sums must not depend on the dictionary's (per-process) order.
        let teams = byTeam.keys.sorted().compactMap { byTeam[$0] }
        // ICC(1), ICC(2) and the median r_wg describe the published team means, the ones
        // reports show and the linkage uses: suppressed teams (under the threshold) are left
        // out of all three, as their means are of no one's use and their few answers would
        // pull ICC(2) — the reliability of a team mean — toward that of tiny groups.
        let published = teams.filter { $0.count >= threshold }
        let iccs = intraclass(published.map { $0.map(\.index) })
        let agreements = published.compactMap(rwg).sorted()
        let median: Double? = agreements.isEmpty ? nil
            : agreements.count % 2 == 1 ? agreements[agreements.count / 2]
            : (agreements[agreements.count / 2 - 1] + agreements[agreements.count / 2]) / 2
        var rows: [SurveyScoreStore.TeamPeriod] = []
        for team in byTeam.keys.sorted() {
            let members = byTeam[team] ?? []
            let n = Double(members.count)
            var row = SurveyScoreStore.TeamPeriod(team: team, respondents: members.count, suppressed: members.count < threshold)
            if !row.suppressed {
                row.legs = (0..<3).map { leg in 25 * (members.reduce(0) { $0 + $1.legs[leg] } / n - 1) }
                row.index = members.reduce(0) { $0 + $1.index } / n
                let shares = Respondent.Segment.allCases.map { segment in Double(members.filter { $0.segment == segment }.count) / n }
                row.shares = shares
                row.netAmbassadorship = 100 * (shares[0] - shares[3])
                row.rwg = rwg(members)
            }
            rows.append(row)
        }
        try SurveyScoreStore.writeTeamPeriod(period, teams: rows, icc1: iccs?.icc1, icc2: iccs?.icc2, rwgMedian: median, closedAt: closedAt,
                                             database: database)
        return byTeam.count
    }
}
