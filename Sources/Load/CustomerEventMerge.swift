import Warehouse

/// Merges staged customer events into `fact_customer_event`. An event is its customer,
/// kind, time and amount: the same event in two files is one row (lineage: the latest file).
enum CustomerEventMerge {
    static let insert = """
        INSERT INTO fact_customer_event (source, customer_id, event, occurred_at, amount, _file_id, _record_no)
        SELECT source, customer_id, event, occurred_at, amount, file_id, record_no FROM stg_customer_event
        WHERE file_id = ? %@ ORDER BY record_no
        ON CONFLICT (customer_id, event, occurred_at, ifnull(amount, '')) DO UPDATE SET
            source = excluded.source, _file_id = excluded._file_id, _record_no = excluded._record_no
        """

    static func merge(fileID: Int64, database: Database) throws -> Int {
        try database.run(insert.replacingOccurrences(of: "%@", with: ""), [.integer(fileID)])
    }

    /// Takes back what superseded predecessors of `fileID` contributed (in the caller's
    /// transaction); events another loaded file also holds are merged again from it.
    static func retractPredecessors(of fileID: Int64, database: Database) throws -> Int {
        let predecessors = try database.query(
            "SELECT file_id FROM etl_source_file WHERE superseded_by = ? AND status = 'superseded'", [.integer(fileID)]) { $0.int64(0) }
        guard !predecessors.isEmpty else { return 0 }
        let list = predecessors.map(String.init).joined(separator: ", ")
        let customers = try database.query(
            "SELECT DISTINCT customer_id FROM fact_customer_event WHERE _file_id IN (\(list))") { $0.text(0) ?? "" }
        let taken = try database.run("DELETE FROM fact_customer_event WHERE _file_id IN (\(list))")
        guard taken > 0 else { return 0 }
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS retracted_customer (customer_id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.retracted_customer;")
        let add = try database.prepare("INSERT OR IGNORE INTO temp.retracted_customer VALUES (?)")
        for customer in customers { try add.execute([.text(customer)]) }
        let others = try database.query("""
            SELECT DISTINCT s.file_id FROM stg_customer_event s JOIN etl_source_file f ON f.file_id = s.file_id
            WHERE f.status = 'loaded' AND s.customer_id IN (SELECT customer_id FROM temp.retracted_customer) ORDER BY s.file_id
            """) { $0.int64(0) }
        for other in others {
            try database.run(insert.replacingOccurrences(of: "%@", with: "AND customer_id IN (SELECT customer_id FROM temp.retracted_customer)"),
                             [.integer(other)])
        }
        return taken
    }
}

import Foundation
