import AmbassadorCore

/// What `ambassador trace` reads to say where a row came from: the stored row itself, the
/// file and run behind it, the other files holding its key, what was quarantined under it,
/// how load attributed it, and for a linkage estimate the waves and run that produced it.
/// Read-only; every statement on these tables that `trace` needs is here.
package enum Lineage {
    /// The one row of `table` whose columns `matching` have the given text values, as
    /// `(column, value)` in the table's column order; nil when there is none.
    package static func storedRow(of table: String, matching: [(column: String, value: String)],
                                  database: any WarehouseConnection) throws -> [(column: String, value: SQLValue)]? {
        let columns = try database.columnInfo(of: table).map(\.name)
        let condition = matching.map { "\(database.quoted($0.column)) = ?" }.joined(separator: " AND ")
        let rows = try database.rows("""
            SELECT \(columns.map { database.quoted($0) }.joined(separator: ", ")) FROM \(database.quoted(table)) WHERE \(condition)
            """, matching.map { .text($0.value) }) { row in (0..<columns.count).map { row.value(Int32($0)) } }
        return rows.first.map { Array(zip(columns, $0)).map { (column: $0.0, value: $0.1) } }
    }

    /// A registered file with the run that registered it.
    package struct Registration: Sendable {
        package var source: String, path: String, sha256: String
        package var size: Int64
        package var partition: String?
        package var state: String
        package var records: Int, rejected: Int
        package var runID: Int64
        package var command: String, runDate: String, startedAt: String
    }

    /// File `id` as the manifest holds it, with its registering run; nil when not there.
    package static func registration(of id: Int64, database: any WarehouseConnection) throws -> Registration? {
        try database.rows("""
            SELECT f.source, f.path, f.sha256, f.size, f.partition_date, f.status, coalesce(f.records, 0), coalesce(f.rejected, 0),
                   f.run_id, coalesce(r.command, ''), coalesce(r.run_date, ''), coalesce(r.started_at, '')
            FROM etl_source_file f LEFT JOIN etl_run r ON r.run_id = f.run_id WHERE f.file_id = ?
            """, [.integer(id)]) { row in
            Registration(source: row.text(0) ?? "", path: row.text(1) ?? "", sha256: row.text(2) ?? "", size: row.int64(3), partition: row.text(4),
                         state: row.text(5) ?? "", records: row.int(6), rejected: row.int(7), runID: row.int64(8), command: row.text(9) ?? "",
                         runDate: row.text(10) ?? "", startedAt: row.text(11) ?? "")
        }.first
    }

    /// The loaded files that hold ticket `id`, by file: `(file, path, state, records)` — those
    /// `etl_ticket_file` lists (a ticket held more than once) and the file of its fact row,
    /// which holds it once when that table does not list it.
    package static func filesHolding(ticket id: String, database: any WarehouseConnection) throws -> [(file: Int64, path: String, state: String, records: Int)] {
        try database.rows("""
            SELECT h.file_id, coalesce(f.path, '?'), coalesce(f.status, '?'), h.records
            FROM (SELECT file_id, records FROM etl_ticket_file WHERE ticket_id = ?1
                  UNION ALL
                  SELECT t._file_id, 1 FROM fact_ticket t WHERE t.ticket_id = ?1 AND NOT EXISTS (
                      SELECT 1 FROM etl_ticket_file e WHERE e.ticket_id = t.ticket_id AND e.file_id = t._file_id)) AS h
            LEFT JOIN etl_source_file f ON f.file_id = h.file_id ORDER BY h.file_id
            """, [.text(id)]) { ($0.int64(0), $0.text(1) ?? "", $0.text(2) ?? "", $0.int(3)) }
    }

    /// Rows quarantined with `value` as their `field`, in the order they were: `(stage, path, record, field, reason)`.
    package static func rejects(field: String, value: String, database: any WarehouseConnection)
        throws -> [(stage: String, path: String, record: Int, field: String, reason: String)] {
        try database.rows("""
            SELECT stage, coalesce(file_path, ''), record_no, coalesce(field, ''), reason FROM etl_reject
            WHERE field = ? AND raw_value = ? ORDER BY reject_id
            """, [.text(field), .text(value)]) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.int(2), $0.text(3) ?? "", $0.text(4) ?? "") }
    }

    /// The ticketing systems whose identity maps agent id `agent` (as given or lower-cased) to `employee`.
    package static func identitySystems(agent: String, employee: String, database: any WarehouseConnection) throws -> [String] {
        try database.rows("SELECT system FROM dim_agent_identity WHERE external_id IN (?, lower(?)) AND employee_id = ? ORDER BY 1",
                          [.text(agent), .text(agent), .text(employee)]) { $0.text(0) ?? "" }
    }

    /// The version of `employee` in force on `day` (`YYYY-MM-DD`): `(validFrom, validTo, team, path of the roster file)`.
    package static func employeeVersion(_ employee: String, on day: String, database: any WarehouseConnection)
        throws -> (validFrom: String, validTo: String?, team: String?, path: String?)? {
        try database.rows("""
            SELECT e.valid_from, e.valid_to, e.team_id, f.path
            FROM dim_employee e LEFT JOIN etl_source_file f ON f.file_id = e.source_file_id
            WHERE e.employee_id = ? AND e.valid_from <= ? AND (e.valid_to IS NULL OR e.valid_to > ?) ORDER BY e.valid_from DESC LIMIT 1
            """, [.text(employee), .text(day), .text(day)]) { ($0.text(0) ?? "", $0.text(1), $0.text(2), $0.text(3)) }.first
    }

    /// The run that last scored `scope` (`score_state`): nil when the scope was never scored;
    /// a run id of nil when the ledger does not name it.
    package static func scoredBy(scope: String, database: any WarehouseConnection)
        throws -> (runID: Int64?, command: String, runDate: String, startedAt: String)? {
        try database.rows("""
            SELECT s.scored_run_id, coalesce(r.command, ''), coalesce(r.run_date, ''), coalesce(r.started_at, '')
            FROM score_state s LEFT JOIN etl_run r ON r.run_id = s.scored_run_id WHERE s.scope = ?
            """, [.text(scope)]) { ($0.isNull(0) ? nil : $0.int64(0), $0.text(1) ?? "", $0.text(2) ?? "", $0.text(3) ?? "") }.first
    }

    /// Each pulse wave with a closing time: its teams, how many were suppressed, how many
    /// have an index, and its respondents; by closing time.
    package static func waves(database: any WarehouseConnection)
        throws -> [(period: String, closedAt: String, teams: Int, suppressed: Int, indexed: Int, respondents: Int)] {
        try database.rows("""
            SELECT period, wave_closed_at, count(*), sum(CASE WHEN suppressed = 1 THEN 1 ELSE 0 END),
                   sum(CASE WHEN suppressed = 0 AND ambassador_index IS NOT NULL THEN 1 ELSE 0 END), sum(respondents)
            FROM score_team_period WHERE wave_closed_at IS NOT NULL
            GROUP BY period, wave_closed_at ORDER BY wave_closed_at, period
            """, []) { ($0.text(0) ?? "", $0.text(1) ?? "", $0.int(2), $0.int(3), $0.int(4), $0.int(5)) }
    }

    /// The loaded files per source: how many, their first and last partition dates, their records.
    package static func loadedFiles(database: any WarehouseConnection)
        throws -> [(source: String, files: Int, firstPartition: String?, lastPartition: String?, records: Int64)] {
        try database.rows("""
            SELECT source, count(*), min(partition_date), max(partition_date), sum(coalesce(records, 0))
            FROM etl_source_file WHERE status = \(Manifest.FileState.loaded.sql) GROUP BY source ORDER BY source
            """, []) { ($0.text(0) ?? "", $0.int(1), $0.text(2), $0.text(3), $0.int64(4)) }
    }
}
