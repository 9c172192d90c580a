import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The two engines hold the same warehouse: a SQLite file migrated step by step and a
/// PostgreSQL schema created whole have the same relations, and every table the same columns
/// in the same order, with the same storage family, nullability and primary key.
final class EngineCatalogTests: XCTestCase {
    func postgres(_ name: String = #function) throws -> (PostgresConnection, () -> Void) {
        try PostgresSupport.schemaOrSkip(name)
    }

    func testBothEnginesHaveTheSameTablesColumnsAndKeys() throws {
        let sqlite = try Database(path: ":memory:")
        try Migrator.migrate(sqlite, appliedAt: "2026-12-01T00:00:00Z")
        let (pg, drop) = try postgres()
        defer { drop() }
        XCTAssertEqual(try Migrator.migrate(pg, appliedAt: "2026-12-01T00:00:00Z"), WarehouseSchema.migrations.map(\.version))

        let sqliteRelations = try sqlite.relations()
        let pgRelations = try pg.relations()
        XCTAssertEqual(pgRelations.map(\.name), sqliteRelations.map(\.name), "the same tables and views")
        XCTAssertEqual(pgRelations.map(\.isView), sqliteRelations.map(\.isView))
        XCTAssertGreaterThan(sqliteRelations.count, 30, "a migrated warehouse has its tables")

        for relation in sqliteRelations {
            let left = try sqlite.columnInfo(of: relation.name)
            let right = try pg.columnInfo(of: relation.name)
            XCTAssertFalse(left.isEmpty, relation.name)
            XCTAssertEqual(right.map(\.name), left.map(\.name), "\(relation.name): columns in the same order")
            // A view's column types are the engines' inference; its names are the contract.
            guard !relation.isView, right.count == left.count else { continue }
            // A partitioned table's primary key must hold its partition key: PostgreSQL's event
            // facts are keyed (event_key, occurred_at) where SQLite's are keyed event_key.
            let partitionKey = MonthlyPartitions.facts.first { $0.table == relation.name }?.key
            for (l, r) in zip(left, right) {
                XCTAssertEqual(r.family, l.family, "\(relation.name).\(l.name): storage family")
                XCTAssertEqual(r.primaryKeyPosition, l.name == partitionKey ? 2 : l.primaryKeyPosition, "\(relation.name).\(l.name): primary key position")
                // SQLite's INTEGER PRIMARY KEY (the rowid) takes no NULL though it does not say NOT NULL.
                let sqliteNotNull = l.notNull || (l.primaryKeyPosition > 0)
                XCTAssertEqual(r.notNull, sqliteNotNull, "\(relation.name).\(l.name): NOT NULL")
            }
        }
        XCTAssertEqual(try pg.count("SELECT count(*) FROM etl_schema_version"), try sqlite.count("SELECT count(*) FROM etl_schema_version"))
        // Text sorts by bytes, as SQLite's BINARY: 'B' before 'a' whatever the server's locale.
        XCTAssertEqual(try pg.count("""
            SELECT count(*) FROM information_schema.columns c JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = current_schema() AND c.data_type = 'text' AND c.table_name <> 'etl_schema_version'
              AND coalesce(c.collation_name, '') <> 'C'
            """), 0, "every text column of the warehouse collates as C")
        try pg.run("INSERT INTO dim_team (team_id, name, first_seen, last_seen) VALUES ('a', 'a', '', ''), ('B', 'B', '', '')")
        XCTAssertEqual(try pg.rows("SELECT team_id FROM dim_team ORDER BY team_id", []) { $0.text(0) ?? "" }, ["B", "a"])
    }

    func testAPostgreSQLWarehouseIsCreatedOnceAndACurrentOneIsLeftAlone() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        XCTAssertFalse(try Migrator.migrate(pg, appliedAt: "2026-12-01T00:00:00Z").isEmpty)
        try pg.run("INSERT INTO etl_state (source, key, value) VALUES (?, ?, ?)", [.text("s"), .text("k"), .text("v")])
        XCTAssertEqual(try Migrator.migrate(pg, appliedAt: "2026-12-02T00:00:00Z"), [], "nothing to apply")
        XCTAssertEqual(try pg.scalar("SELECT value FROM etl_state WHERE source = ?", [.text("s")]), .text("v"), "rows kept")
        XCTAssertEqual(try pg.scalar("SELECT min(applied_at) FROM etl_schema_version"), .text("2026-12-01T00:00:00Z"))

        // A warehouse of a newer ambassador is refused, not written.
        try pg.run("INSERT INTO etl_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                   [.integer(Int64(PostgresSchema.version + 1)), .text("future"), .text("2027-01-01")])
        XCTAssertThrowsError(try Migrator.migrate(pg, appliedAt: "2026-12-03T00:00:00Z")) { error in
            guard case WarehouseError.schemaTooNew(_, let found, let known) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(found, PostgresSchema.version + 1)
            XCTAssertEqual(known, PostgresSchema.version)
        }
    }

    func testEventFactsTreatNullsAsEqualInTheirNaturalKeyOnBothEngines() throws {
        let sqlite = try Database(path: ":memory:")
        try Migrator.migrate(sqlite, appliedAt: "2026-12-01T00:00:00Z")
        let (pg, drop) = try postgres()
        defer { drop() }
        try Migrator.migrate(pg, appliedAt: "2026-12-01T00:00:00Z")
        let insert = """
            INSERT INTO fact_customer_event (source, customer_id, event, occurred_at, amount, _file_id, _record_no)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """
        for connection in [sqlite as any WarehouseConnection, pg] {
            for record in 1...2 {
                try connection.run(insert, [.text("crm"), .text("C1"), .text("churn"), .text("2026-03-01"), .null, .integer(1), .integer(Int64(record))])
            }
            try connection.run(insert, [.text("crm"), .text("C1"), .text("churn"), .text("2026-03-01"), .real(0), .integer(1), .integer(3)])
            XCTAssertEqual(try connection.count("SELECT count(*) FROM fact_customer_event"), 2,
                           "\(connection.engine): the second NULL-amount event is the same event; an amount of 0 is another")
        }
    }

    func testQuestionMarksAreNumberedOutsideQuotesAndComments() {
        XCTAssertEqual(numberedParameters("SELECT ? , '?', \"a?\" -- ?\n, ? /* ? */ , ?"),
                       "SELECT $1 , '?', \"a?\" -- ?\n, $2 /* ? */ , $3")
        XCTAssertEqual(numberedParameters("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1")
        XCTAssertEqual(numberedParameters("SELECT $1, $2"), "SELECT $1, $2", "already numbered")
        XCTAssertEqual(numberedParameters("WHERE a = ?1 AND b = ?3 AND c = ?2 AND d = ?"), "WHERE a = $1 AND b = $3 AND c = $2 AND d = $4",
                       "?NNN keeps its number; a bare ? takes the next after the largest, as in SQLite")
    }
}
