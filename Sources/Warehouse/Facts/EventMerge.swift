/// Merges staged events into a fact table whose rows are identified by a natural key
/// (customer events: customer, kind, time, amount; ticket events: ticket, time, event,
/// actor). The same event in two files is one row, with the latest file as lineage.
package struct EventMerge {
    package let staging: String
    package let fact: String
    /// Columns copied from staging to the fact, besides source and lineage.
    package let columns: [String]
    /// The conflict target: the fact's unique natural-key index, as SQL (SQLite's index is on
    /// expressions; PostgreSQL's on the columns, NULLs not distinct).
    package let naturalKey: String
    package let naturalColumns: String
    /// The column that groups events for re-derivation after a retraction.
    package let owner: String

    package static let customerEvents = EventMerge(
        staging: "stg_customer_event", fact: "fact_customer_event", columns: ["customer_id", "event", "occurred_at", "amount"],
        naturalKey: "customer_id, event, occurred_at, ifnull(amount, '')", naturalColumns: "customer_id, event, occurred_at, amount",
        owner: "customer_id")
    package static let ticketEvents = EventMerge(
        staging: "stg_ticket_event", fact: "fact_ticket_event", columns: ["ticket_id", "occurred_at", "event", "actor_id"],
        naturalKey: "ticket_id, occurred_at, event, ifnull(actor_id, '')", naturalColumns: "ticket_id, occurred_at, event, actor_id",
        owner: "ticket_id")

    /// The upsert of one file's staged events. SQLite takes them in record order (a repeated
    /// event keeps its last record as lineage); PostgreSQL, whose one statement may not
    /// update a row twice, takes each event once — its last record, the same row.
    private func insert(restriction: String, engine: WarehouseEngine) -> String {
        let list = columns.joined(separator: ", ")
        let once = engine == .postgresql
        return """
            INSERT INTO \(fact) (source, \(list), _file_id, _record_no)
            SELECT \(once ? "DISTINCT ON (\(naturalColumns))" : "") source, \(list), file_id, record_no FROM \(staging)
            WHERE file_id = ? \(restriction) ORDER BY \(once ? naturalColumns + ", record_no DESC" : "record_no")
            ON CONFLICT (\(once ? naturalColumns : naturalKey)) DO UPDATE SET
                source = excluded.source, _file_id = excluded._file_id, _record_no = excluded._record_no
            """
    }

    /// On PostgreSQL, the fact's partition of every month the staged events hold (before the
    /// per-file transactions, so the parent table is locked only for the creation); the
    /// partitions created.
    package func createMonthlyPartitions(database: any WarehouseConnection) throws -> [String] {
        try MonthlyPartitions.ensure(fact, monthsSQL: "SELECT DISTINCT substr(occurred_at, 1, 7) FROM \(staging) ORDER BY 1", database: database)
    }

    package func merge(fileID: Int64, database: any WarehouseConnection) throws -> Int {
        try database.run(insert(restriction: "", engine: database.engine), [.integer(fileID)])
    }

    /// Takes back what superseded predecessors of `fileID` contributed (in the caller's
    /// transaction); events another loaded file also holds are merged again from it.
    package func retractPredecessors(of fileID: Int64, database: any WarehouseConnection) throws -> Int {
        guard let list = try Manifest(database).supersededList(by: fileID) else { return 0 }
        let temporary = database.engine.temporary
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS retracted_owner (owner \(database.engine.text) PRIMARY KEY)\(database.engine.withoutRowID);
            DELETE FROM \(temporary)retracted_owner;
            INSERT INTO \(temporary)retracted_owner SELECT DISTINCT \(owner) FROM \(fact) WHERE _file_id IN (\(list));
            """)
        let taken = try database.run("DELETE FROM \(fact) WHERE _file_id IN (\(list))", [])
        for other in try FactStore.loadedFiles(staging: staging, holding: [owner], in: "SELECT owner FROM \(temporary)retracted_owner",
                                               database: database) {
            try database.run(insert(restriction: "AND \(owner) IN (SELECT owner FROM \(temporary)retracted_owner)", engine: database.engine),
                             [.integer(other)])
        }
        try database.execute("DELETE FROM \(temporary)retracted_owner")
        return taken
    }
}
