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
        if try database.count("""
            SELECT (SELECT count(*) FROM fact_ticket) + (SELECT count(*) FROM fact_survey_response)
                 + (SELECT count(*) FROM fact_customer_event) + (SELECT count(*) FROM dim_employee)
            """) == 0 {
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
        counts.rowsRead = try database.count("SELECT count(*) FROM fact_ticket")
        var fingerprints = [try fingerprint(database, """
            SELECT count(*), \(total("repeat")), \(total("reopen")), \(total("escalate")), \(total("churn")), \(total("renew")),
                   \(total("referral")), \(total("csat", real: true)), \(total("cx_emp", real: true)) FROM fact_ticket_outcome
            """)]
        var recomputed = 0, unchanged = 0

        // Self-reported ambassadorship per team and pulse period.
        let pulsePeriod = config.score.period.sql(column: "r.submitted_at")
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
            let periods = try database.rows("""
                SELECT DISTINCT \(pulsePeriod) FROM fact_survey_response r WHERE r.source = ? AND r.submitted_at IS NOT NULL ORDER BY 1
                """, [.text(instrument.source)]) { $0.text(0) ?? "" }
            for period in periods {
                try Interruption.checkpoint()
                let print = try fingerprint(database, """
                    SELECT count(*), \(total("r._file_id")), \(total("r._record_no")), max(r.submitted_at), max(r.team_id)
                    FROM fact_survey_response r WHERE r.source = ? AND \(pulsePeriod) = ?
                    """, [.text(instrument.source), .text(period)], settings: settings)
                fingerprints.append(print)
                if try isCurrent(database, scope: "team/" + period, print) { unchanged += 1; continue }
                try database.transaction {
                    let respondents = try TeamScores.respondents(database: database, source: instrument.source, legs: instrument.legs,
                                                                 period: period, periodSQL: pulsePeriod)
                    let closedAt = try database.scalar("SELECT max(r.submitted_at) FROM fact_survey_response r WHERE r.source = ? AND \(pulsePeriod) = ?",
                                                       [.text(instrument.source), .text(period)]).stringValue
                    counts.rowsWritten += try TeamScores.write(database: database, period: period, respondents: respondents,
                                                               threshold: config.score.anonymityThreshold, closedAt: closedAt)
                    try remember(database, scope: "team/" + period, print, runID: context.runID)
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
                try CustomerScores.write(database: database, instrument: relationship, periodSQL: config.score.period.sql(column: "r.submitted_at"))
            }
        }

        // Behavioural ambassadorship per agent and ticket period.
        let ticketPeriod = config.score.period.sql(column: "created_at")
        let ticketPeriods = try database.rows("SELECT DISTINCT \(ticketPeriod) FROM fact_ticket ORDER BY 1") { $0.text(0) ?? "" }
        for period in ticketPeriods {
            try Interruption.checkpoint()
            let bounds = ScorePeriod.bounds(of: period)
            let print = try fingerprint(database, """
                SELECT count(*), \(total("_file_id")), \(total("_record_no")), min(attributed_version), max(attributed_version), max(updated_at),
                       (SELECT count(*) FROM ticket_rating r JOIN fact_ticket t ON t.ticket_id = r.ticket_id WHERE t.created_at >= ?1 AND t.created_at < ?2),
                       (SELECT count(*) FROM fact_ticket_event v JOIN fact_ticket t ON t.ticket_id = v.ticket_id WHERE t.created_at >= ?1 AND t.created_at < ?2)
                FROM fact_ticket WHERE created_at >= ?1 AND created_at < ?2
                """, [.text(bounds.from), .text(bounds.to)], settings: settings)
            fingerprints.append(print)
            if try isCurrent(database, scope: "agent/" + period, print) { unchanged += 1; continue }
            try database.transaction {
                counts.rowsWritten += try writeAgentPeriod(database: database, period: period, bounds: bounds, k: config.score.shrinkagePseudoTickets)
                try remember(database, scope: "agent/" + period, print, runID: context.runID)
            }
            FaultPoint.reached("score.period")
            recomputed += 1
        }
        counts.filesDone = recomputed
        counts.filesSkipped = unchanged
        phase("agent scores")

        // The linkage, refitted when anything it reads changed.
        let linkagePrint = hex(SHA256.hash(data: Data((fingerprints + [settings]).joined(separator: "\n").utf8)))
        let hasEstimates = try database.count("SELECT count(*) FROM linkage_estimate") > 0
        if try isCurrent(database, scope: "linkage", linkagePrint), hasEstimates, config.score.exportDesigns == nil {
            context.logger.info("score: inputs unchanged since the last fit; linkage kept")
        } else {
            try database.transaction {
                counts.rowsWritten += try Linkage.run(database: database, config: config.score, progress: context.progress) { context.logger.info("score: \($0)") }
                try remember(database, scope: "linkage", linkagePrint, runID: context.runID)
            }
            FaultPoint.reached("score.linkage")
            phase("linkage")
        }
        context.logger.info("score: \(outcomes) ticket outcomes; \(recomputed) period(s) recomputed, \(unchanged) unchanged")
        return [counts]
    }

    /// Rewrites `score_agent_period` for one period.
    static func writeAgentPeriod(database: any WarehouseConnection, period: String, bounds: (from: String, to: String), k: Double) throws -> Int {
        try database.run("DELETE FROM score_agent_period WHERE period = ?", [.text(period)])
        let agents = try AgentBehaviour.measure(database: database, from: bounds.from, to: bounds.to, k: k)
        var teamTotals: [String: (tickets: Double, owned: Double, transferred: Double)] = [:]
        for agent in agents {
            var total = teamTotals[agent.team] ?? (0, 0, 0)
            total.tickets += Double(agent.tickets)
            total.owned += agent.ownRaw * Double(agent.tickets)
            total.transferred += agent.xferRaw * Double(agent.tickets)
            teamTotals[agent.team] = total
        }
        let insert = """
            INSERT INTO score_agent_period (period, employee_id, team_id, tickets, resolved, own_rate, xfer_rate, own_shrunk, xfer_shrunk,
                team_own_rate, team_xfer_rate, followup_rate, cx_emp, cx_responses, behaviour_z, behaviour_index)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        for agent in agents {
            let team = teamTotals[agent.team] ?? (1, 0, 0)
            try database.run(insert, [
                .text(period), .text(agent.employee), .text(agent.team), .integer(Int64(agent.tickets)), .integer(Int64(agent.resolved)),
                SQLValue(agent.ownRaw), SQLValue(agent.xferRaw), SQLValue(agent.own), SQLValue(agent.xfer),
                SQLValue(team.owned / team.tickets), SQLValue(team.transferred / team.tickets), SQLValue(agent.followup),
                SQLValue(agent.cxEmp), .integer(Int64(agent.cxResponses)), SQLValue(agent.z), SQLValue(agent.percentile),
            ])
        }
        return agents.count
    }

    /// SQL summing `expression` over the rows exactly, 0 when there are none (SQLite's
    /// `total`, which PostgreSQL lacks, sums floats). Exact so that the same rows give the
    /// same fingerprint in any order — PostgreSQL may aggregate in parallel, and a float sum
    /// that moved in its last bit would refit the linkage every night. `real`: a rating
    /// average, summed in millionths. (Version keys, which would overflow a sum, are
    /// fingerprinted by their min and max.) A fingerprint compares runs on one engine only.
    static func total(_ expression: String, real: Bool = false) -> String {
        real ? "coalesce(sum(CAST(round(\(expression) * 1000000) AS BIGINT)), 0)" : "coalesce(sum(\(expression)), 0)"
    }

    /// A digest of one query's single row (plus the settings): the period's input fingerprint.
    static func fingerprint(_ database: any WarehouseConnection, _ sql: String, _ values: [SQLValue] = [], settings: String = "") throws -> String {
        let row = try database.rows(sql, values) { row in
            (0..<row.columnCount).map { row.value($0).description }.joined(separator: "|")
        }.first ?? ""
        return hex(SHA256.hash(data: Data((row + "#" + settings).utf8)))
    }

    static func isCurrent(_ database: any WarehouseConnection, scope: String, _ fingerprint: String) throws -> Bool {
        try database.scalar("SELECT input_hash FROM score_state WHERE scope = ?", [.text(scope)]).stringValue == fingerprint
    }

    static func remember(_ database: any WarehouseConnection, scope: String, _ fingerprint: String, runID: Int64) throws {
        try database.run("""
            INSERT INTO score_state (scope, input_hash, scored_run_id) VALUES (?, ?, ?)
            ON CONFLICT (scope) DO UPDATE SET input_hash = excluded.input_hash, scored_run_id = excluded.scored_run_id
            """, [.text(scope), .text(fingerprint), .integer(runID)])
    }
}
