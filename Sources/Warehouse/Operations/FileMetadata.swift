/// The per-file facts read from an export or noted about it (`etl_file_metadata`): its
/// column list, column labels, Qualtrics import ids, pages, skipped records, columns nothing
/// maps, a roster snapshot held back or confirmed. The stages read and write them through
/// this store; only queries of other tables that join them (the survey items' labels, the
/// roster-drop guard, `status`) name the table.
package struct FileMetadata {
    package let database: any WarehouseConnection

    package init(_ database: any WarehouseConnection) {
        self.database = database
    }

    /// Sets `key` of `file` to `value`, replacing an earlier value.
    package func set(_ file: Int64, _ key: String, _ value: String?) throws {
        try database.run("""
            INSERT INTO etl_file_metadata (file_id, key, value) VALUES (?, ?, ?)
            ON CONFLICT (file_id, key) DO UPDATE SET value = excluded.value
            """, [.integer(file), .text(key), SQLValue(value)])
    }

    /// The value of `key` for `file`, nil when it has none (or it is NULL).
    package func value(_ file: Int64, _ key: String) throws -> String? {
        try database.scalar("SELECT value FROM etl_file_metadata WHERE file_id = ? AND key = ?", [.integer(file), .text(key)]).stringValue
    }

    /// Every key of `file` with its value ("" for NULL).
    package func all(_ file: Int64) throws -> [String: String] {
        Dictionary(try database.rows("SELECT key, coalesce(value, '') FROM etl_file_metadata WHERE file_id = ?", [.integer(file)]) {
            ($0.text(0) ?? "", $0.text(1) ?? "")
        }, uniquingKeysWith: { first, _ in first })
    }

    /// The keys of `file` that start with `prefix`, without it, with their values ("" for NULL):
    /// e.g. `labels(file)` for the prefix `label/`.
    package func values(_ file: Int64, prefix: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in try all(file) where key.hasPrefix(prefix) { out[String(key.dropFirst(prefix.count))] = value }
        return out
    }

    /// `key` of each file of `source` that has not failed, oldest first — only the files
    /// registered before `file` when it is given.
    package func history(source: String, key: String, before file: Int64? = nil) throws -> [String?] {
        try database.rows("""
            SELECT m.value FROM etl_file_metadata m JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE f.source = ? AND f.file_id < ? AND f.status <> \(Manifest.FileState.failed.sql) AND m.key = ? ORDER BY f.file_id
            """, [.text(source), .integer(file ?? Int64.max), .text(key)]) { $0.text(0) }
    }

    /// `key` of the latest file of `source` before `file` that has not failed.
    package func latest(source: String, key: String, before file: Int64) throws -> String? {
        try database.scalar("""
            SELECT m.value FROM etl_file_metadata m JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE f.source = ? AND f.file_id < ? AND f.status <> \(Manifest.FileState.failed.sql) AND m.key = ?
            ORDER BY f.file_id DESC LIMIT 1
            """, [.text(source), .integer(file), .text(key)]).stringValue
    }

    /// Removes `key` of `file`.
    package func remove(_ file: Int64, _ key: String) throws {
        try database.run("DELETE FROM etl_file_metadata WHERE file_id = ? AND key = ?", [.integer(file), .text(key)])
    }
}

extension FileMetadata {
    /// Vendor words no vocabulary knew, summed over the files that count (normalized or
    /// loaded), the most frequent first: `(source, field, word, rows)`.
    package func unmappedValues(limit: Int) throws -> [(source: String, field: String, word: String, rows: Int)] {
        try database.rows("""
            SELECT f.source, substr(m.key, 10) AS what, sum(CAST(m.value AS INTEGER)) FROM etl_file_metadata m
            JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.key LIKE 'unmapped/%' AND f.status IN (\(Manifest.FileState.sqlList([.normalized, .loaded])))
            GROUP BY f.source, what ORDER BY 3 DESC, 1, 2 LIMIT ?
            """, [.integer(Int64(limit))]) { row in
            let what = row.text(1) ?? ""
            let slash = what.firstIndex(of: "/") ?? what.endIndex
            return (row.text(0) ?? "", String(what[..<slash]), slash < what.endIndex ? String(what[what.index(after: slash)...]) : "", row.int(2))
        }
    }

    /// Per source, `key` of its latest file that has one: `(source, value)`, by source.
    package func latestPerSource(key: String) throws -> [(source: String, value: String)] {
        try database.rows("""
            SELECT f.source, m.value FROM etl_file_metadata m JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.key = ?1 AND f.file_id = (SELECT max(g.file_id) FROM etl_source_file g
                JOIN etl_file_metadata n ON n.file_id = g.file_id AND n.key = ?1 WHERE g.source = f.source)
            ORDER BY f.source
            """, [.text(key)]) { ($0.text(0) ?? "", $0.text(1) ?? "") }
    }
}
