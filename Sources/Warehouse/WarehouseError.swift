import Foundation

/// Every fatal problem of the warehouse layer. Messages follow the house form
/// `file: what happened, what was expected` and carry SQLite's code, message and the SQL.
package enum WarehouseError: Error, CustomStringConvertible, Equatable {
    /// `sqlite3_open_v2` or the connection set-up failed.
    case open(path: String, code: Int32, message: String)
    /// A statement failed to prepare, bind or step.
    case sqlite(path: String, code: Int32, message: String, sql: String)
    /// A file-system operation around the database failed.
    case fileSystem(path: String, message: String)
    /// A migration could not be applied.
    case migration(path: String, version: Int, message: String)
    /// The database was written by a newer Ambassador.
    case schemaTooNew(path: String, found: Int, known: Int)
    /// A PostgreSQL server could not be reached or refused the login. `target` is redacted.
    case postgresConnect(target: String, message: String)
    /// A PostgreSQL statement failed: its SQLSTATE (e.g. 23505), the server's message, the SQL.
    case postgres(target: String, sqlState: String, message: String, sql: String)
    /// A statement that must return a row (`INSERT … RETURNING`) returned none.
    case noRowReturned(target: String, sql: String)
    /// A connection of an engine a component has no path for.
    case notSupported(target: String, message: String)

    /// SQLite's primary result code, where there is one.
    package var code: Int32? {
        switch self {
        case .open(_, let code, _), .sqlite(_, let code, _, _): return code
        default: return nil
        }
    }

    /// True when the file is not a SQLite database or is corrupt (SQLITE_NOTADB, SQLITE_CORRUPT).
    package var isDamaged: Bool {
        guard let code else { return false }
        return code & 0xFF == 26 || code & 0xFF == 11
    }

    /// True when the disk (or a file-size limit) is full: SQLITE_FULL or an I/O error.
    package var isDiskFull: Bool {
        guard let code else { return false }
        return code & 0xFF == 13 || code & 0xFF == 10
    }

    /// True when the problem is the warehouse's, not one file's data: full disk, I/O error,
    /// corruption, a read-only file, no memory, or a lock held elsewhere. Such an error stops
    /// the stage; any other (a constraint, an identifier SQLite refuses) fails one file.
    package var isWarehouseWide: Bool {
        switch self {
        case let .postgres(_, state, _, _):
            // Class 23 (integrity), 22 (data), 42 (syntax or access to one object) concern
            // the statement; connection loss (08), resources (53), shutdown (57) and every
            // unknown state concern the warehouse.
            return !(state.hasPrefix("23") || state.hasPrefix("22"))
        case .sqlite:
            guard let code else { return true }
            // SQLITE_BUSY 5, LOCKED 6, NOMEM 7, READONLY 8, IOERR 10, CORRUPT 11, FULL 13, CANTOPEN 14, NOTADB 26
            return [5, 6, 7, 8, 10, 11, 13, 14, 26].contains(code & 0xFF)
        default:
            return true
        }
    }

    package var description: String {
        switch self {
        case let .open(path, code, message):
            if isDamaged {
                return "\(path): the warehouse is damaged or not a SQLite database (SQLite error \(code): \(message)); expected the SQLite file Ambassador made — restore it from a backup, or move it aside and run again to rebuild it from the inbox files that are still there"
            }
            return "\(path): cannot open the warehouse: SQLite error \(code) (\(message)); expected a writable SQLite file"
        case let .sqlite(path, code, message, sql):
            if isDiskFull {
                return "\(path): could not write (SQLite error \(code): \(message)) in `\(WarehouseError.shorten(sql))`; expected free disk space and no file-size limit — the transaction was rolled back, and a rerun finishes the job once there is space"
            }
            return "\(path): SQLite error \(code) (\(message)) in `\(WarehouseError.shorten(sql))`; expected the statement to succeed"
        case let .fileSystem(path, message):
            return "\(path): \(message)"
        case let .migration(path, version, message):
            return "\(path): migration \(version) failed: \(message); expected the schema to upgrade cleanly"
        case let .postgresConnect(target, message):
            return "\(target): cannot connect to the PostgreSQL warehouse: \(message); expected a reachable server and a role that may log in (the URL, PG* variables or ~/.pgpass)"
        case let .postgres(target, state, message, sql):
            return "\(target): PostgreSQL error \(state.isEmpty ? "(no SQLSTATE)" : state) (\(message)) in `\(WarehouseError.shorten(sql))`; expected the statement to succeed"
        case let .notSupported(target, message):
            return "\(target): \(message)"
        case let .noRowReturned(target, sql):
            return "\(target): `\(WarehouseError.shorten(sql))` returned no row; expected the inserted row's key"
        case let .schemaTooNew(path, found, known):
            return "\(path): the warehouse schema is version \(found), this ambassador knows up to \(known); expected a warehouse made by this or an older version"
        }
    }

    private static func shorten(_ sql: String) -> String {
        let oneLine = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return oneLine.count > 300 ? String(oneLine.prefix(300)) + "…" : oneLine
    }
}
