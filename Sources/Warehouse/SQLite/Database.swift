import CSQLite
import Foundation

/// One connection to the warehouse file (`sqlite3*`).
///
/// Opening creates the file 0600 (and its directory 0700) when missing, and sets WAL mode,
/// a busy timeout, foreign keys and `synchronous=NORMAL`. Not thread-safe: one connection
/// per thread, as SQLite's own rule.
package final class Database {
    let handle: OpaquePointer
    /// The file this connection opened (used in every message).
    package let path: String

    /// The page size of a new warehouse file, in bytes (SQLite's default is 4 096). Measured
    /// on the 1 M-ticket bench, three alternating rounds (BENCHMARKS.md): extract + normalize +
    /// load 5.45–5.66 s with 4 KB pages, 4.72–4.79 s with 16 KB, 4.22–4.51 s with 64 KB (fewer
    /// pages to split, log and checkpoint for the same rows, and a fact row of ~210 bytes is
    /// more than the twentieth of a 4 KB page SQLite advises for a `WITHOUT ROWID` table; how
    /// often the WAL is checkpointed made no difference). The score stage at 1 M was no
    /// slower with 16 KB, while 64 KB pages raised its peak memory by 12 MB and make each
    /// page the cache misses — the score's look-ups at 10 M — sixteen times the bytes.
    package static let pageSize = 16_384
    /// How much the WAL holds before a commit checkpoints it (SQLite's default for 4 KB pages).
    package static let walCheckpointBytes = 4 << 20

    /// How long a statement waits for another connection's write lock.
    package static let busyTimeoutMilliseconds: Int32 = 10_000

    /// Process-wide SQLite set-up, once, before the first connection: memory statistics
    /// off, because they take a global mutex on every allocation and nothing here reads them
    /// (measured: about 8% of the bulk insert path).
    private static let configured: Int32 = ambassador_sqlite_config_memstatus(0)

    /// Opens (and creates) the warehouse at `path`.
    /// - Parameter readOnly: open for reading only (`status`, reports, tests).
    package init(path: String, readOnly: Bool = false) throws {
        self.path = path
        _ = Database.configured
        // ":memory:" and URI names are not files to pre-create.
        if !readOnly && path != ":memory:" && !path.hasPrefix("file:") {
            try Database.createPrivately(path)
        }
        // A new warehouse can give the pages deleted rows leave free back to the file system
        // (`returnFreePages`), and has pages of `pageSize` bytes; both are chosen before
        // anything is written, WAL included. A warehouse made before keeps its pages.
        let fresh = !readOnly && ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) == 0
        var connection: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX
        // sqlite3_open_v2
        let rc = path.withCString { sqlite3_open_v2($0, &connection, flags, nil) }
        guard rc == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let connection { sqlite3_close_v2(connection) }
            throw WarehouseError.open(path: path, code: rc, message: message)
        }
        // From here a throw runs deinit, which closes the connection: no path below closes it.
        self.handle = connection
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, Database.busyTimeoutMilliseconds)
        let registered = SQLitePlusDays.register(on: connection)
        guard registered == SQLITE_OK else {
            throw WarehouseError.open(path: path, code: registered,
                                      message: "cannot register \(SQLitePlusDays.name): \(String(cString: sqlite3_errmsg(connection)))")
        }
        do {
            if fresh { try execute("PRAGMA page_size=\(Database.pageSize); PRAGMA auto_vacuum=INCREMENTAL") }
            if !readOnly {
                try execute("PRAGMA journal_mode=WAL")
                try execute("PRAGMA synchronous=NORMAL")
                // SQLite checkpoints the WAL once it holds 1 000 pages: 4 MB of 4 KB pages, 16 MB
                // of 16 KB ones. The warehouse checkpoints at 4 MB whatever its page size
                // (measured: no slower), so a small disk or a file-size limit fills no sooner.
                let pageBytes = try count("PRAGMA page_size")
                try execute("PRAGMA wal_autocheckpoint=\(Database.walCheckpointBytes / max(pageBytes, 512))")
            }
            try execute("PRAGMA foreign_keys=ON")
        } catch let error as WarehouseError {
            // SQLite's own words, not our statement error nested inside the open error.
            if case let .sqlite(_, code, message, _) = error { throw WarehouseError.open(path: path, code: code, message: message) }
            throw WarehouseError.open(path: path, code: error.code ?? SQLITE_ERROR, message: "\(error)")
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements with no parameters (sqlite3_exec), e.g. a migration script.
    package func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        guard rc == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw WarehouseError.sqlite(path: path, code: rc, message: message, sql: sql)
        }
    }

    /// Prepares `sql` for repeated execution.
    /// Deleted rows are overwritten with zeros rather than left in free pages (SQLite's
    /// `secure_delete`), for this connection: a run under pseudonymisation leaves nothing
    /// readable behind it in the file.
    package func overwriteDeletedContent() throws {
        try execute("PRAGMA secure_delete=ON")
    }

    package func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Rows the last write statement of this connection changed (sqlite3_changes64).
    package var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Runs one write statement with bound values; returns the number of rows changed.
    @discardableResult
    package func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let statement = try prepare(sql)
        try statement.execute(values)
        return Int(sqlite3_changes64(handle))
    }

    /// Runs a query and maps each row.
    package func query<T>(_ sql: String, _ values: [SQLValue] = [], row: (Statement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() {
            rows.append(try row(statement))
        }
        return rows
    }

    /// Runs a query and calls `body` for each row without collecting them (streaming reads).
    package func forEach(_ sql: String, _ values: [SQLValue] = [], body: (Statement) throws -> Void) throws {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {
            try body(statement)
        }
    }

    /// The first column of the first row, or `.null` when there is no row.
    package func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step() ? statement.value(0) : .null
    }

    /// The first column of the first row as an integer (0 when NULL or missing).
    package func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        Int(try scalar(sql, values).intValue ?? 0)
    }

    /// Whether a transaction is open on this connection.
    package var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The rowid of the last insert on this connection.
    package var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a table (or view) of that name exists.
    package func tableExists(_ name: String) throws -> Bool {
        try count("SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = ?", [.text(name)]) > 0
    }

    /// The column names of `table`, in order.
    package func columns(of table: String) throws -> [String] {
        try query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { $0.text(0) ?? "" }
    }

    /// Quotes an identifier for SQL: `"name"` with embedded quotes doubled.
    /// Every identifier that comes from a file or a config goes through this.
    package static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Builds the error for return code `rc` with this connection's message (sqlite3_errmsg).
    func error(_ rc: Int32, sql: String) -> WarehouseError {
        let message = String(cString: sqlite3_errmsg(handle))
        return .sqlite(path: path, code: sqlite3_extended_errcode(handle) != 0 ? sqlite3_extended_errcode(handle) : rc,
                       message: message, sql: sql)
    }

    /// Creates the database file with mode 0600 and its directory with 0700 when missing,
    /// so that SQLite (which copies the file's mode to -wal and -shm) never widens it.
    private static func createPrivately(_ path: String) throws {
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !manager.fileExists(atPath: directory) {
            do {
                try manager.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw WarehouseError.fileSystem(
                    path: directory, message: "cannot create the warehouse directory (\(error.localizedDescription)); expected a writable location")
            }
        }
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw WarehouseError.fileSystem(
                path: path, message: "cannot create the warehouse file (\(String(cString: strerror(errno)))); expected a writable location")
        }
        close(fd)
    }
}
