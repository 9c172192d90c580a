import AmbassadorCore

/// Merges staged tickets into `fact_ticket`, attributing each to employees and the team
/// valid when it opened (`dim_customer` is a view over the facts).
package enum TicketMerge {
    /// The staging table its merges read.
    package static let staging = "stg_ticket"
    /// Where normalize lists the agent ids of each staged file (`file_id`, `agent_id`).
    package static let agentTable = "stg_ticket_agent"
    /// The file metadata in which normalize keeps the lowest and highest ticket id of a file
    /// whose ids it saw distinct (`StagedTicketIDs`); see `checkHolders`.
    package static let distinctIDsLowest = "ticket_ids/distinct_lowest"
    package static let distinctIDsHighest = "ticket_ids/distinct_highest"
    /// How many rows that file staged (noted with the span).
    package static let distinctIDsRows = "ticket_ids/distinct_rows"

    /// The rows file `fileID` staged, as normalize noted them with its ids' span (nil for a
    /// file without the note): load's count of them was 0.03 s a 170 000-ticket file on
    /// PostgreSQL.
    package static func notedStagedRows(of fileID: Int64, database: any WarehouseConnection) throws -> Int? {
        try FileMetadata(database).value(fileID, distinctIDsRows).flatMap { Int($0) }
    }
    /// The canonical ticket fields holding an agent id, which load maps to employees.
    package static let agentFields: Set<String> = ["first_assignee_id", "assignee_id"]

    /// The employee a ticket-system id stands for: the crosswalk, the employee id itself, an
    /// e-mail address, or — for exports of display values, such as ServiceNow's `assigned_to`
    /// — the name of exactly one employee (`temp.employee_name`); `column` is the SQL
    /// expression holding the id.
    private static func employee(of column: String, _ engine: WarehouseEngine) -> String {
        """
        coalesce(
            (SELECT employee_id FROM dim_agent_identity WHERE system = 'agent' AND external_id = \(column)),
            (SELECT employee_id FROM dim_employee WHERE employee_id = \(column) LIMIT 1),
            (SELECT employee_id FROM dim_agent_identity WHERE system = 'email' AND external_id = lower(\(column))),
            (SELECT employee_id FROM \(engine.temporary)employee_name WHERE name = lower(\(column))))
        """
    }

    /// Fills `temp.agent_employee` with the employee (or null) of every distinct agent id
    /// `ids` (an SQL query of one column) yields, and that employee's latest version in the
    /// history (`latest_from`, `latest_to`, `latest_team`; see `team(of:at:)`). A merge joins
    /// this map instead of running the look-ups per ticket and per column: a file of a
    /// million tickets names a few hundred agents, and the per-row look-ups were the larger
    /// part of the merge.
    package static func mapAgents(_ ids: String, _ arguments: [SQLValue] = [], database: any WarehouseConnection) throws {
        try startAgentMap(database: database)
        try addAgents(ids, arguments, database: database)
    }

    /// Creates (or empties) `temp.agent_employee` and fills `temp.employee_name` from the
    /// current history, for `addAgents`.
    package static func startAgentMap(database: any WarehouseConnection) throws {
        let (temporary, clustered, text) = (database.engine.temporary, database.engine.withoutRowID, database.engine.text)
        // Names two employees share resolve to no one rather than to the wrong one.
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS agent_employee (
                external_id \(text) PRIMARY KEY, employee_id \(text), latest_from \(text), latest_to \(text), latest_team \(text))\(clustered);
            DELETE FROM \(temporary)agent_employee;
            CREATE TEMP TABLE IF NOT EXISTS employee_name (name \(text) PRIMARY KEY, employee_id \(text) NOT NULL)\(clustered);
            DELETE FROM \(temporary)employee_name;
            INSERT INTO \(temporary)employee_name (name, employee_id)
            SELECT lower(trim(name)), min(employee_id) FROM dim_employee WHERE trim(coalesce(name, '')) <> ''
            GROUP BY lower(trim(name)) HAVING count(DISTINCT employee_id) = 1;
            """)
    }

    /// Adds to `temp.agent_employee` the agent ids `ids` yields that it does not hold yet,
    /// each with its employee and that employee's latest version.
    package static func addAgents(_ ids: String, _ arguments: [SQLValue] = [], database: any WarehouseConnection) throws {
        let temporary = database.engine.temporary
        try database.run("""
            INSERT INTO \(temporary)agent_employee (external_id, employee_id)
            SELECT id, \(employee(of: "id", database.engine)) FROM (\(ids)) AS ids WHERE id IS NOT NULL
            ON CONFLICT (external_id) DO NOTHING
            """, arguments)
        try database.run("""
            UPDATE \(temporary)agent_employee AS a SET (latest_from, latest_to, latest_team) =
                (SELECT e.valid_from, e.valid_to, e.team_id FROM dim_employee e
                 WHERE e.employee_id = a.employee_id ORDER BY e.valid_from DESC LIMIT 1)
            WHERE employee_id IS NOT NULL AND latest_from IS NULL
            """, [])
    }

    /// The team of `employee` on the day `timestamp` falls on (SCD2 history): the team of the
    /// latest version that began on or before that day and had not ended by it.
    ///
    /// `latest` names the columns holding the employee's latest version (from
    /// `temp.agent_employee`): when it covers the day it is that version — no other can begin
    /// later — and its team is taken without a look-up; only a ticket from before the
    /// employee's latest move (7.5% of the bench's tickets) looks the history up. The look-up
    /// per ticket was about 0.55 s of a 1 M-ticket load on SQLite.
    package static func team(of employee: String, at timestamp: String,
                             latest: (from: String, to: String, team: String)) -> String {
        let day = "substr(\(timestamp), 1, 10)"
        return """
            CASE WHEN \(latest.from) <= \(day) AND (\(latest.to) IS NULL OR \(latest.to) > \(day)) THEN \(latest.team)
            ELSE (SELECT team_id FROM dim_employee e
                  WHERE e.employee_id = \(employee)
                    AND e.valid_from <= \(day)
                    AND (e.valid_to IS NULL OR e.valid_to > \(day))
                  ORDER BY e.valid_from DESC LIMIT 1) END
            """
    }

    /// Takes back what superseded predecessors of `fileID` contributed: their fact rows
    /// are deleted and those tickets are merged again from the other live files (if any
    /// still has them), in the caller's transaction, before `fileID` itself is merged.
    /// Returns the tickets taken back.
    package static func retractPredecessors(of fileID: Int64, version: Int64, database: any WarehouseConnection) throws -> Int {
        guard let list = try Manifest(database).supersededList(by: fileID) else { return 0 }
        let temporary = database.engine.temporary
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS retracted_ticket (ticket_id \(database.engine.text) PRIMARY KEY)\(database.engine.withoutRowID);
            DELETE FROM \(temporary)retracted_ticket;
            INSERT INTO \(temporary)retracted_ticket SELECT ticket_id FROM fact_ticket WHERE _file_id IN (\(list));
            DELETE FROM fact_ticket WHERE _file_id IN (\(list));
            """)
        let taken = try database.count("SELECT count(*) FROM \(temporary)retracted_ticket")
        // Other loaded files that still hold these tickets give them back, oldest first, so
        // the upsert keeps the latest version as a normal load would.
        for other in try FactStore.loadedFiles(staging: staging, holding: ["ticket_id"], in: "SELECT ticket_id FROM \(temporary)retracted_ticket",
                                               database: database) {
            _ = try merge(fileID: other, version: version, database: database, onlyRetracted: true)
        }
        try database.execute("DELETE FROM \(temporary)retracted_ticket")
        return taken
    }

    /// Upserts the tickets of one file in line order; a row replaces the stored one when its
    /// `updated_at` is not older, so the latest version wins (ties: the later line), within
    /// a file and across files, and the same data loaded twice changes nothing; a ticket of
    /// another source is never replaced (see `checkHolders`). Attribution uses the
    /// current employee history (`version`).
    ///
    /// A `fresh` file (see `checkHolders`) is inserted on PostgreSQL without the upsert's
    /// conflict handling: no row can conflict, and the speculative insertion an `ON CONFLICT`
    /// makes cost about a quarter of the statement (0.17 of 0.69 s for a 170 000-ticket file).
    package static func merge(fileID: Int64, version: Int64, database: any WarehouseConnection, onlyRetracted: Bool = false,
                              fresh: Bool = false) throws -> Int {
        let temporary = database.engine.temporary
        let restriction = onlyRetracted ? "AND s.ticket_id IN (SELECT ticket_id FROM \(temporary)retracted_ticket)" : ""
        // The agents normalize listed for the file (a superset: an unresolved ticket's
        // assignee is mapped but not used); else — a file staged by an older version, or
        // tickets staged again to give back — those its staged rows name.
        let listed = try !onlyRetracted
            && database.count("SELECT count(*) FROM (SELECT 1 FROM stg_ticket_agent WHERE file_id = ? LIMIT 1) AS listed", [.integer(fileID)]) > 0
        try mapAgents(listed ? "SELECT agent_id AS id FROM stg_ticket_agent WHERE file_id = ?1" : """
            SELECT first_assignee_id AS id FROM stg_ticket s WHERE s.file_id = ?1 \(restriction)
            UNION SELECT assignee_id FROM stg_ticket s WHERE s.file_id = ?1 AND s.resolved_at IS NOT NULL \(restriction)
            """, [.integer(fileID)], database: database)
        // SQLite upserts the file's rows in record order: a ticket the file holds twice keeps
        // the row with the latest updated_at, the later record on a tie. PostgreSQL may not
        // update a row twice in one statement, so it takes that same row once.
        let once = database.engine == .postgresql
        let insert = factInsert(rows: "stg_ticket", version: "CAST(? AS BIGINT)", engine: database.engine, distinct: once, where: "WHERE s.file_id = ? \(restriction)",
                                order: once ? "ORDER BY s.ticket_id, coalesce(s.updated_at, '') DESC, s.record_no DESC" : "")
        let written = try database.run("""
            \(insert.sql)
            ORDER BY \(once ? "ticket_id" : "record_no")
            \(once && fresh && !onlyRetracted ? "" : """
            ON CONFLICT (ticket_id) DO UPDATE SET \(insert.updates)
            WHERE coalesce(excluded.updated_at, '') >= coalesce(fact_ticket.updated_at, '') AND fact_ticket.source = excluded.source
            """)
            """, [.integer(version), .integer(fileID)])
        return written
    }

    /// `INSERT INTO fact_ticket … SELECT … WHERE true` from staged rows `rows` (a table, as
    /// `s`), each attributed through `temp.agent_employee` with the employee history `version`
    /// (an SQL expression); `updates` sets every column but the key from `excluded`, for an
    /// upsert.
    private static func factInsert(rows: String, version: String, engine: WarehouseEngine, distinct: Bool = false, where filter: String = "",
                                   order: String = "") -> (sql: String, updates: String) {
        let (columns, values) = factColumns(
            staged: { $0 }, first: (employee: "first_employee", from: "first_from", to: "first_to", team: "first_team"),
            resolver: "resolver_employee", version: version, file: "file_id", record: "record_no")
        let updates = columns.filter { $0 != "ticket_id" }.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO fact_ticket (\(columns.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", "))
            FROM (SELECT \(distinct ? "DISTINCT ON (s.ticket_id)" : "") s.*, first.employee_id AS first_employee,
                         first.latest_from AS first_from, first.latest_to AS first_to, first.latest_team AS first_team,
                         CASE WHEN s.resolved_at IS NULL THEN NULL ELSE resolver.employee_id END AS resolver_employee
                  FROM \(rows) s
                  LEFT JOIN \(engine.temporary)agent_employee first ON first.external_id = s.first_assignee_id
                  LEFT JOIN \(engine.temporary)agent_employee resolver ON resolver.external_id = s.assignee_id
                  \(filter)
                  \(order)) AS staged
            WHERE true
            """
        return (sql, updates)
    }

    /// The columns of `fact_ticket` a merge writes and the SQL of each value: the canonical
    /// ticket's fields (`staged` gives each one's expression), then what load derives — the
    /// first assignee's employee (`first`: with its latest version) and team, the resolver,
    /// the history version and the lineage. One list for the merge and for the one-pass
    /// writer, so a field added to `CanonicalEntity.ticket` is written by both.
    private static func factColumns(staged: (String) -> String, first: (employee: String, from: String, to: String, team: String),
                                    resolver: String, version: String, file: String, record: String) -> (columns: [String], values: [String]) {
        let fields = CanonicalEntity.ticket.fields.map(\.column)
        let derived: [(column: String, value: String)] = [
            ("first_assignee_employee_id", first.employee), ("resolver_employee_id", resolver),
            ("team_id", team(of: first.employee, at: staged("created_at"), latest: (first.from, first.to, first.team))),
            ("attributed_version", version),
            ("_file_id", file), ("_record_no", record),
        ]
        return (["source"] + fields + derived.map(\.column), [staged("source")] + fields.map(staged) + derived.map(\.value))
    }

    /// The statement that writes one ticket row of a fresh file straight into `fact_ticket`
    /// (SQLite; `TicketFactWriter`). Parameter 1 is the file id, 2 the record number, 3 the
    /// source, 4 to 8 the first assignee's employee and latest version (from, to, team) and the
    /// assignee's employee, as `temp.agent_employee` maps them; then one per field of `fields`
    /// (canonical ticket columns, in that order; the others are NULL), then the employee
    /// history version. A row whose ticket is held already changes nothing: the file is then
    /// not fresh, and is merged the staged way.
    ///
    /// One row of `VALUES`: SQLite keeps a statement journal for an `INSERT … SELECT` (it may
    /// write many rows), a copy of every page each row changes, which made the pass three
    /// times slower than staging; and the agents are looked up by the writer (six look-ups a
    /// row in `temp.agent_employee` were the larger part of what was left).
    package static func directInsert(fields: [String]) -> String {
        func value(_ column: String) -> String {
            fields.firstIndex(of: column).map { "?\($0 + directFirstField)" } ?? "NULL"
        }
        let (columns, values) = factColumns(
            staged: { $0 == "source" ? "?3" : value($0) }, first: (employee: "?4", from: "?5", to: "?6", team: "?7"),
            resolver: "CASE WHEN \(value("resolved_at")) IS NULL THEN NULL ELSE ?8 END",
            version: "CAST(?\(fields.count + directFirstField) AS BIGINT)", file: "?1", record: "?2")
        return """
            INSERT INTO fact_ticket (\(columns.joined(separator: ", ")))
            VALUES (\(values.joined(separator: ", ")))
            ON CONFLICT (ticket_id) DO NOTHING
            """
    }

    /// The parameter of `directInsert`'s first field.
    package static let directFirstField = 9

    /// Before `fileID` is merged (after its predecessors are taken back), in the caller's
    /// transaction, from one grouped pass over its staged tickets with one look-up each in the
    /// facts (`temp.ticket_conflict`: its tickets held more than once, or held already):
    ///
    /// - quarantines (stage `load`) its tickets whose id a ticket of another source already
    ///   holds in `fact_ticket`: two ticketing systems whose ids overlap would otherwise
    ///   overwrite each other's tickets silently. The merge leaves those rows out; the reject
    ///   says which source holds the id and how to keep them apart;
    /// - notes in `etl_ticket_file` each of its tickets held more than once — the file has it
    ///   in several records, or a fact row of the same source already has it (from another
    ///   file, which is noted too) — with how many of this file's records hold it. A ticket
    ///   with no row there is held once, by the file its fact row names: most tickets, which
    ///   then cost no write (one row per ticket and file was 0.1 s of each 170 000-ticket file
    ///   on SQLite and about 0.7 s on PostgreSQL).
    ///
    /// Returns how many records were quarantined, and whether the file is `fresh`: none of its
    /// tickets is in `fact_ticket` (held by any file, itself included — a backfill merges a file
    /// over its own earlier rows) and none is in more than one of its records.
    ///
    /// A file whose ids normalize saw distinct needs no grouped pass when `fact_ticket` holds
    /// no id between its lowest and highest (byte order, the key's on both engines): one probe
    /// of the key shows it fresh — monthly exports of new tickets, most of a backfill. The
    /// pass was 0.10 s of each 170 000-ticket file on SQLite and 0.18 s on PostgreSQL.
    package static func checkHolders(fileID: Int64, runID: Int64, database: any WarehouseConnection) throws -> (quarantined: Int, fresh: Bool) {
        let metadata = FileMetadata(database)
        if let lowest = try metadata.value(fileID, distinctIDsLowest), let highest = try metadata.value(fileID, distinctIDsHighest),
           try database.count("SELECT count(*) FROM (SELECT 1 FROM fact_ticket WHERE ticket_id >= ? AND ticket_id <= ? LIMIT 1) AS held",
                              [.text(lowest), .text(highest)]) == 0 {
            return (0, true)
        }
        let (temporary, text) = (database.engine.temporary, database.engine.text)
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS ticket_conflict (
                ticket_id \(text) PRIMARY KEY, source \(text) NOT NULL, records BIGINT NOT NULL, holder BIGINT, holder_source \(text),
                holder_record BIGINT)\(database.engine.withoutRowID);
            DELETE FROM \(temporary)ticket_conflict;
            """)
        try database.run("""
            INSERT INTO \(temporary)ticket_conflict (ticket_id, source, records, holder, holder_source, holder_record)
            SELECT g.ticket_id, g.source, g.records, CASE WHEN f._file_id <> ?1 THEN f._file_id END,
                   CASE WHEN f._file_id <> ?1 THEN f.source END, CASE WHEN f._file_id <> ?1 THEN f._record_no END
            FROM (SELECT ticket_id, min(source) AS source, count(*) AS records FROM stg_ticket WHERE file_id = ?1
                  GROUP BY ticket_id) AS g
            LEFT JOIN fact_ticket f ON f.ticket_id = g.ticket_id
            WHERE g.records > 1 OR f._file_id IS NOT NULL
            """, [.integer(fileID)])
        let fresh = try database.count("SELECT count(*) FROM (SELECT 1 FROM \(temporary)ticket_conflict LIMIT 1) AS held") == 0
        var quarantined = 0
        if try database.count("SELECT count(*) FROM (SELECT 1 FROM \(temporary)ticket_conflict WHERE holder_source <> source LIMIT 1) AS other") > 0 {
            quarantined = try RejectLog.add(selected: """
                SELECT s.source, s.file_id, m.path, s.record_no, 'ticket_id', s.ticket_id,
                       'ticket id ' || s.ticket_id || ' is already in fact_ticket from source ''' || c.holder_source || ''' (' ||
                       coalesce(o.path, 'file ' || CAST(c.holder AS TEXT)) || ', record ' || CAST(c.holder_record AS TEXT) ||
                       '); expected ticket ids unique across ticket sources: give one of them a ticket_id_prefix (e.g. ''fd-'')'
                FROM stg_ticket s
                JOIN \(temporary)ticket_conflict c ON c.ticket_id = s.ticket_id AND c.holder_source <> s.source
                JOIN etl_source_file m ON m.file_id = s.file_id
                LEFT JOIN etl_source_file o ON o.file_id = c.holder
                WHERE s.file_id = ?2
                """, [.integer(fileID)], runID: runID, stage: .load, database: database)
        }
        // Each ticket held more than once gives this file's row (its record count) and, when
        // a fact row of the same source already has it, that row's file (which held it once,
        // else it is listed already and keeps its count).
        try database.run("""
            INSERT INTO etl_ticket_file (ticket_id, file_id, records)
            SELECT c.ticket_id, CASE WHEN w.own = 1 THEN ?1 ELSE c.holder END, CASE WHEN w.own = 1 THEN c.records ELSE 1 END
            FROM \(temporary)ticket_conflict c
            JOIN (SELECT 1 AS own UNION ALL SELECT 0) AS w ON w.own = 1 OR c.holder IS NOT NULL
            WHERE (c.holder_source IS NULL OR c.holder_source = c.source) AND (c.records > 1 OR c.holder IS NOT NULL)
            ON CONFLICT (ticket_id, file_id) DO UPDATE
            SET records = CASE WHEN excluded.file_id = ?1 THEN excluded.records ELSE etl_ticket_file.records END
            """, [.integer(fileID)])
        return (quarantined, fresh)
    }

    /// Whether a file of `files` (a source's files waiting for load, in merge order) keeps its
    /// staged rows once merged, until `dropLoadedStaging`: on SQLite, when a correction is
    /// merged after it — a ticket that correction takes back may be held by this file, which
    /// normalize could not give back (it was not loaded yet), so the retraction must find it
    /// staged; on PostgreSQL always, where deleting a file's rows (0.05–0.07 s a 170 000-ticket
    /// file) frees nothing before the truncation at the end. Otherwise SQLite deletes them at
    /// once (`forgetStaged`).
    package static func keepsStagedRows(until files: [Int64], database: any WarehouseConnection) throws -> (Int64) -> Bool {
        if database.engine == .postgresql { return { _ in true } }
        let manifest = Manifest(database)
        let lastCorrection = try files.filter { try !manifest.superseded(by: $0).isEmpty }.max()
        return { fileID in lastCorrection.map { fileID < $0 } ?? false }
    }

    /// Once `fileID` is merged, in the caller's transaction: deletes its staged rows — at
    /// once, so the next file's facts reuse their pages (deleting them all at the end of load
    /// left the file a staging table larger, and giving those pages back moved the facts:
    /// slower by 1.5 s at 1 M tickets). The archived file stays the canonical copy, which a
    /// correction reads again (TicketGiveBack).
    package static func forgetStaged(fileID: Int64, database: any WarehouseConnection) throws {
        try database.run("DELETE FROM stg_ticket WHERE file_id = ?", [.integer(fileID)])
        try database.run("DELETE FROM stg_ticket_agent WHERE file_id = ?", [.integer(fileID)])
    }

    /// Deletes what is left staged of loaded files — tickets normalize staged again to give
    /// them back to corrections — in the caller's transaction, once every correction of the
    /// run is merged: when no other file's rows wait, the whole table at once.
    package static func dropLoadedStaging(database: any WarehouseConnection) throws {
        // From the manifest's files not loaded, each probing the staged rows' key: the staged
        // rows of loaded files can be all of a load's tickets (PostgreSQL keeps them to here),
        // and a scan of them to find none waiting was 0.5 s at 1 M tickets.
        let waiting = try database.count("""
            SELECT count(*) FROM (SELECT 1 FROM etl_source_file f WHERE f.status <> \(Manifest.FileState.loaded.sql)
                                  AND EXISTS (SELECT 1 FROM stg_ticket s WHERE s.file_id = f.file_id) LIMIT 1) AS waiting
            """)
        if waiting == 0 {
            // PostgreSQL: TRUNCATE gives the table's pages back at once (its per-file deletes
            // left every staged row dead until autovacuum: 236 MB after the 1 M-ticket bench).
            // It is transactional there, and only a run touches staging.
            try database.execute(database.engine == .postgresql ? "TRUNCATE stg_ticket, stg_ticket_agent" : "DELETE FROM stg_ticket; DELETE FROM stg_ticket_agent")
        } else {
            for table in [staging, agentTable] {
                try database.run("DELETE FROM \(table) WHERE file_id IN (SELECT file_id FROM etl_source_file WHERE status = \(Manifest.FileState.loaded.sql))", [])
            }
        }
    }

    /// Re-attributes the tickets attributed with an older employee history, in the caller's
    /// transaction; returns how many. The version every ticket was attributed with when this
    /// last ran is kept (`etl_state`): merges attribute with the current version, so while it
    /// is the current one no ticket can be stale, and the facts are not scanned to find out (a
    /// scan of every ticket each load: 0.2–1.4 s at 1 M tickets, ten times that at 10 M).
    package static func reattribute(version: Int64, database: any WarehouseConnection) throws -> Int {
        let settled = "SELECT value FROM etl_state WHERE source = 'load' AND key = 'tickets_attributed_version'"
        guard try database.scalar(settled, []).stringValue != String(version) else { return 0 }
        let count = try attributeStale(version: version, database: database)
        try settle(version: version, database: database)
        return count
    }

    /// When the facts hold no ticket, in the caller's transaction (the one recording a new
    /// employee history): every ticket follows `version`, as the merges to come attribute
    /// with it — the first load of a warehouse needs no scan for stale tickets either.
    package static func settleIfNoTickets(version: Int64, database: any WarehouseConnection) throws {
        guard try database.count("SELECT count(*) FROM (SELECT 1 FROM fact_ticket LIMIT 1) AS any_ticket") == 0 else { return }
        try settle(version: version, database: database)
    }

    private static func settle(version: Int64, database: any WarehouseConnection) throws {
        try database.run("""
            INSERT INTO etl_state (source, key, value) VALUES ('load', 'tickets_attributed_version', ?)
            ON CONFLICT (source, key) DO UPDATE SET value = excluded.value
            """, [.text(String(version))])
    }

    /// Re-attributes the tickets whose version is not `version`.
    private static func attributeStale(version: Int64, database: any WarehouseConnection) throws -> Int {
        guard try database.count("SELECT count(*) FROM (SELECT 1 FROM fact_ticket WHERE attributed_version <> ? LIMIT 1) AS stale", [.integer(version)]) > 0 else {
            return 0
        }
        try mapAgents("""
            SELECT first_assignee_id AS id FROM fact_ticket WHERE attributed_version <> ?1
            UNION SELECT assignee_id FROM fact_ticket WHERE attributed_version <> ?1 AND resolved_at IS NOT NULL
            """, [.integer(version)], database: database)
        return try database.run("""
            UPDATE fact_ticket SET
                first_assignee_employee_id = r.first_employee,
                resolver_employee_id = r.resolver_employee,
                team_id = \(team(of: "r.first_employee", at: "fact_ticket.created_at", latest: ("r.first_from", "r.first_to", "r.first_team"))),
                attributed_version = ?
            FROM (SELECT t.ticket_id, first.employee_id AS first_employee,
                         first.latest_from AS first_from, first.latest_to AS first_to, first.latest_team AS first_team,
                         CASE WHEN t.resolved_at IS NULL THEN NULL ELSE resolver.employee_id END AS resolver_employee
                  FROM fact_ticket t
                  LEFT JOIN \(database.engine.temporary)agent_employee first ON first.external_id = t.first_assignee_id
                  LEFT JOIN \(database.engine.temporary)agent_employee resolver ON resolver.external_id = t.assignee_id
                  WHERE t.attributed_version <> ?) AS r
            WHERE fact_ticket.ticket_id = r.ticket_id
            """, [.integer(version), .integer(version)])
    }
}
