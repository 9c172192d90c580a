import XCTest
import Warehouse

/// Comparing what the two engines hold: equal, or the lines only one of them has.
package enum EngineComparison {
    /// The two dumps are equal (in order); when not, the lines only one of them has are shown.
    /// `names`: what the two sides are (the engines, or after and before on one of them).
    package static func assertSameLines(_ postgres: [String], _ sqlite: [String], _ what: String,
                                        names: (String, String) = ("PostgreSQL", "SQLite"),
                                        file: StaticString = #filePath, line: UInt = #line) {
        guard postgres != sqlite else { return }
        let (sqliteLines, postgresLines) = (Set(sqlite), Set(postgres))
        let onlyPostgres = postgres.filter { !sqliteLines.contains($0) }.prefix(4)
        let onlySQLite = sqlite.filter { !postgresLines.contains($0) }.prefix(4)
        XCTFail("\(what): \(names.0) and \(names.1) differ (\(sqlite.count) lines in \(names.1), \(postgres.count) in \(names.0)); only in \(names.0): "
                + "\(Array(onlyPostgres)); only in \(names.1): \(Array(onlySQLite))"
                + (onlyPostgres.isEmpty && onlySQLite.isEmpty ? " (the same lines in another order, or repeated)" : ""), file: file, line: line)
    }

    /// Table by table (`WarehouseDump.dump`'s shape), the same rows on both engines.
    package static func assertSameTables(_ postgres: [String: [String]], _ sqlite: [String: [String]], _ what: String = "",
                                         names: (String, String) = ("PostgreSQL", "SQLite"),
                                         file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(postgres.keys.sorted(), sqlite.keys.sorted(), "\(what): the same tables", file: file, line: line)
        for (table, rows) in sqlite.sorted(by: { $0.key < $1.key }) {
            assertSameLines(postgres[table] ?? [], rows, "\(what) \(table)", names: names, file: file, line: line)
        }
    }
}

extension PostgresSupport {
    /// A connection to a fresh schema (migrated when asked, with run 1 in its ledger) and what
    /// drops it; without a server the test is skipped — or fails, where CI requires the server.
    package static func schemaOrSkip(_ name: String = #function, migrated: Bool = false) throws -> (PostgresConnection, () -> Void) {
        let session = migrated ? try migratedSchema(name) : try connectToNewSchema(name).map { ($0.connection, $0.drop) }
        guard let session else {
            if required { XCTFail(absent) }
            throw XCTSkip(absent)
        }
        return session
    }

    /// A migrated in-memory SQLite warehouse and a migrated PostgreSQL schema (skipped, or
    /// failed when required, without a server), for a store test run on both engines; the
    /// closure drops the schema.
    package static func migratedEngines(_ name: String = #function) throws -> (connections: [any WarehouseConnection], drop: () -> Void) {
        let sqlite = try Database(path: ":memory:")
        let (server, drop) = try schemaOrSkip(name)
        try Migrator.migrate(sqlite, appliedAt: "2026-12-01T00:00:00Z")
        _ = try Migrator.migrate(server, appliedAt: "2026-12-01T00:00:00Z")
        return ([sqlite, server], drop)
    }
}
