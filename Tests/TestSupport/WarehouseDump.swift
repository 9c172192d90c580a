import Warehouse

/// Sorted text dumps of warehouse tables, to compare two warehouses row for row.
public enum WarehouseDump {
    /// The dimension, fact and score tables: what must be identical between runs.
    public static let factTables = ["dim_employee", "dim_team", "dim_agent_identity", "dim_customer", "fact_ticket", "fact_ticket_event",
                                    "fact_customer_event", "fact_survey_response", "fact_survey_answer", "dim_survey_item",
                                    "fact_ticket_outcome", "score_team_period", "score_agent_period", "linkage_estimate",
                                    "linkage_segment_lift", "linkage_team", "linkage_predictive"]

    /// Surrogate keys: numbered in insertion order, so not part of a row's content.
    static let surrogateKeys: Set<String> = ["employee_key", "event_key"]

    /// Every row of `tables` (minus surrogate keys), sorted, one line per row.
    public static func dump(_ path: String, tables: [String] = factTables) throws -> [String: [String]] {
        let database = try Database(path: path, readOnly: true)
        var result: [String: [String]] = [:]
        for table in tables {
            let columns = try database.columns(of: table).filter { !surrogateKeys.contains($0) }
            let list = columns.map(Database.quote).joined(separator: ", ")
            result[table] = try database.query("SELECT \(list) FROM \(Database.quote(table))") { row in
                (0..<Int32(columns.count)).map { row.value($0).stringValue ?? "∅" }.joined(separator: "|")
            }.sorted()
        }
        return result
    }

    /// `PRAGMA integrity_check`'s answer.
    public static func integrity(_ path: String) throws -> String {
        try Database(path: path, readOnly: true).scalar("PRAGMA integrity_check").stringValue ?? ""
    }

    /// `SELECT count(*)` of one table.
    public static func count(_ path: String, _ table: String) throws -> Int {
        try Database(path: path, readOnly: true).count("SELECT count(*) FROM \(Database.quote(table))")
    }

    /// Every record a fact or a reject: for each loaded file, its staged rows that reached the
    /// facts plus its normalize rejects equal the records extract read; a failed file has
    /// nothing in the facts and says why (a reject, or no record at all). Returns what does not add up
    /// (empty when all is accounted for).
    public static func unaccountedRecords(_ warehouse: String) throws -> [String] {
        let database = try Database(path: warehouse, readOnly: true)
        // `records`: what extract read as records (stored in raw_<source> or not).
        let files = try database.query("SELECT file_id, source, path, status, coalesce(records, 0) FROM etl_source_file WHERE status IN ('loaded', 'failed')") {
            ($0.int64(0), $0.text(1) ?? "", $0.text(2) ?? "", $0.text(3) ?? "", $0.int(4))
        }
        if files.isEmpty { return ["no loaded or failed file at all"] }
        var problems: [String] = []
        for (id, _, path, status, raw) in files {
            let extractRejects = try database.count("SELECT count(*) FROM etl_reject WHERE file_id = ? AND stage = 'extract'", [.integer(id)])
            let normalizeRejects = try database.count("SELECT count(*) FROM etl_reject WHERE file_id = ? AND stage = 'normalize'", [.integer(id)])
            let inFacts = try database.count("""
                SELECT (SELECT coalesce(sum(records), 0) FROM etl_ticket_file WHERE file_id = ?1 AND ticket_id IN (SELECT ticket_id FROM fact_ticket))
                     + (SELECT count(*) FROM fact_ticket t WHERE t._file_id = ?1 AND NOT EXISTS (
                            SELECT 1 FROM etl_ticket_file e WHERE e.ticket_id = t.ticket_id AND e.file_id = t._file_id))
                     + (SELECT count(*) FROM stg_employee WHERE file_id = ?1 AND employee_id IN (SELECT employee_id FROM dim_employee))
                     + (SELECT count(*) FROM stg_survey_response s WHERE file_id = ?1 AND EXISTS (
                            SELECT 1 FROM fact_survey_response f WHERE f.source = s.source AND f.response_id = s.response_id))
                     + (SELECT count(DISTINCT record_no) FROM stg_ticket_event r WHERE file_id = ?1 AND NOT EXISTS (
                            SELECT 1 FROM stg_ticket_event s WHERE s.file_id = r.file_id AND s.record_no = r.record_no AND NOT EXISTS (
                                SELECT 1 FROM fact_ticket_event f WHERE f.ticket_id = s.ticket_id AND f.occurred_at = s.occurred_at
                                  AND f.event = s.event AND ifnull(f.actor_id, '') = ifnull(s.actor_id, ''))))
                     + (SELECT count(*) FROM stg_customer_event s WHERE file_id = ?1 AND EXISTS (
                            SELECT 1 FROM fact_customer_event f WHERE f.customer_id = s.customer_id AND f.event = s.event
                              AND f.occurred_at = s.occurred_at AND ifnull(f.amount, '') = ifnull(s.amount, '')))
                """, [.integer(id)])
            if status == "failed" {
                if inFacts != 0 { problems.append("\(path): a failed file has \(inFacts) rows in the facts") }
                if extractRejects + normalizeRejects == 0 && raw != 0 {
                    let error = try database.scalar("SELECT coalesce(error, '') FROM etl_source_file WHERE file_id = ?", [.integer(id)]).stringValue ?? ""
                    if error.isEmpty { problems.append("\(path): failed with neither a reject nor a message") }
                }
            } else if inFacts + normalizeRejects != raw {
                problems.append("\(path): facts \(inFacts) + rejects \(normalizeRejects) vs raw \(raw)")
            }
        }
        return problems
    }
}

