import AmbassadorCore

/// What the score stage remembers between runs (`score_state`: one input fingerprint per
/// scope — a team period, an agent period, the linkage) and the summaries it fingerprints.
/// The stage hashes the rows these return; it names no table and writes no SQL.
package enum ScoreStateStore {
    /// True when nothing at all was loaded: no ticket, survey response, customer event or
    /// employee (the stage then says so instead of scoring nothing).
    package static func warehouseIsEmpty(database: any WarehouseConnection) throws -> Bool {
        try database.count("""
            SELECT (SELECT count(*) FROM fact_ticket) + (SELECT count(*) FROM fact_survey_response)
                 + (SELECT count(*) FROM fact_customer_event) + (SELECT count(*) FROM dim_employee)
            """) == 0
    }

    /// Tickets in the warehouse (what the stage read).
    package static func ticketCount(database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT count(*) FROM fact_ticket")
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

    /// One summary row, its values as text joined by `|`.
    private static func summary(_ database: any WarehouseConnection, _ sql: String, _ values: [SQLValue] = []) throws -> String {
        try database.rows(sql, values) { row in
            (0..<row.columnCount).map { row.value($0).description }.joined(separator: "|")
        }.first ?? ""
    }

    /// The outcome table's summary: its rows and each outcome's count of events.
    package static func outcomeSummary(database: any WarehouseConnection) throws -> String {
        try summary(database, """
            SELECT count(*), \(total("repeat")), \(total("reopen")), \(total("escalate")), \(total("churn")), \(total("renew")),
                   \(total("referral")), \(total("csat", real: true)), \(total("cx_emp", real: true)) FROM fact_ticket_outcome
            """)
    }

    /// One pulse period's summary: its responses, their lineage, the latest answer and team.
    package static func pulsePeriodSummary(source: String, period: String, kind: ScorePeriod, database: any WarehouseConnection) throws -> String {
        let key = kind.sql(column: "r.submitted_at")
        return try summary(database, """
            SELECT count(*), \(total("r._file_id")), \(total("r._record_no")), max(r.submitted_at), max(r.team_id)
            FROM fact_survey_response r WHERE r.source = ? AND \(key) = ?
            """, [.text(source), .text(period)])
    }

    /// One ticket period's summary: its tickets, their lineage and attribution, and the
    /// ratings and log events of those tickets.
    package static func ticketPeriodSummary(from: String, to: String, database: any WarehouseConnection) throws -> String {
        try summary(database, """
            SELECT count(*), \(total("_file_id")), \(total("_record_no")), min(attributed_version), max(attributed_version), max(updated_at),
                   (SELECT count(*) FROM ticket_rating r JOIN fact_ticket t ON t.ticket_id = r.ticket_id WHERE t.created_at >= ?1 AND t.created_at < ?2),
                   (SELECT count(*) FROM fact_ticket_event v JOIN fact_ticket t ON t.ticket_id = v.ticket_id WHERE t.created_at >= ?1 AND t.created_at < ?2)
            FROM fact_ticket WHERE created_at >= ?1 AND created_at < ?2
            """, [.text(from), .text(to)])
    }

    /// True when `scope` was last scored from inputs with this fingerprint.
    package static func isCurrent(scope: String, fingerprint: String, database: any WarehouseConnection) throws -> Bool {
        try database.scalar("SELECT input_hash FROM score_state WHERE scope = ?", [.text(scope)]).stringValue == fingerprint
    }

    /// Records that `scope` is scored from inputs with this fingerprint (in the caller's
    /// transaction, the one that wrote the scores).
    package static func remember(scope: String, fingerprint: String, runID: Int64, database: any WarehouseConnection) throws {
        try database.run("""
            INSERT INTO score_state (scope, input_hash, scored_run_id) VALUES (?, ?, ?)
            ON CONFLICT (scope) DO UPDATE SET input_hash = excluded.input_hash, scored_run_id = excluded.scored_run_id
            """, [.text(scope), .text(fingerprint), .integer(runID)])
    }
}
