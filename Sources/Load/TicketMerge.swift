import Warehouse

/// Merges staged tickets into `fact_ticket` and attributes them to employees and teams.
enum TicketMerge {
    /// Upserts the tickets of one file; a row replaces the stored one only when its
    /// `updated_at` is not older, so the same data loaded twice changes nothing.
    static func merge(fileID: Int64, database: Database) throws -> Int {
        try database.run("""
            INSERT INTO fact_ticket (ticket_id, source, customer_id, created_at, updated_at, resolved_at, status, priority,
                                     channel, category, first_assignee_id, assignee_id, reassignments, reopens, escalated,
                                     _file_id, _record_no)
            SELECT ticket_id, source, customer_id, created_at, updated_at, resolved_at, status, priority, channel, category,
                   first_assignee_id, assignee_id, reassignments, reopens, escalated, file_id, record_no
            FROM (
                -- A ticket listed twice in one file: its latest updated_at (then its last line) wins.
                SELECT *, row_number() OVER (PARTITION BY ticket_id
                                             ORDER BY coalesce(updated_at, '') DESC, record_no DESC) AS version_rank
                FROM stg_ticket WHERE file_id = ?
            )
            WHERE version_rank = 1
            ON CONFLICT (ticket_id) DO UPDATE SET
                source = excluded.source, customer_id = excluded.customer_id, created_at = excluded.created_at,
                updated_at = excluded.updated_at, resolved_at = excluded.resolved_at, status = excluded.status,
                priority = excluded.priority, channel = excluded.channel, category = excluded.category,
                first_assignee_id = excluded.first_assignee_id, assignee_id = excluded.assignee_id,
                reassignments = excluded.reassignments, reopens = excluded.reopens, escalated = excluded.escalated,
                _file_id = excluded._file_id, _record_no = excluded._record_no
            WHERE coalesce(excluded.updated_at, '') >= coalesce(fact_ticket.updated_at, '')
            """, [.integer(fileID)])
    }

    /// Resolves first assignee and resolver to employees through `dim_agent_identity` (or
    /// the employee id itself), the team from the employee's version valid when the ticket
    /// was opened, and rebuilds `dim_customer`.
    static func attribute(database: Database) throws {
        try database.execute("""
            UPDATE fact_ticket SET
                first_assignee_employee_id = coalesce(
                    (SELECT employee_id FROM dim_agent_identity WHERE system = 'agent' AND external_id = fact_ticket.first_assignee_id),
                    (SELECT employee_id FROM dim_employee WHERE employee_id = fact_ticket.first_assignee_id LIMIT 1),
                    (SELECT employee_id FROM dim_agent_identity WHERE system = 'email' AND external_id = lower(fact_ticket.first_assignee_id))),
                resolver_employee_id = CASE WHEN resolved_at IS NULL THEN NULL ELSE coalesce(
                    (SELECT employee_id FROM dim_agent_identity WHERE system = 'agent' AND external_id = fact_ticket.assignee_id),
                    (SELECT employee_id FROM dim_employee WHERE employee_id = fact_ticket.assignee_id LIMIT 1),
                    (SELECT employee_id FROM dim_agent_identity WHERE system = 'email' AND external_id = lower(fact_ticket.assignee_id))) END;
            UPDATE fact_ticket SET team_id = (
                SELECT team_id FROM dim_employee e
                WHERE e.employee_id = fact_ticket.first_assignee_employee_id
                  AND e.valid_from <= substr(fact_ticket.created_at, 1, 10)
                  AND (e.valid_to IS NULL OR e.valid_to > substr(fact_ticket.created_at, 1, 10))
                ORDER BY e.valid_from DESC LIMIT 1);
            DELETE FROM dim_customer;
            INSERT INTO dim_customer (customer_id, first_ticket_at, tickets)
            SELECT customer_id, min(created_at), count(*) FROM fact_ticket WHERE customer_id IS NOT NULL GROUP BY customer_id;
            """)
    }
}
