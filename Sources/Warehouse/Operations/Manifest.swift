/// The file manifest, `etl_source_file`: every inbox file a pipeline registered and where it
/// stands. Stages move files from state to state through this store, never by writing the
/// table themselves; queries of other layers that join the manifest name a state by
/// `FileState.sql`, so a state is spelt once. The table's CHECK constraint lists exactly the
/// enum's cases, on both engines (`ManifestTests`).
package struct Manifest {
    /// Where a registered file stands.
    package enum FileState: String, CaseIterable, Sendable {
        /// Read and counted (and archived): waiting for normalize.
        case extracted
        /// Staged: waiting for load.
        case normalized
        /// Merged into the facts.
        case loaded
        /// Not loaded; `error` says why. A later night does not stop at it again.
        case failed
        /// Replaced by a later version of the same path (`superseded_by`).
        case superseded

        /// The state as a SQL literal, for a query that joins the manifest.
        package var sql: String { "'\(rawValue)'" }

        /// `'a', 'b'`: for `status IN (…)`.
        package static func sqlList(_ states: [FileState]) -> String {
            states.map(\.sql).joined(separator: ", ")
        }
    }

    package let database: any WarehouseConnection

    package init(_ database: any WarehouseConnection) {
        self.database = database
    }

    /// The manifest row names the file bound as ?2 (a manifest path): the same relative path,
    /// or an absolute path (an older warehouse's) ending in it. (Positive `substr` positions
    /// only: the two engines read negative ones differently.)
    package static let samePath = """
        (path = ?2 OR (substr(path, 1, 1) = '/' AND length(path) > length(?2)
                       AND substr(path, length(path) - length(?2)) = '/' || ?2))
        """

    /// One registered file as the stages read it.
    package struct File: Sendable {
        package let id: Int64
        /// As the manifest keeps it (relative to the pipeline's root, or absolute).
        package let path: String
        package let partition: String?
        package let records: Int
        package let rejected: Int
        /// On SQLite, the rowid range of its raw rows (empty — last before first — when none).
        package let firstRowID: Int64
        package let lastRowID: Int64
        package let sha256: String
        package let size: Int64
        package let state: FileState?
    }

    /// File `id`, or nil when the manifest has no such file.
    package func file(_ id: Int64) throws -> File? {
        try database.rows("""
            SELECT file_id, path, partition_date, records, rejected, coalesce(raw_first_rowid, 0), coalesce(raw_last_rowid, -1),
                   sha256, size, status
            FROM etl_source_file WHERE file_id = ?
            """, [.integer(id)]) {
            File(id: $0.int64(0), path: $0.text(1) ?? "", partition: $0.text(2), records: $0.int(3), rejected: $0.int(4),
                 firstRowID: $0.int64(5), lastRowID: $0.int64(6), sha256: $0.text(7) ?? "", size: $0.int64(8),
                 state: FileState(rawValue: $0.text(9) ?? ""))
        }.first
    }

    /// The files of `sources` in `state`, oldest first.
    package func files(of sources: [String], in state: FileState) throws -> [Int64] {
        guard !sources.isEmpty else { return [] }
        let marks = sources.map { _ in "?" }.joined(separator: ", ")
        return try database.rows("SELECT file_id FROM etl_source_file WHERE status = ? AND source IN (\(marks)) ORDER BY file_id",
                                 [.text(state.rawValue)] + sources.map { .text($0) }) { $0.int64(0) }
    }

    /// The registered version of `path` with this content (not superseded), preferring a row
    /// that names it exactly; an older warehouse's absolute path is renamed to `path`.
    package func known(source: String, path: String, sha256: String) throws -> (file: Int64, state: FileState?)? {
        let previous = try database.rows("""
            SELECT file_id, status FROM etl_source_file
            WHERE source = ?1 AND sha256 = ?3 AND status <> \(FileState.superseded.sql) AND \(Manifest.samePath)
            ORDER BY path = ?2 DESC LIMIT 1
            """, [.text(source), .text(path), .text(sha256)]) { ($0.int64(0), FileState(rawValue: $0.text(1) ?? "")) }.first
        if let previous {
            try database.run("UPDATE etl_source_file SET path = ? WHERE file_id = ? AND path <> ?",
                             [.text(path), .integer(previous.0), .text(path)])
        }
        return previous.map { (file: $0.0, state: $0.1) }
    }

    /// The partition date the latest registered version of `path` was given (a source
    /// partitioned by run date keeps its first day through reruns and backfills).
    package func partitionDate(source: String, path: String) throws -> String? {
        try database.scalar("""
            SELECT partition_date FROM etl_source_file WHERE source = ? AND path = ? AND status <> \(FileState.superseded.sql)
            ORDER BY file_id DESC LIMIT 1
            """, [.text(source), .text(path)]).stringValue
    }

    /// Registers a file being extracted (in the caller's transaction); its id.
    package func register(source: String, path: String, sha256: String, size: Int64, partition: String?, runID: Int64) throws -> Int64 {
        try database.insertReturningKey("""
            INSERT INTO etl_source_file (source, path, sha256, size, partition_date, status, run_id)
            VALUES (?, ?, ?, ?, ?, \(FileState.extracted.sql), ?) RETURNING file_id
            """, [.text(source), .text(path), .text(sha256), .integer(size), SQLValue(partition), .integer(runID)])
    }

    /// Extract's figures for a file it has read: records kept and rejected, and on SQLite the
    /// rowid range of its raw rows (nil when none were stored).
    package func extracted(_ file: Int64, records: Int, rejected: Int, runID: Int64, rawRowIDs: (first: Int64, last: Int64)?) throws {
        try database.run("""
            UPDATE etl_source_file SET status = \(FileState.extracted.sql), records = ?, rejected = ?, error = NULL, run_id = ?,
                   raw_first_rowid = ?, raw_last_rowid = ?
            WHERE file_id = ?
            """, [.integer(Int64(records)), .integer(Int64(rejected)), .integer(runID),
                  rawRowIDs.map { .integer($0.first) } ?? .null, rawRowIDs.map { .integer($0.last) } ?? .null, .integer(file)])
    }

    /// A file extract could not read (or register) as a whole: failed, with its reason, in a
    /// transaction of its own.
    package func failedAtExtract(source: String, path: String, sha256: String, size: Int64, partition: String?,
                                 error: String, runID: Int64) throws {
        try database.transaction {
            try database.run("""
                INSERT INTO etl_source_file (source, path, sha256, size, partition_date, status, error, run_id)
                VALUES (?, ?, ?, ?, ?, \(FileState.failed.sql), ?, ?)
                ON CONFLICT (source, path, sha256) DO UPDATE SET status = excluded.status, error = excluded.error, run_id = excluded.run_id
                """, [.text(source), .text(path), .text(sha256), .integer(size), SQLValue(partition), .text(error), .integer(runID)])
        }
    }

    /// The earlier versions of `path` that a new version `file` replaces (neither superseded nor failed).
    package func predecessors(of file: Int64, source: String, path: String) throws -> [Int64] {
        try database.rows("""
            SELECT file_id FROM etl_source_file WHERE source = ?1 AND \(Manifest.samePath) AND file_id <> ?3
            AND status NOT IN (\(FileState.sqlList([.superseded, .failed])))
            """, [.text(source), .text(path), .integer(file)]) { $0.int64(0) }
    }

    /// `file` is replaced by `successor`.
    package func supersede(_ file: Int64, by successor: Int64) throws {
        try database.run("UPDATE etl_source_file SET status = \(FileState.superseded.sql), superseded_by = ? WHERE file_id = ?",
                         [.integer(successor), .integer(file)])
    }

    /// The files a corrected version `file` superseded.
    package func superseded(by file: Int64) throws -> [Int64] {
        try database.rows("SELECT file_id FROM etl_source_file WHERE \(Manifest.supersededBy)", [.integer(file)]) { $0.int64(0) }
    }

    /// The files a corrected version `file` superseded, as an SQL list for `IN (…)`, or nil
    /// when there are none.
    package func supersededList(by file: Int64) throws -> String? {
        let ids = try superseded(by: file)
        return ids.isEmpty ? nil : ids.map(String.init).joined(separator: ", ")
    }

    /// The condition on `etl_source_file` that picks the files the file bound as the next
    /// parameter superseded, for a query of another layer that needs them.
    package static let supersededBy = "superseded_by = ? AND status = \(FileState.superseded.sql)"

    /// Normalize staged `file`; `rejected` counts extract's and normalize's rejects.
    package func normalized(_ file: Int64, rejected: Int) throws {
        try database.run("UPDATE etl_source_file SET status = \(FileState.normalized.sql), rejected = ? WHERE file_id = ?",
                         [.integer(Int64(rejected)), .integer(file)])
    }

    /// `file` back to extracted: normalize left it to load, which hands it back to be staged.
    package func extractedAgain(_ file: Int64) throws {
        try database.run("UPDATE etl_source_file SET status = \(FileState.extracted.sql) WHERE file_id = ?", [.integer(file)])
    }

    /// `file` is not loaded, for `reason` (and, from normalize, with its reject count).
    package func fail(_ file: Int64, reason: String, rejected: Int? = nil) throws {
        if let rejected {
            try database.run("UPDATE etl_source_file SET status = \(FileState.failed.sql), error = ?, rejected = ? WHERE file_id = ?",
                             [.text(reason), .integer(Int64(rejected)), .integer(file)])
        } else {
            try database.run("UPDATE etl_source_file SET status = \(FileState.failed.sql), error = ? WHERE file_id = ?",
                             [.text(reason), .integer(file)])
        }
    }

    /// Why `file` waits in its state (it is not its own fault: another file is needed first).
    package func note(_ file: Int64, waiting reason: String) throws {
        try database.run("UPDATE etl_source_file SET error = ? WHERE file_id = ?", [.text(reason), .integer(file)])
    }

    /// A failed staged file allowed again (`confirm`): back to normalized, its error cleared.
    package func restore(_ file: Int64) throws {
        try database.run("UPDATE etl_source_file SET status = \(FileState.normalized.sql), error = NULL WHERE file_id = ?",
                         [.integer(file)])
    }

    /// Load merged `files`.
    package func loaded(_ files: [Int64]) throws {
        for file in files {
            try database.run("UPDATE etl_source_file SET status = \(FileState.loaded.sql) WHERE file_id = ?", [.integer(file)])
        }
    }
}
