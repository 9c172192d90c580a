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
}
