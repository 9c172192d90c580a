import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The libpq driver against a real PostgreSQL server (`.ci/with-postgres`), each test in a
/// schema of its own.
final class PostgresConnectionTests: XCTestCase {
    func connect(_ name: String = #function) throws -> (PostgresConnection, () -> Void) {
        try PostgresSupport.schemaOrSkip(name)
    }

    func testTypedValuesRoundTripThroughBoundParameters() throws {
        let (db, drop) = try connect()
        defer { drop() }
        try db.execute("CREATE TABLE t (i BIGINT, r DOUBLE PRECISION, s TEXT)")
        let hostile = "O'Brien; DROP TABLE t; -- \\ \"quoted\" \t tab\nnewline ünïcödé 🎉"
        let values: [[SQLValue]] = [[.integer(Int64.max), .real(0.1 + 0.2), .text(hostile)], [.integer(-7), .real(-1e-300), .text("")],
                                    [.null, .null, .null]]
        for row in values { XCTAssertEqual(try db.run("INSERT INTO t (i, r, s) VALUES ($1, $2, $3)", row), 1) }
        let back = try db.query("SELECT i, r, s FROM t ORDER BY i NULLS LAST") { [$0.value(0), $0.value(1), $0.value(2)] }
        XCTAssertEqual(back, [values[1], values[0], values[2]])
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t WHERE s = $1", [.text("")]).intValue, 1, "empty text is not NULL")
    }

    func testErrorsCarrySQLStateMessageAndSQLAndTheStatementFailsAlone() throws {
        let (db, drop) = try connect()
        defer { drop() }
        try db.execute("CREATE TABLE k (id TEXT PRIMARY KEY)")
        try db.run("INSERT INTO k VALUES ($1)", [.text("a")])
        XCTAssertThrowsError(try db.run("INSERT INTO k VALUES ($1)", [.text("a")])) { error in
            guard case let WarehouseError.postgres(_, state, message, sql) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(state, "23505", "unique_violation")
            XCTAssertTrue(message.contains("duplicate key"), message)
            XCTAssertTrue(message.contains("Key (id)=(a) already exists"), "the server's detail: \(message)")
            XCTAssertTrue(sql.contains("INSERT INTO k"))
            XCTAssertFalse((error as? WarehouseError)?.isWarehouseWide ?? true, "a constraint fails the statement, not the warehouse")
            XCTAssertTrue("\(error)".contains("PostgreSQL error 23505"), "\(error)")
        }
        XCTAssertThrowsError(try db.execute("SELEC 1")) { error in
            guard case let WarehouseError.postgres(_, state, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(state, "42601", "syntax_error")
        }
        // What a migration dropping a table meets when a user's view reads it: the view is named.
        try db.execute("CREATE VIEW users_view_of_k AS SELECT id FROM k")
        XCTAssertThrowsError(try db.execute("DROP TABLE k")) { error in
            guard case let WarehouseError.postgres(_, state, message, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(state, "2BP01", "dependent_objects_still_exist")
            XCTAssertTrue(message.contains("view users_view_of_k depends on table k"), message)
            XCTAssertTrue(message.contains("(hint: "), message)
        }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM k").intValue, 1, "the connection is usable after errors")
    }

    func testATransactionThatThrowsLeavesNothing() throws {
        let (db, drop) = try connect()
        defer { drop() }
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        struct Stop: Error {}
        XCTAssertThrowsError(try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            throw Stop()
        })
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t").intValue, 0)
        try db.transaction { try db.run("INSERT INTO t VALUES (2)") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t").intValue, 1)
    }

    /// COPY's text format escapes backslash, tab, newline and carriage return; NULL and
    /// the empty string stay apart; a row in error ends the COPY with nothing kept.
    func testCopyRoundTripsHostileTextAndAFailedCopyKeepsNoRow() throws {
        let (db, drop) = try connect()
        defer { drop() }
        try db.execute("CREATE TABLE \"we\"\"ird table\" (n INTEGER NOT NULL, s TEXT, x DOUBLE PRECISION)")
        let texts = ["plain", "tab\there", "line\nbreak", "cr\r\nlf", "back\\slash \\N not null", "", "\\.", "ünï 🎉"]
        let taken = try db.copy(into: "we\"ird table", columns: ["n", "s", "x"]) { writer in
            for (index, text) in texts.enumerated() { try writer.write([.integer(Int64(index)), .text(text), .real(Double(index) / 3)]) }
            try writer.write([.integer(99), .null, .null])
        }
        XCTAssertEqual(taken, texts.count + 1)
        let back = try db.query("SELECT s, x FROM \"we\"\"ird table\" WHERE n < 99 ORDER BY n") { ($0.text(0), $0.double(1)) }
        XCTAssertEqual(back.map(\.0), texts)
        for (index, row) in back.enumerated() { XCTAssertEqual(row.1, Double(index) / 3, "doubles keep every bit") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM \"we\"\"ird table\" WHERE n = 99 AND s IS NULL").intValue, 1)
        // A NOT NULL violation in the stream: the whole COPY is refused.
        XCTAssertThrowsError(try db.copy(into: "we\"ird table", columns: ["n", "s", "x"]) { writer in
            try writer.write([.integer(100), .text("kept?"), .null])
            try writer.write([.null, .text("bad"), .null])
        }) { error in
            guard case let WarehouseError.postgres(_, state, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(state, "23502", "not_null_violation")
        }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM \"we\"\"ird table\" WHERE n >= 100").intValue, 0)
        // An error on our side mid-stream also ends the COPY with nothing kept.
        struct Stop: Error {}
        XCTAssertThrowsError(try db.copy(into: "we\"ird table", columns: ["n", "s", "x"]) { writer in
            try writer.write([.integer(101), .text("kept?"), .null])
            throw Stop()
        }) { XCTAssertTrue($0 is Stop, "\($0)") }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM \"we\"\"ird table\" WHERE n >= 100").intValue, 0)
    }

    func testIdentifiersAreQuotedByLibpq() throws {
        let (db, drop) = try connect()
        defer { drop() }
        XCTAssertEqual(try db.identifier("plain"), "\"plain\"")
        XCTAssertEqual(try db.identifier("a\"; DROP TABLE x; --"), "\"a\"\"; DROP TABLE x; --\"")
    }

    /// The password never appears in an error, a redacted location or the server's list of
    /// sessions' application names.
    func testThePasswordNeverAppearsInErrorsOrRedactedLocations() throws {
        guard let url = PostgresSupport.url else {
            if PostgresSupport.required { XCTFail(PostgresSupport.absent) }
            throw XCTSkip(PostgresSupport.absent)
        }
        let location = WarehouseLocation(url)
        XCTAssertTrue(location.isPostgres)
        guard let at = url.lastIndex(of: "@"), let colon = url[url.index(url.startIndex, offsetBy: 13)..<at].lastIndex(of: ":") else {
            return XCTFail("the CI URL carries a password: \(location.redacted)")
        }
        let password = String(url[url.index(after: colon)..<at])
        XCTAssertFalse(location.redacted.contains(password))
        XCTAssertTrue(location.redacted.contains(":***@"))
        let wrong = url.replacingOccurrences(of: ":" + password + "@", with: ":not-\(password)@")
        XCTAssertThrowsError(try PostgresConnection(WarehouseLocation(wrong))) { error in
            let text = "\(error)"
            XCTAssertFalse(text.contains(password), text)
            XCTAssertTrue(text.contains("password authentication failed"), text)
            XCTAssertTrue(text.contains("cannot connect to the PostgreSQL warehouse"), text)
        }
        let unreachable = WarehouseLocation("postgresql://someone:s3cret@127.0.0.1:1/none?connect_timeout=2&password=other")
        XCTAssertThrowsError(try PostgresConnection(unreachable)) { error in
            XCTAssertFalse("\(error)".contains("s3cret") || "\(error)".contains("other"), "\(error)")
        }
        XCTAssertEqual(unreachable.redacted, "postgresql://someone:***@127.0.0.1:1/none?connect_timeout=2&password=***")
        XCTAssertEqual(WarehouseLocation("var/warehouse.sqlite"), .sqlite(path: "var/warehouse.sqlite"))
        XCTAssertEqual(WarehouseLocation("postgres://u@h/db").redacted, "postgres://u@h/db")
    }
}

