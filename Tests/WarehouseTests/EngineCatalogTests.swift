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
        for relation in sqliteRelations where !relation.isView {
            XCTAssertEqual(try foreignKeys(of: relation.name, pg), try foreignKeys(of: relation.name, sqlite), "\(relation.name): foreign keys")
        }
        let versions = "SELECT version, name FROM etl_schema_version ORDER BY version"
        XCTAssertEqual(try pg.rows(versions, []) { "\($0.int(0)) \($0.text(1) ?? "")" },
                       try sqlite.rows(versions, []) { "\($0.int(0)) \($0.text(1) ?? "")" }, "the same versions, each by the same name")
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

    /// The foreign keys of `table`, each as "column → table.column", sorted.
    func foreignKeys(of table: String, _ connection: any WarehouseConnection) throws -> [String] {
        let sql = connection.engine == .sqlite
            ? "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)"
            : """
              SELECT a.attname, r.relname, ra.attname FROM pg_constraint c
              JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
              JOIN pg_class r ON r.oid = c.confrelid
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
              JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
              WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = ?
              """
        return try connection.rows(sql, [.text(table)]) { "\($0.text(0) ?? "") → \($0.text(1) ?? "").\($0.text(2) ?? "")" }.sorted()
    }

    /// A warehouse left at an earlier version by an older ambassador takes the later steps on
    /// both engines, its rows kept: version 13 drops `etl_ticket_file`'s foreign key.
    func testAnOlderWarehouseTakesTheLaterStepsWithItsRowsOnBothEngines() throws {
        let sqlite = try Database(path: ":memory:")
        try Migrator.migrate(sqlite, migrations: WarehouseSchema.migrations.filter { $0.version <= 12 }, appliedAt: "then")
        let (pg, drop) = try postgres()
        defer { drop() }
        XCTAssertEqual(try Migrator.migrate(pg, steps: [], appliedAt: "then"), Array(1...12), "created at 12, no steps")
        for connection in [sqlite as any WarehouseConnection, pg] {
            XCTAssertEqual(try foreignKeys(of: "etl_ticket_file", connection), ["file_id → etl_source_file.file_id"], "\(connection.engine): version 12 has the key")
            try connection.run("INSERT INTO etl_source_file (file_id, source, path, sha256, size, status) VALUES (7, 'zd', 'a.csv', 'x', 1, 'loaded')")
            try connection.run("INSERT INTO etl_ticket_file (ticket_id, file_id, records) VALUES ('T1', 7, 1), ('T2', 7, 2)")
            XCTAssertThrowsError(try connection.run("INSERT INTO etl_ticket_file (ticket_id, file_id, records) VALUES ('T3', 8, 1)"),
                                 "\(connection.engine): version 12 checks the key")
        }
        XCTAssertEqual(try Migrator.migrate(sqlite, appliedAt: "now"), [13, 14, 15])
        XCTAssertEqual(try Migrator.migrate(pg, appliedAt: "now"), [13, 14, 15])
        for connection in [sqlite as any WarehouseConnection, pg] {
            XCTAssertEqual(try foreignKeys(of: "etl_ticket_file", connection), [], "\(connection.engine)")
            XCTAssertEqual(try connection.rows("SELECT ticket_id, file_id, records FROM etl_ticket_file ORDER BY ticket_id", []) {
                "\($0.text(0) ?? "") \($0.int(1)) \($0.int(2))"
            }, ["T1 7 1", "T2 7 2"], "\(connection.engine): rows kept")
            XCTAssertEqual(try connection.scalar("SELECT applied_at FROM etl_schema_version WHERE version = 13"), .text("now"))
            XCTAssertEqual(try Migrator.currentVersion(connection), WarehouseSchema.migrations.count)
        }
    }

    /// A PostgreSQL step that fails leaves the warehouse at the version before it, whole.
    func testAFailedPostgreSQLStepLeavesTheWarehouseAsItWas() throws {
        let (pg, drop) = try postgres()
        defer { drop() }
        try Migrator.migrate(pg, steps: [], appliedAt: "then")
        try pg.run("INSERT INTO etl_state (source, key, value) VALUES ('s', 'k', 'v')")
        let broken = Migration(version: 13, name: "broken", sql: "DROP TABLE etl_state; ALTER TABLE no_such_table ADD COLUMN x bigint")
        XCTAssertThrowsError(try Migrator.migrate(pg, steps: [broken], appliedAt: "now")) { error in
            guard case WarehouseError.migration(_, let version, let message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(version, 13)
            XCTAssertTrue(message.contains("no_such_table"), message)
        }
        XCTAssertEqual(try Migrator.currentVersion(pg), 12)
        XCTAssertEqual(try pg.scalar("SELECT value FROM etl_state WHERE source = 's'"), .text("v"), "the step's first statement rolled back")
        // A warehouse older than the first PostgreSQL one has no way forward and is refused.
        try pg.run("DELETE FROM etl_schema_version WHERE version > 3")
        XCTAssertThrowsError(try Migrator.migrate(pg, appliedAt: "now")) { error in
            guard case WarehouseError.migration(_, let version, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(version, 4)
        }
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
