import AmbassadorCore

/// The event facts on PostgreSQL are range-partitioned by month of `occurred_at`
/// (`fact_ticket_event_2026_03` holds March 2026): a BI query over a date range reads only
/// its months, and an old month can be detached or dropped whole. Load creates the partition
/// of each month its staged events hold before merging them; a value that is not a
/// timestamp (never stored: normalize quarantines it) would land in the `_other` partition,
/// which no month's partition ever conflicts with. SQLite's tables are not partitioned.
package enum MonthlyPartitions {
    /// The partitioned facts and their partition key.
    package static let facts: [(table: String, key: String)] = [("fact_ticket_event", "occurred_at"), ("fact_customer_event", "occurred_at")]

    /// The DDL of one partitioned fact's catch-all partition.
    static func otherPartition(of table: String) -> String {
        "CREATE TABLE \(table)_other PARTITION OF \(table) DEFAULT;"
    }

    /// Creates the partitions `table` lacks for the months (`YYYY-MM`) that `monthsSQL`
    /// returns; the months created. Nothing on SQLite, nor on a table that is not
    /// partitioned (a schema created before partitioning). Creating a partition locks the
    /// parent table until the transaction ends: load calls this before its per-file
    /// transactions, so readers wait only for the creation, once a month.
    @discardableResult
    package static func ensure(_ table: String, monthsSQL: String, database: any WarehouseConnection) throws -> [String] {
        guard database.engine == .postgresql else { return [] }
        let kind = try database.scalar("""
            SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = ?
            """, [.text(table)]).stringValue
        guard kind == "p" else { return [] }
        let existing = Set(try database.rows("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = current_schema() AND p.relname = ?
            """, [.text(table)]) { $0.text(0) ?? "" })
        var created: [String] = []
        let months = try database.rows(monthsSQL, []) { $0.text(0) ?? "" }
        for month in months {
            guard let (from, to) = bounds(month) else { continue }
            let name = table + "_" + from.replacingOccurrences(of: "-", with: "_")
            guard !existing.contains(name) else { continue }
            // The bounds are digits and dashes checked above: no value reaches the DDL unchecked.
            try database.execute("CREATE TABLE IF NOT EXISTS \(database.quoted(name)) PARTITION OF \(database.quoted(table)) FOR VALUES FROM ('\(from)') TO ('\(to)')")
            created.append(name)
        }
        return created
    }

    /// `YYYY-MM` and the month after it (`ScorePeriod`'s month bounds), or nil when `month`
    /// is not a month.
    static func bounds(_ month: String) -> (String, String)? {
        guard month.utf8.count == 7, CivilDate(iso: month + "-01") != nil else { return nil }
        let bounds = ScorePeriod.bounds(of: month)
        return (bounds.from, bounds.to)
    }
}
