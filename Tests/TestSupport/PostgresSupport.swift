import AmbassadorCore
import Foundation
import Warehouse

/// The throw-away PostgreSQL cluster `.ci/with-postgres` starts (its URL in
/// `AMBASSADOR_TEST_POSTGRES_URL`). Each test works in a schema of its own, dropped after.
public enum PostgresSupport {
    /// The server's URL, or nil when the tests run without one.
    public static var url: String? {
        let value = ProcessInfo.processInfo.environment["AMBASSADOR_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }

    /// CI sets `AMBASSADOR_REQUIRE_POSTGRES=1`: a missing server is then a failure, not a skip.
    public static var required: Bool { ProcessInfo.processInfo.environment["AMBASSADOR_REQUIRE_POSTGRES"] == "1" }

    /// What a test says when the server is absent.
    public static let absent = "no PostgreSQL server: run the tests through `.ci/with-postgres` (make test does) to include this one"

    /// A connection whose search path is a fresh schema; `drop` removes the schema.
    package static func connectToNewSchema(_ name: String = #function) throws -> (connection: PostgresConnection, schema: String, drop: () -> Void)? {
        guard let url else { return nil }
        let connection = try PostgresConnection(.postgres(url: url), applicationName: "ambassador-tests")
        let safe = name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30)
        let schema = "t_\(safe)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("CREATE SCHEMA \(try connection.identifier(schema)); SET search_path TO \(try connection.identifier(schema))")
        return (connection, schema, {
            try? connection.execute("SET search_path TO public; DROP SCHEMA IF EXISTS \((try? connection.identifier(schema)) ?? schema) CASCADE")
        })
    }
}
