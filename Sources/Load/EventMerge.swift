import Warehouse

/// Merges staged events into a fact table whose rows are identified by a natural key
/// (customer events: customer, kind, time, amount; ticket events: ticket, time, event,
/// actor). The same event in two files is one row, with the latest file as lineage.
struct EventMerge {
    let staging: String
    let fact: String
    /// Columns copied from staging to the fact, besides source and lineage.
    let columns: [String]
    /// The conflict target: the fact's unique natural-key index, as SQL.
    let naturalKey: String
    /// The column that groups events for re-derivation after a retraction.
    let owner: String

    static let customerEvents = EventMerge(
        staging: "stg_customer_event", fact: "fact_customer_event", columns: ["customer_id", "event", "occurred_at", "amount"],
        naturalKey: "customer_id, event, occurred_at, ifnull(amount, '')", owner: "customer_id")
    static let ticketEvents = EventMerge(
        staging: "stg_ticket_event", fact: "fact_ticket_event", columns: ["ticket_id", "occurred_at", "event", "actor_id"],
        naturalKey: "ticket_id, occurred_at, event, ifnull(actor_id, '')", owner: "ticket_id")

    private func insert(restriction: String) -> String {
        let list = columns.joined(separator: ", ")
        return """
            INSERT INTO \(fact) (source, \(list), _file_id, _record_no)
            SELECT source, \(list), file_id, record_no FROM \(staging)
            WHERE file_id = ? \(restriction) ORDER BY record_no
            ON CONFLICT (\(naturalKey)) DO UPDATE SET
                source = excluded.source, _file_id = excluded._file_id, _record_no = excluded._record_no
            """
    }

    func merge(fileID: Int64, database: Database) throws -> Int {
        try database.run(insert(restriction: ""), [.integer(fileID)])
    }

    /// Takes back what superseded predecessors of `fileID` contributed (in the caller's
    /// transaction); events another loaded file also holds are merged again from it.
    func retractPredecessors(of fileID: Int64, database: Database) throws -> Int {
        guard let list = try Superseded.predecessors(of: fileID, database: database) else { return 0 }
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS retracted_owner (owner TEXT PRIMARY KEY) WITHOUT ROWID;
            DELETE FROM temp.retracted_owner;
            INSERT OR IGNORE INTO temp.retracted_owner SELECT \(owner) FROM \(fact) WHERE _file_id IN (\(list));
            """)
        let taken = try database.run("DELETE FROM \(fact) WHERE _file_id IN (\(list))")
        let others = try database.query("""
            SELECT DISTINCT s.file_id FROM \(staging) s JOIN etl_source_file f ON f.file_id = s.file_id
            WHERE f.status = 'loaded' AND s.\(owner) IN (SELECT owner FROM temp.retracted_owner) ORDER BY s.file_id
            """) { $0.int64(0) }
        for other in others {
            try database.run(insert(restriction: "AND \(owner) IN (SELECT owner FROM temp.retracted_owner)"), [.integer(other)])
        }
        try database.execute("DELETE FROM temp.retracted_owner")
        return taken
    }
}
