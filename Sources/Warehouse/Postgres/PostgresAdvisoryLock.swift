import AmbassadorCore

/// One run at a time on a PostgreSQL warehouse: a session-level advisory lock keyed by the
/// warehouse schema, taken without waiting. The server releases it when the session ends, so
/// a killed run's lock is free for the next run with no clean-up (as `flock` is for SQLite).
/// A second run learns who holds it from `pg_stat_activity`: the process, its application
/// name (the connection carries "ambassador <command>") and since when.
package final class PostgresAdvisoryLock {
    package struct Holder: Equatable, Sendable {
        package var pid: Int32
        package var application: String
        package var since: String
    }

    private let connection: PostgresConnection
    /// The two int4 keys: a fixed tag for Ambassador, and a hash of the schema.
    package let keys: (Int32, Int32)
    private var held = false

    package init(connection: PostgresConnection, schema: String) {
        self.connection = connection
        keys = (0x414D_4241, PostgresAdvisoryLock.hash(schema))  // "AMBA"
    }

    /// FNV-1a of the schema name, folded into a positive int4 (so that pg_locks' unsigned
    /// objid reads back the same number).
    static func hash(_ text: String) -> Int32 {
        Int32(bitPattern: FNV1a32.hash(text.utf8) & 0x7FFF_FFFF)
    }

    /// Takes the lock at once; returns nil when taken, or who holds it.
    package func acquire() throws -> Holder? {
        let taken = try connection.scalar("SELECT pg_try_advisory_lock($1::int4, $2::int4)", [.integer(Int64(keys.0)), .integer(Int64(keys.1))])
        if taken.intValue == 1 {
            held = true
            return nil
        }
        return try holder()
    }

    /// The session holding the lock, if any.
    package func holder() throws -> Holder? {
        try connection.query("""
            SELECT a.pid, coalesce(a.application_name, ''), to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid AND l.objsubid = 2
            """, [.integer(Int64(keys.0)), .integer(Int64(keys.1))]) {
            Holder(pid: Int32($0.int(0)), application: $0.text(1) ?? "", since: $0.text(2) ?? "")
        }.first
    }

    /// Releases the lock (the end of the session does too).
    package func release() throws {
        guard held else { return }
        _ = try connection.scalar("SELECT pg_advisory_unlock($1::int4, $2::int4)", [.integer(Int64(keys.0)), .integer(Int64(keys.1))])
        held = false
    }
}
