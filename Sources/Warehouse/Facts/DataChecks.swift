import AmbassadorCore

/// The data checks run after every load and recorded in `etl_check`.
package enum DataChecks {
    package struct Result: Equatable {
        package let name: String
        package let table: String
        package let severity: String
        package let failingRows: Int
        package let sampleKeys: String
    }

    package struct Check {
        package let name: String
        package let table: String
        package let severity: String
        /// A query returning one key per failing row.
        package let failingKeys: String
        /// For a check that is a condition on the rows of `table` alone: the condition, so
        /// that every such check of a table is counted in one scan of it (three scans of
        /// `fact_ticket` were 0.4 s of a 1 M-ticket load); `failingKeys` then gives the sample.
        package let rowCondition: String?
        /// The same keys as `failingKeys`, asked in a form SQLite answers faster (it probes in
        /// a nested loop where PostgreSQL plans a hash or merge join), when there is one.
        package let onSQLite: String?

        init(name: String, table: String, severity: String, failingKeys: String, onSQLite: String? = nil) {
            (self.name, self.table, self.severity, self.failingKeys, rowCondition) = (name, table, severity, failingKeys, nil)
            self.onSQLite = onSQLite
        }

        /// A check failing the rows of `table` where `condition` holds, sampled by `key`.
        init(name: String, table: String, severity: String, key: String, condition: String) {
            (self.name, self.table, self.severity, rowCondition) = (name, table, severity, condition)
            failingKeys = "SELECT \(key) FROM \(table) WHERE \(condition)"
            onSQLite = nil
        }

        /// The query giving one key per failing row on `engine`.
        func keys(on engine: WarehouseEngine) -> String {
            engine == .sqlite ? onSQLite ?? failingKeys : failingKeys
        }
    }

    /// The checks recorded for `run` — for the latest run that recorded any when nil — in
    /// the order they ran.
    package static func recorded(run: Int64?, database: any WarehouseConnection) throws -> [Result] {
        let which = run == nil ? "(SELECT max(run_id) FROM etl_check)" : "?"
        return try database.rows("""
            SELECT name, table_name, severity, failing_rows, coalesce(sample_keys, '') FROM etl_check WHERE run_id = \(which) ORDER BY check_id
            """, run.map { [.integer($0)] } ?? []) {
            Result(name: $0.text(0) ?? "", table: $0.text(1) ?? "", severity: $0.text(2) ?? "", failingRows: $0.int(3), sampleKeys: $0.text(4) ?? "")
        }
    }

    /// How many checks every load runs.
    package static var count: Int { checks.count }

    package static let checks: [Check] = [
        Check(name: "scd2_no_overlap", table: "dim_employee", severity: "error", failingKeys: """
            SELECT a.employee_id || '@' || a.valid_from FROM dim_employee a JOIN dim_employee b
              ON a.employee_id = b.employee_id AND a.employee_key < b.employee_key
             AND a.valid_from < coalesce(b.valid_to, '9999-12-31') AND b.valid_from < coalesce(a.valid_to, '9999-12-31')
            """),
        Check(name: "one_current_version", table: "dim_employee", severity: "error", failingKeys: """
            SELECT employee_id FROM dim_employee GROUP BY employee_id HAVING sum(is_current) <> 1
            """),
        Check(name: "created_at_not_null", table: "fact_ticket", severity: "error", key: "ticket_id",
              condition: "created_at IS NULL"),
        Check(name: "resolved_after_created", table: "fact_ticket", severity: "warning", key: "ticket_id",
              condition: "resolved_at IS NOT NULL AND resolved_at < created_at"),
        Check(name: "first_assignee_resolves_to_employee", table: "fact_ticket", severity: "warning", key: "ticket_id",
              condition: "first_assignee_id IS NOT NULL AND first_assignee_employee_id IS NULL"),
        Check(name: "ticket_team_known_at_open", table: "fact_ticket", severity: "warning", key: "ticket_id",
              condition: "first_assignee_employee_id IS NOT NULL AND team_id IS NULL"),
        Check(name: "employee_status_accepted", table: "dim_employee", severity: "warning", failingKeys: """
            SELECT employee_id || '@' || valid_from FROM dim_employee WHERE status NOT IN (\(EmployeeStatus.allCases.sqlList))
            """),
        Check(name: "valid_from_before_valid_to", table: "dim_employee", severity: "error", failingKeys: """
            SELECT employee_id || '@' || valid_from FROM dim_employee WHERE valid_to IS NOT NULL AND valid_to <= valid_from
            """),
        // SQLite probes `fact_ticket` once per response: in the responses' order each probe
        // lands on a page of its own (at 10 M tickets 11.9 s, most of it reading pages);
        // in ticket order consecutive probes share pages (2.6 s, the sort included).
        // PostgreSQL plans the anti-join itself.
        Check(name: "survey_ticket_resolves", table: "fact_survey_response", severity: "warning", failingKeys: """
            SELECT r.source || ':' || r.response_id FROM fact_survey_response r
            WHERE r.ticket_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fact_ticket t WHERE t.ticket_id = r.ticket_id)
            """, onSQLite: """
            SELECT o.source || ':' || o.response_id
            FROM (SELECT source, response_id, ticket_id FROM fact_survey_response WHERE ticket_id IS NOT NULL ORDER BY ticket_id) AS o
            WHERE NOT EXISTS (SELECT 1 FROM fact_ticket t WHERE t.ticket_id = o.ticket_id)
            """),
        Check(name: "pulse_response_anonymous", table: "fact_survey_response", severity: "error", failingKeys: """
            SELECT source || ':' || response_id FROM fact_survey_response
            WHERE respondent_kind = 'employee' AND (respondent_id IS NOT NULL OR ticket_id IS NOT NULL)
            """),
        // SQLite looks a response up once per answer (4.4 answers a response in the generated
        // surveys): grouped, once per response that has answers, and the answers of a response
        // found missing read by their key — 6.1 → 3.3 s at 10 M tickets. PostgreSQL's own
        // anti-join is quicker than the grouped form there (1.0 s against 3.4 s at 1 M).
        Check(name: "answer_has_response", table: "fact_survey_answer", severity: "error", failingKeys: """
            SELECT a.source || ':' || a.response_id || ':' || a.item FROM fact_survey_answer a
            LEFT JOIN fact_survey_response r ON r.source = a.source AND r.response_id = a.response_id WHERE r.response_id IS NULL
            """, onSQLite: """
            SELECT a.source || ':' || a.response_id || ':' || a.item FROM fact_survey_answer a
            WHERE (a.source, a.response_id) IN (
                SELECT g.source, g.response_id FROM (SELECT source, response_id FROM fact_survey_answer GROUP BY source, response_id) AS g
                WHERE NOT EXISTS (SELECT 1 FROM fact_survey_response r WHERE r.source = g.source AND r.response_id = g.response_id))
            """),
        Check(name: "customer_event_accepted", table: "fact_customer_event", severity: "warning", failingKeys: """
            SELECT customer_id || ':' || event || ':' || occurred_at FROM fact_customer_event
            WHERE event NOT IN (\(CustomerEvent.allCases.filter { $0 != .other }.sqlList))
            """),
    ]

    /// The freshness check of one source (dbt's source freshness): how many days before
    /// `runDate` its newest loaded partition lies — for a file without a partition date (a
    /// source with `partition: none` or `column`), the run date of the run that first
    /// extracted it. Stale past `errorAfterDays` fails at error severity, past `warnAfterDays`
    /// at warning; a source with nothing loaded is stale.
    package static func freshness(database: any WarehouseConnection, source: String, rule: Freshness, runDate: CivilDate) throws -> Result {
        let newest = try database.scalar("""
            SELECT max(coalesce(substr(f.partition_date, 1, 10), r.run_date)) FROM etl_source_file f
            LEFT JOIN etl_run r ON r.run_id = f.run_id WHERE f.source = ? AND f.status = \(Manifest.FileState.loaded.sql)
            """, [.text(source)]).stringValue
        let limits = [rule.warnAfterDays.map { "warn after \($0)" }, rule.errorAfterDays.map { "error after \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        // Nothing loaded is as stale as it gets.
        let date = newest.flatMap { CivilDate(iso: $0) }
        let age = date.map { runDate.daysSinceEpoch - $0.daysSinceEpoch } ?? Int.max
        let error = rule.errorAfterDays.map { age > $0 } ?? false
        let stale = error || (rule.warnAfterDays.map { age > $0 } ?? false)
        let note = date == nil ? "\(source): no file loaded yet (\(limits) days)"
            : "\(source): newest partition \(newest ?? "") is \(age) days before the run date \(runDate) (\(limits) days)"
        let severity = error || (!stale && rule.errorAfterDays != nil) ? "error" : "warning"
        return Result(name: "freshness_" + source, table: "etl_source_file", severity: severity, failingRows: stale ? 1 : 0,
                      sampleKeys: stale ? note : "")
    }

    /// Runs every check (and the freshness of each source that sets one), records the
    /// results for `runID`, and returns them.
    package static func run(database: any WarehouseConnection, runID: Int64, runDate: CivilDate,
                            freshness: [(source: String, rule: Freshness)] = []) throws -> [Result] {
        var results = try freshness.map { try self.freshness(database: database, source: $0.source, rule: $0.rule, runDate: runDate) }
        // The row conditions of each table, counted together in one scan.
        var counted: [String: Int] = [:]
        for table in Set(checks.compactMap { $0.rowCondition == nil ? nil : $0.table }).sorted() {
            let scanned = checks.filter { $0.table == table && $0.rowCondition != nil }
            let sums = scanned.compactMap(\.rowCondition).map { "coalesce(sum(CASE WHEN \($0) THEN 1 ELSE 0 END), 0)" }
            let counts = try database.rows("SELECT \(sums.joined(separator: ", ")) FROM \(table)", []) { row in
                scanned.indices.map { row.int(Int32($0)) }
            }.first ?? []
            for (check, count) in zip(scanned, counts) { counted[check.name] = count }
        }
        for check in checks {
            let keys = check.keys(on: database.engine)
            let failing = try counted[check.name] ?? database.count("SELECT count(*) FROM (\(keys)) AS failing")
            let sample = failing == 0 ? "" : try database.rows("SELECT * FROM (\(keys)) AS failing ORDER BY 1 LIMIT 5", []) {
                $0.text(0) ?? ""
            }.joined(separator: ", ")
            results.append(Result(name: check.name, table: check.table, severity: check.severity, failingRows: failing, sampleKeys: sample))
        }
        try database.transaction {
            for result in results {
                try database.run("""
                    INSERT INTO etl_check (run_id, name, table_name, severity, failing_rows, sample_keys, checked_at)
                    VALUES (?, ?, ?, ?, ?, ?, (SELECT started_at FROM etl_run WHERE run_id = ?))
                    """, [.integer(runID), .text(result.name), .text(result.table), .text(result.severity),
                                    .integer(Int64(result.failingRows)), .text(result.sampleKeys), .integer(runID)])
            }
        }
        return results
    }
}