extension PostgresConnectionTests {
    /// One run at a time: a second session cannot take the warehouse's advisory lock and
    /// learns who holds it; when the holder's session ends (a killed run) the lock is free.
    func testTheAdvisoryLockAdmitsOneSessionAndNamesTheHolder() throws {
        let (first, drop) = try connect()
        defer { drop() }
        guard let url = PostgresSupport.url else { return }
        let schema = "lock_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        let mine = PostgresAdvisoryLock(connection: first, schema: schema)
        XCTAssertNil(try mine.acquire(), "the first session takes it")
        do {
            let second = try PostgresConnection(WarehouseLocation(url), applicationName: "ambassador run (second)")
            let theirs = PostgresAdvisoryLock(connection: second, schema: schema)
            let holder = try XCTUnwrap(try theirs.acquire(), "the second session is refused")
            XCTAssertEqual(holder.application, "ambassador-tests", "the holder is named by its application name")
            XCTAssertEqual(holder.pid, Int32(try XCTUnwrap(first.scalar("SELECT pg_backend_pid()").intValue)))
            XCTAssertTrue(holder.since.hasSuffix("Z"), holder.since)
            // Another warehouse (schema) has a lock of its own.
            XCTAssertNil(try PostgresAdvisoryLock(connection: second, schema: schema + "_other").acquire())
            try mine.release()
            XCTAssertNil(try theirs.acquire(), "released: the next run takes it")
        }
        // The second session ended without releasing (a killed run): the lock is free again.
        // (The server ends the backend a moment after the client hangs up: wait up to 5 s.)
        let third = try PostgresConnection(WarehouseLocation(url))
        let lock = PostgresAdvisoryLock(connection: third, schema: schema)
        var holder = try lock.acquire()
        for _ in 0..<50 where holder != nil {
            usleep(100_000)
            holder = try lock.acquire()
        }
        XCTAssertNil(holder)
    }
}
