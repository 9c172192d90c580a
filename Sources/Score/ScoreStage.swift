import AmbassadorCore
import Logging
import Warehouse

/// The score stage. This first slice computes the behavioural components that need only
/// tickets (SCORING.md §1b): OWN and XFER per agent and period, shrunk toward the team
/// mean with the configured pseudo-tickets. One transaction per period.
package enum ScoreStage {
    package static let name = "score"

    package static func run(database: Database, context: StageContext) throws -> [StageCounts] {
        var counts = StageCounts(source: "score_agent_period")
        let periodExpression = periodSQL(context.config.score.period)
        let periods = try database.query(
            "SELECT DISTINCT \(periodExpression) FROM fact_ticket WHERE created_at IS NOT NULL ORDER BY 1") { $0.text(0) ?? "" }
        let k = context.config.score.shrinkagePseudoTickets
        for period in periods {
            let written = try database.transaction { () throws -> Int in
                try database.run("DELETE FROM score_agent_period WHERE period = ?", [.text(period)])
                let rows = try database.run("""
                    WITH t AS (
                        SELECT first_assignee_employee_id AS employee_id, team_id,
                               resolved_at IS NOT NULL AS resolved,
                               (resolved_at IS NOT NULL AND resolver_employee_id = first_assignee_employee_id
                                AND coalesce(reassignments, 0) = 0) AS owned,
                               (coalesce(reassignments, 0) > 0
                                AND coalesce(resolver_employee_id, '') <> first_assignee_employee_id) AS transferred
                        FROM fact_ticket
                        WHERE \(periodExpression) = ? AND first_assignee_employee_id IS NOT NULL AND team_id IS NOT NULL
                    ),
                    agent AS (
                        SELECT employee_id, team_id, count(*) AS n, sum(resolved) AS resolved,
                               sum(owned) AS owned, sum(transferred) AS transferred
                        FROM t GROUP BY employee_id, team_id
                    ),
                    team AS (
                        SELECT team_id, 1.0 * sum(owned) / count(*) AS own_rate, 1.0 * sum(transferred) / count(*) AS xfer_rate
                        FROM t GROUP BY team_id
                    )
                    INSERT INTO score_agent_period (period, employee_id, team_id, tickets, resolved, own_rate, xfer_rate,
                                                    own_shrunk, xfer_shrunk, team_own_rate, team_xfer_rate)
                    SELECT ?, a.employee_id, a.team_id, a.n, a.resolved,
                           1.0 * a.owned / a.n, 1.0 * a.transferred / a.n,
                           (a.owned + ? * tm.own_rate) / (a.n + ?), (a.transferred + ? * tm.xfer_rate) / (a.n + ?),
                           tm.own_rate, tm.xfer_rate
                    FROM agent a JOIN team tm ON tm.team_id = a.team_id
                    ORDER BY a.employee_id
                    """, [.text(period), .text(period), .real(k), .real(k), .real(k), .real(k)])
                FaultPoint.reached("score.period")
                return rows
            }
            counts.rowsWritten += written
            counts.filesDone += 1
        }
        counts.rowsRead = try database.count("SELECT count(*) FROM fact_ticket")
        context.logger.info("score: \(counts.rowsWritten) agent-period rows over \(periods.count) period(s)")
        return [counts]
    }

    /// SQL giving a ticket's period key from `created_at` (`YYYY-MM` or `YYYY-Qn`).
    static func periodSQL(_ period: String) -> String {
        if period == "quarter" {
            return "(substr(created_at, 1, 4) || '-Q' || ((CAST(substr(created_at, 6, 2) AS INTEGER) + 2) / 3))"
        }
        return "substr(created_at, 1, 7)"
    }
}