extension WarehouseDump {
    /// The load's tables, and which of their columns name a file.
    public static let loadTables = ["dim_employee", "dim_team", "dim_agent_identity", "dim_customer", "fact_ticket", "fact_ticket_event",
                                    "fact_customer_event", "fact_survey_response", "fact_survey_answer", "dim_survey_item", "etl_ticket_file"]
    static let fileColumns: Set<String> = ["_file_id", "source_file_id", "file_id"]
    /// The score stage's tables (`score_state` holds fingerprints, which each engine writes in its own way).
    public static let scoreTables = ["fact_ticket_outcome", "score_team_period", "score_agent_period", "score_customer_period",
                                     "linkage_estimate", "linkage_segment_lift", "linkage_team", "linkage_predictive"]

    /// Every row of `tables` on either engine (minus surrogate keys), sorted, one line per
    /// row; a column naming a file holds the file's path and content hash instead of its id
    /// (ids differ between engines: PostgreSQL's identities keep numbers a rolled-back insert
    /// took). The data checks of the last run are added as `etl_check name|severity|rows`.
    package static func dump(_ database: any WarehouseConnection, tables: [String] = loadTables) throws -> [String: [String]] {
        let files = Dictionary(uniqueKeysWithValues: try database.rows("SELECT file_id, path, sha256 FROM etl_source_file", []) {
            ($0.int64(0), "\($0.text(1) ?? "")#\(($0.text(2) ?? "").prefix(12))")
        })
        var result: [String: [String]] = [:]
        for table in tables {
            let columns = try database.columnInfo(of: table).map(\.name).filter { !surrogateKeys.contains($0) }
            let list = columns.map { database.quoted($0) }.joined(separator: ", ")
            result[table] = try database.rows("SELECT \(list) FROM \(database.quoted(table))", []) { row in
                columns.indices.map { index in
                    fileColumns.contains(columns[index]) && !row.isNull(Int32(index))
                        ? files[row.int64(Int32(index))] ?? "unknown file" : row.value(Int32(index)).stringValue ?? "∅"
                }.joined(separator: "|")
            }.sorted()
        }
        result["etl_check"] = try database.rows("""
            SELECT name, severity, failing_rows FROM etl_check WHERE run_id = (SELECT max(run_id) FROM etl_check) ORDER BY name
            """, []) { "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.int(2))" }
        return result
    }
}
