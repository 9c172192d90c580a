/// What the manifest says about the whole warehouse: the summaries `status`, `status --json`,
/// the dry run and the report show.
extension Manifest {
    /// Files per source and state, with their records and rejected rows.
    package struct Tally: Sendable {
        package var source: String, state: String
        package var files: Int, records: Int, rejected: Int
    }

    /// Files per source and state, by source then state.
    package func tallies() throws -> [Tally] {
        try database.rows("""
            SELECT source, status, count(*), CAST(coalesce(sum(records), 0) AS BIGINT), CAST(coalesce(sum(rejected), 0) AS BIGINT)
            FROM etl_source_file GROUP BY source, status ORDER BY source, status
            """, []) { Tally(source: $0.text(0) ?? "", state: $0.text(1) ?? "", files: $0.int(2), records: $0.int(3), rejected: $0.int(4)) }
    }

    /// The latest `limit` files in `state`, newest first, with their reason (a failure's, or
    /// why an extracted file waits; "" for none): `(path, reason)`. `reasonsOnly`: only files
    /// that carry one (an extracted file without a reason is not waiting, just not staged yet).
    package func withReasons(in state: FileState, limit: Int, reasonsOnly: Bool = false) throws -> [(path: String, reason: String)] {
        try database.rows("""
            SELECT path, coalesce(error, '') FROM etl_source_file WHERE status = ? \(reasonsOnly ? "AND error IS NOT NULL" : "")
            ORDER BY file_id DESC LIMIT ?
            """, [.text(state.rawValue), .integer(Int64(limit))]) { ($0.text(0) ?? "", $0.text(1) ?? "") }
    }

    /// One source's files at a glance (the report's data health).
    package struct Health: Sendable {
        package var loaded = 0, failed = 0
        /// Records and rejected rows of the files not superseded.
        package var records = 0, rejected = 0
        /// The latest partition date and run start among its loaded files.
        package var latestPartition: String?
        package var lastLoadedAt: String?
    }

    package func health(source: String) throws -> Health {
        try database.rows("""
            SELECT count(CASE WHEN f.status = \(FileState.loaded.sql) THEN 1 END), count(CASE WHEN f.status = \(FileState.failed.sql) THEN 1 END),
                   coalesce(sum(CASE WHEN f.status <> \(FileState.superseded.sql) THEN f.records END), 0),
                   coalesce(sum(CASE WHEN f.status <> \(FileState.superseded.sql) THEN f.rejected END), 0),
                   max(CASE WHEN f.status = \(FileState.loaded.sql) THEN f.partition_date END),
                   max(CASE WHEN f.status = \(FileState.loaded.sql) THEN r.started_at END)
            FROM etl_source_file f LEFT JOIN etl_run r ON r.run_id = f.run_id WHERE f.source = ?
            """, [.text(source)]) { row in
            Health(loaded: row.int(0), failed: row.int(1), records: row.int(2), rejected: row.int(3), latestPartition: row.text(4),
                   lastLoadedAt: row.text(5))
        }.first ?? Health()
    }

    /// `source path sha256` of every file not superseded: what the manifest already knows.
    package func currentFileKeys() throws -> Set<String> {
        Set(try database.rows("SELECT source || ' ' || path || ' ' || sha256 FROM etl_source_file WHERE status <> \(FileState.superseded.sql)", []) {
            $0.text(0) ?? ""
        })
    }
}
