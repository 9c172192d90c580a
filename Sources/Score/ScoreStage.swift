import AmbassadorCore
import Crypto
import Foundation
import Logging
import Warehouse

/// The score stage (SCORING.md): customer outcomes per resolved ticket, self-reported
/// ambassadorship per team and period, behavioural ambassadorship per agent and period,
/// then the linkage models. Each period is one transaction and is recomputed only when a
/// fingerprint of its inputs (rows, their lineage, the settings) changed; the linkage is
/// refitted when any of those changed.
package enum ScoreStage {
    package static let name = "score"

    package static func run(database: any WarehouseConnection, context: StageContext) throws -> [StageCounts] {
        let config = context.config
        let settings = config.score.fingerprint
        var counts = StageCounts(source: "score")
        let clock = ContinuousClock()
        var phaseStart = clock.now
        /// Logs how long the phase that just ended took (long scores show where they are).
        func phase(_ what: String) {
            let elapsed = phaseStart.duration(to: clock.now).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            context.logger.info("score: \(what) in \(fixedPoint(seconds, 1)) s")
            context.progress.note("after \(what)")
            phaseStart = clock.now
        }
        context.progress.note("ticket outcomes")
        // Nothing loaded at all: say so (exit 66), not a data rejection.
        if try ScoreStateStore.warehouseIsEmpty(database: database) {
            throw ScoreError.noData(warehouse: database.target)
        }
        try Outcomes.buildRatings(database: database, config: config)
        let relationship = try CustomerScores.instrument(database: database, config: config)
        try CustomerScores.buildRecommended(database: database, instrument: relationship)
        let cutoffs = try Outcomes.cutoffs(database: database)
        for (what, cutoff, outlier) in [("ticket", cutoffs.tickets, cutoffs.ticketOutlier), ("customer event", cutoffs.events, cutoffs.eventOutlier)] {
            guard let cutoff else { continue }
            if let outlier, outlier.prefix(10) > cutoff.prefix(10) {
                context.logger.warning("score: the \(what) data cut-off is \(cutoff), from the bulk of the data; the latest \(what) timestamp, \(outlier), lies beyond it and does not count (is it a typo'd date?)")
            } else {
                context.logger.info("score: the \(what) data cut-off is \(cutoff)")
            }
        }
        let outcomes = try database.transaction { try Outcomes.rebuild(database: database, config: config, cutoffs: cutoffs) }
        FaultPoint.reached("score.outcomes")
        phase("\(outcomes) ticket outcomes")
        counts.rowsRead = try ScoreStateStore.ticketCount(database: database)
        var fingerprints = [fingerprint(try ScoreStateStore.outcomeSummary(database: database))]
        var recomputed = 0, unchanged = 0

        // Self-reported ambassadorship per team and pulse period.
        let periodKind = config.score.period
        // A pulse survey the stage cannot read as the instrument (not nine items and no
        // score.legs) skips team scores and the linkage with a message, not the whole run.
        let pulse: (source: String, legs: [[String]])?
        var pulseSaid = false
        do {
            pulse = try TeamScores.instrument(database: database, config: config)
        } catch ScoreError.noPulseResponses(let name) {
            let error = ScoreError.noPulseResponses(name: name)
            context.logger.warning("score: \(error)")
            counts.messages.append("\(error)")
            pulseSaid = true
            pulse = nil
        } catch let error as ScoreError {
            pulseSaid = true
            context.logger.error("score: \(error); team scores and the linkage are skipped")
            counts.messages.append("\(error)")
            counts.dataFailure = true
            pulse = nil
        }
        if let instrument = pulse {
            let periods = try SurveyScoreStore.periods(source: instrument.source, kind: periodKind, database: database)
            for period in periods {
                try Interruption.checkpoint()
                let print = fingerprint(try ScoreStateStore.pulsePeriodSummary(source: instrument.source, period: period, kind: periodKind,
                                                                               database: database), settings: settings)
                fingerprints.append(print)
                if try ScoreStateStore.isCurrent(scope: "team/" + period, fingerprint: print, database: database) { unchanged += 1; continue }
                try database.transaction {
                    let respondents = try TeamScores.respondents(database: database, source: instrument.source, legs: instrument.legs,
                                                                 period: period, kind: periodKind)
                    let closedAt = try SurveyScoreStore.closedAt(source: instrument.source, period: period, kind: periodKind, database: database)
                    counts.rowsWritten += try TeamScores.write(database: database, period: period, respondents: respondents,
                                                               threshold: config.score.anonymityThreshold, closedAt: closedAt)
                    try ScoreStateStore.remember(scope: "team/" + period, fingerprint: print, runID: context.runID, database: database)
                }
                FaultPoint.reached("score.team_period")
                recomputed += 1
            }
            phase("team scores")
        } else if !pulseSaid {
            context.logger.warning("score: no survey source with respondent: employee; team scores and linkage need one")
        }

        // Customer advocacy segments per period (small: always recomputed).
        if let relationship {
            counts.rowsWritten += try database.transaction {
                try CustomerScores.write(database: database, instrument: relationship, period: periodKind)
            }
        }

        // Behavioural ambassadorship per agent and ticket period.
        let ticketPeriods = try AgentScoreStore.ticketPeriods(kind: periodKind, database: database)
        for period in ticketPeriods {
            try Interruption.checkpoint()
            let bounds = ScorePeriod.bounds(of: period)
            let print = fingerprint(try ScoreStateStore.ticketPeriodSummary(from: bounds.from, to: bounds.to, database: database), settings: settings)
            fingerprints.append(print)
            if try ScoreStateStore.isCurrent(scope: "agent/" + period, fingerprint: print, database: database) { unchanged += 1; continue }
            try database.transaction {
                counts.rowsWritten += try writeAgentPeriod(database: database, period: period, bounds: bounds, k: config.score.shrinkagePseudoTickets)
                try ScoreStateStore.remember(scope: "agent/" + period, fingerprint: print, runID: context.runID, database: database)
            }
            FaultPoint.reached("score.period")
            recomputed += 1
        }
        counts.filesDone = recomputed
        counts.filesSkipped = unchanged
        phase("agent scores")

        // The linkage, refitted when anything it reads changed.
        let linkagePrint = hex(SHA256.hash(data: Data((fingerprints + [settings]).joined(separator: "\n").utf8)))
        let hasEstimates = try LinkageStore.hasEstimates(database: database)
        if try ScoreStateStore.isCurrent(scope: "linkage", fingerprint: linkagePrint, database: database), hasEstimates, config.score.exportDesigns == nil {
            context.logger.info("score: inputs unchanged since the last fit; linkage kept")
        } else {
            try database.transaction {
                counts.rowsWritten += try Linkage.run(database: database, config: config.score, progress: context.progress) { context.logger.info("score: \($0)") }
                try ScoreStateStore.remember(scope: "linkage", fingerprint: linkagePrint, runID: context.runID, database: database)
            }
            FaultPoint.reached("score.linkage")
            phase("linkage")
        }
        context.logger.info("score: \(outcomes) ticket outcomes; \(recomputed) period(s) recomputed, \(unchanged) unchanged")
        return [counts]
    }

    /// Rewrites `score_agent_period` for one period.
    static func writeAgentPeriod(database: any WarehouseConnection, period: String, bounds: (from: String, to: String), k: Double) throws -> Int {
        let agents = try AgentBehaviour.measure(database: database, from: bounds.from, to: bounds.to, k: k)
        var teamTotals: [String: (tickets: Double, owned: Double, transferred: Double)] = [:]
        for agent in agents {
            var total = teamTotals[agent.team] ?? (0, 0, 0)
            total.tickets += Double(agent.tickets)
            total.owned += agent.ownRaw * Double(agent.tickets)
            total.transferred += agent.xferRaw * Double(agent.tickets)
            teamTotals[agent.team] = total
        }
        try AgentScoreStore.writePeriod(period, agents: agents.map { agent in
            let team = teamTotals[agent.team] ?? (1, 0, 0)
            return AgentScoreStore.AgentPeriod(
                employee: agent.employee, team: agent.team, tickets: agent.tickets, resolved: agent.resolved, ownRate: agent.ownRaw,
                transferRate: agent.xferRaw, ownShrunk: agent.own, transferShrunk: agent.xfer, teamOwnRate: team.owned / team.tickets,
                teamTransferRate: team.transferred / team.tickets, followupRate: agent.followup, cxEmp: agent.cxEmp,
                cxResponses: agent.cxResponses, behaviourZ: agent.z, behaviourIndex: agent.percentile)
        }, database: database)
        return agents.count
    }

    /// A digest of one summary row and the settings: a scope's input fingerprint.
    static func fingerprint(_ summary: String, settings: String = "") -> String {
        hex(SHA256.hash(data: Data((summary + "#" + settings).utf8)))
    }
}
