import Foundation
import AmbassadorCore
import TestSupport
import XCTest
@testable import Warehouse

final class DatabaseTests: XCTestCase {
    private func open() throws -> (Database, String) {
        let path = TestSupport.temporaryDirectory() + "/w.sqlite"
        return (try Database(path: path), path)
    }

    func testNewFileIsPrivateAndInWALModeWithForeignKeys() throws {
        let directory = TestSupport.temporaryDirectory() + "/nested/var"
        let path = directory + "/w.sqlite"
        let database = try Database(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let dirAttributes = try FileManager.default.attributesOfItem(atPath: directory)
        XCTAssertEqual((dirAttributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)
        XCTAssertEqual(try database.scalar("PRAGMA journal_mode").stringValue, "wal")
        XCTAssertEqual(try database.count("PRAGMA foreign_keys"), 1)
        XCTAssertEqual(try database.count("PRAGMA busy_timeout"), Int(Database.busyTimeoutMilliseconds))
    }

    /// A new warehouse has `Database.pageSize` pages (chosen before WAL writes anything); a
    /// warehouse made with another page size — an older one, or one `sqlite3` made — keeps
    /// its own, and its rows, when opened. Either checkpoints its WAL at 4 MB.
    func testANewWarehouseHasLargePagesAndAnOlderOneKeepsItsOwn() throws {
        let (fresh, _) = try open()
        XCTAssertEqual(try fresh.count("PRAGMA page_size"), Database.pageSize)
        XCTAssertEqual(try fresh.count("PRAGMA wal_autocheckpoint") * Database.pageSize, 4 << 20, "a 4 MB WAL is checkpointed")
        XCTAssertNotEqual(Database.pageSize, 4096, "the test below needs a size other than the new one")
        let path = TestSupport.temporaryDirectory() + "/old.sqlite"
        do {
            // SQLite changes a file's page size only by a VACUUM out of WAL mode.
            let old = try Database(path: path)
            try old.execute("""
                PRAGMA journal_mode=DELETE; PRAGMA page_size=4096; VACUUM;
                CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('kept');
                """)
            XCTAssertEqual(try old.count("PRAGMA page_size"), 4096)
        }
        let reopened = try Database(path: path)
        XCTAssertEqual(try reopened.count("PRAGMA page_size"), 4096)
        XCTAssertEqual(try reopened.scalar("SELECT a FROM t").stringValue, "kept")
        XCTAssertEqual(try reopened.scalar("PRAGMA journal_mode").stringValue, "wal")
        XCTAssertEqual(try reopened.count("PRAGMA wal_autocheckpoint"), 1024, "4 MB of its pages")
    }

    /// A file that is not a SQLite database fails to open as damaged, every time, and the
    /// connection SQLite had made is closed once (by the object's deinit, not also by the
    /// failing initializer: a second close would free it twice).
    func testAFileThatIsNotADatabaseIsRefusedAsDamagedAndClosedOnce() throws {
        let path = TestSupport.temporaryDirectory() + "/junk.sqlite"
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        for _ in 0..<25 {
            XCTAssertThrowsError(try Database(path: path)) { error in
                guard let error = error as? WarehouseError, case .open = error else { return XCTFail("\(error)") }
                XCTAssertTrue(error.isDamaged, "\(error)")
                XCTAssertTrue("\(error)".contains("damaged or not a SQLite database"), "\(error)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(repeating: 0x41, count: 4096), "the file is left as it was")
        let (database, _) = try open()
        XCTAssertEqual(try database.scalar("SELECT 1 + 1").intValue, 2)
    }

    func testTypedValuesRoundTrip() throws {
        let (database, _) = try open()
        try database.execute("CREATE TABLE t (a, b, c, d)")
        let text = "Zoë \"quoted\" — 02116"
        try database.run("INSERT INTO t VALUES (?, ?, ?, ?)", [.integer(-42), .real(2.5), .text(text), .null])
        let row = try database.query("SELECT a, b, c, d, typeof(c) FROM t") { [$0.value(0), $0.value(1), $0.value(2), $0.value(3), $0.value(4)] }
        XCTAssertEqual(row.first, [.integer(-42), .real(2.5), .text(text), .null, .text("text")])
    }

    func testZeroCopyTextBindingKeepsBytesAndEmptyIsNotNull() throws {
        let (database, _) = try open()
        try database.execute("CREATE TABLE t (a TEXT)")
        let statement = try database.prepare("INSERT INTO t VALUES (?)")
        for text in ["héllo", ""] {
            var copy = text
            try copy.withUTF8 { try statement.bindText($0, at: 1) }
            try statement.step()
            statement.reset()
        }
        XCTAssertEqual(try database.query("SELECT a, a IS NULL FROM t ORDER BY rowid") { "\($0.text(0) ?? "nil")|\($0.int(1))" },
                       ["héllo|0", "|0"])
    }

    func testErrorsCarryCodeMessageAndSQL() throws {
        let (database, path) = try open()
        XCTAssertThrowsError(try database.run("SELEC 1")) { error in
            guard case let .sqlite(errorPath, code, message, sql) = error as? WarehouseError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(errorPath, path)
            XCTAssertEqual(code & 0xFF, 1)
            XCTAssertTrue(message.contains("syntax error"), message)
            XCTAssertEqual(sql, "SELEC 1")
            XCTAssertTrue("\(error)".contains("SELEC 1"))
        }
        try database.execute("CREATE TABLE u (k TEXT PRIMARY KEY)")
        try database.run("INSERT INTO u VALUES ('a')")
        XCTAssertThrowsError(try database.run("INSERT INTO u VALUES (?)", [.text("a")])) { error in
            XCTAssertEqual((error as? WarehouseError)?.code, 1555, "SQLITE_CONSTRAINT_PRIMARYKEY, extended code")
            XCTAssertTrue("\(error)".contains("UNIQUE constraint failed"), "\(error)")
        }
    }

    func testTransactionRollsBackOnErrorAndSavepointKeepsOuterWork() throws {
        let (database, _) = try open()
        try database.execute("CREATE TABLE t (a INTEGER)")
        struct Boom: Error {}
        XCTAssertThrowsError(try database.transaction {
            try database.run("INSERT INTO t VALUES (1)")
            throw Boom()
        })
        XCTAssertEqual(try database.count("SELECT count(*) FROM t"), 0)
        try database.transaction {
            try database.run("INSERT INTO t VALUES (2)")
            XCTAssertThrowsError(try database.savepoint {
                try database.run("INSERT INTO t VALUES (3)")
                throw Boom()
            })
            try database.savepoint { try database.run("INSERT INTO t VALUES (4)") }
        }
        XCTAssertEqual(try database.query("SELECT a FROM t ORDER BY a") { $0.int(0) }, [2, 4])
    }

    func testMigrationsApplyOnceAndAreRecorded() throws {
        let (database, path) = try open()
        let first = try Migrator.migrate(database, appliedAt: "2026-11-22T00:00:00Z")
        XCTAssertEqual(first, WarehouseSchema.migrations.map(\.version))
        XCTAssertEqual(try Migrator.migrate(database, appliedAt: "2026-11-23T00:00:00Z"), [])
        XCTAssertEqual(try database.count("SELECT count(*) FROM etl_schema_version"), WarehouseSchema.migrations.count)
        for table in ["etl_run", "etl_stage_run", "etl_source_file", "etl_reject", "etl_check", "etl_state",
                      "dim_employee", "dim_team", "dim_agent_identity", "fact_ticket", "score_agent_period"] {
            XCTAssertTrue(try database.tableExists(table), table)
        }
        let extra = Migration(version: 99, name: "test", sql: "CREATE TABLE later (x)")
        XCTAssertEqual(try Migrator.migrate(database, migrations: WarehouseSchema.migrations + [extra], appliedAt: "x"), [99])
        // The older code now refuses the newer warehouse instead of corrupting it.
        XCTAssertThrowsError(try Migrator.migrate(database, appliedAt: "x")) { error in
            XCTAssertEqual(error as? WarehouseError, .schemaTooNew(path: path, found: 99, known: WarehouseSchema.migrations.count))
        }
    }

    func testFailedMigrationLeavesNoTrace() throws {
        let (database, _) = try open()
        let broken = Migration(version: 1, name: "broken", sql: "CREATE TABLE a (x); CREATE TABLE oops (")
        XCTAssertThrowsError(try Migrator.migrate(database, migrations: [broken], appliedAt: "x"))
        XCTAssertFalse(try database.tableExists("a"))
        XCTAssertEqual(try Migrator.currentVersion(database), 0)
    }

    /// A new warehouse takes its schema whole or not at all (one transaction); a warehouse
    /// already at some version takes each later migration in its own, so those before a
    /// failing one stay. Either way the error names the migration that failed.
    func testANewWarehouseTakesItsSchemaWholeAnOlderOneMigrationByMigration() throws {
        let steps = [Migration(version: 1, name: "one", sql: "CREATE TABLE one (x)"),
                     Migration(version: 2, name: "two", sql: "CREATE TABLE two (x)"),
                     Migration(version: 3, name: "broken", sql: "CREATE TABLE oops (")]
        func failedVersion(_ database: Database, _ migrations: [Migration]) -> Int? {
            do {
                try Migrator.migrate(database, migrations: migrations, appliedAt: "x")
                return nil
            } catch WarehouseError.migration(_, let version, _) {
                return version
            } catch {
                XCTFail("\(error)")
                return nil
            }
        }
        let (new, _) = try open()
        XCTAssertEqual(failedVersion(new, steps), 3)
        XCTAssertFalse(try new.tableExists("one"))
        XCTAssertEqual(try Migrator.currentVersion(new), 0)

        let (older, _) = try open()
        XCTAssertEqual(try Migrator.migrate(older, migrations: Array(steps.prefix(1)), appliedAt: "x"), [1])
        XCTAssertEqual(failedVersion(older, steps), 3)
        XCTAssertTrue(try older.tableExists("two"))
        XCTAssertEqual(try Migrator.currentVersion(older), 2)
    }

    func testBulkInserterQuotesHostileIdentifiers() throws {
        let (database, _) = try open()
        let hostile = "x\"; DROP TABLE victim; --"
        try database.execute("CREATE TABLE victim (a)")
        try database.execute("CREATE TABLE \(Database.quote("t")) (\(Database.quote(hostile)) TEXT, b INTEGER)")
        let inserter = try BulkInserter(database: database, table: "t", columns: [hostile, "b"])
        try database.transaction {
            for i in 0..<1000 { try inserter.insert([.text("v\(i)"), .integer(Int64(i))]) }
        }
        XCTAssertEqual(inserter.rowsInserted, 1000)
        XCTAssertEqual(try database.count("SELECT sum(b) FROM t"), 499_500)
        XCTAssertTrue(try database.tableExists("victim"))
        XCTAssertEqual(try database.columns(of: "t"), [hostile, "b"])
    }

    func testReadOnlyConnectionSeesCommittedDataDuringAWrite() throws {
        let (writer, path) = try open()
        try writer.execute("CREATE TABLE t (a)")
        try writer.run("INSERT INTO t VALUES (1)")
        try writer.execute("BEGIN IMMEDIATE")
        try writer.run("INSERT INTO t VALUES (2)")
        let reader = try Database(path: path, readOnly: true)
        XCTAssertEqual(try reader.count("SELECT count(*) FROM t"), 1, "WAL: readers see the last commit, never wait")
        try writer.execute("COMMIT")
        XCTAssertEqual(try reader.count("SELECT count(*) FROM t"), 2)
        XCTAssertThrowsError(try reader.run("INSERT INTO t VALUES (3)"))
    }
}

extension DatabaseTests {
    /// A warehouse made before the v4 table rebuilds keeps its rows through them.
    func testMigratingAFilledWarehouseKeepsItsRows() throws {
        let (database, _) = try open()
        try Migrator.migrate(database, migrations: Array(WarehouseSchema.migrations.prefix(3)), appliedAt: "then")
        try database.execute("""
            INSERT INTO etl_run (run_id, command, arguments, run_date, started_at, status) VALUES (1, 'run', '', '2026-01-01', 'then', 'succeeded');
            INSERT INTO etl_source_file (file_id, source, path, sha256, size, status) VALUES (1, 'tickets', '/in/t.csv', 'abc', 10, 'loaded');
            INSERT INTO etl_source_file (file_id, source, path, sha256, size, status) VALUES (2, 'tickets', '/in/u.csv', 'def', 10, 'normalized');
            INSERT INTO stg_ticket (file_id, record_no, source, ticket_id, created_at) VALUES (1, 2, 'tickets', '02116', '2026-01-01T00:00:00Z');
            INSERT INTO stg_ticket (file_id, record_no, source, ticket_id, created_at) VALUES (1, 3, 'tickets', '02116', '2026-01-01T00:00:00Z');
            INSERT INTO stg_ticket (file_id, record_no, source, ticket_id, created_at) VALUES (2, 2, 'tickets', '02117', '2026-01-02T00:00:00Z');
            INSERT INTO stg_employee (file_id, record_no, source, snapshot_date, employee_id) VALUES (1, 2, 'roster', '2026-01-01', 'E1');
            INSERT INTO fact_ticket (ticket_id, source, created_at, team_id, _file_id, _record_no) VALUES ('02116', 'tickets', '2026-01-01T00:00:00Z', 'A', 1, 2);
            """)
        try Migrator.migrate(database, appliedAt: "now")
        XCTAssertEqual(try Migrator.currentVersion(database), WarehouseSchema.migrations.count)
        XCTAssertEqual(try database.query("SELECT ticket_id, team_id, attributed_version FROM fact_ticket") {
            "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.int(2))"
        }, ["02116|A|0"])
        // Migration 12: a loaded file's staged tickets become the list of tickets it holds;
        // a file still waiting for load keeps its staged rows.
        XCTAssertEqual(try database.query("SELECT ticket_id, file_id, records FROM etl_ticket_file") { "\($0.text(0) ?? "")|\($0.int(1))|\($0.int(2))" },
                       ["02116|1|2"])
        XCTAssertEqual(try database.query("SELECT file_id, ticket_id FROM stg_ticket") { "\($0.int(0))|\($0.text(1) ?? "")" }, ["2|02117"])
        XCTAssertEqual(try database.count("SELECT count(*) FROM stg_employee WHERE employee_id = 'E1'"), 1)
        let sql = try database.scalar("SELECT sql FROM sqlite_master WHERE name = 'fact_ticket'").stringValue ?? ""
        XCTAssertTrue(sql.contains("WITHOUT ROWID"), sql)
        XCTAssertEqual(try database.scalar("PRAGMA integrity_check").stringValue, "ok")
    }

    /// Migration 9 renumbers staged ticket events (several per audit) and keeps the rows a
    /// killed run left staged for load.
    func testStagedTicketEventsSurviveTheAuditMigration() throws {
        let (database, _) = try open()
        try Migrator.migrate(database, migrations: Array(WarehouseSchema.migrations.prefix(8)), appliedAt: "then")
        try database.execute("""
            INSERT INTO stg_ticket_event (file_id, record_no, source, ticket_id, occurred_at, event, actor_id)
            VALUES (4, 2, 'log', '100', '2026-02-01T08:00:00Z', 'created', NULL), (4, 3, 'log', '100', '2026-02-01T08:05:00Z', 'assigned', 'A1');
            """)
        try Migrator.migrate(database, appliedAt: "now")
        XCTAssertEqual(try database.query("SELECT record_no, event_no, event, coalesce(actor_id, '-') FROM stg_ticket_event ORDER BY record_no") {
            "\($0.int(0)) \($0.int(1)) \($0.text(2) ?? "") \($0.text(3) ?? "")"
        }, ["2 0 created -", "3 0 assigned A1"])
        try database.execute("""
            INSERT INTO stg_ticket_event (file_id, record_no, event_no, source, ticket_id, occurred_at, event)
            VALUES (5, 1, 0, 'audits', '7', '2026-02-01T09:00:00Z', 'created'), (5, 1, 1, 'audits', '7', '2026-02-01T09:00:00Z', 'public_comment');
            """)
        XCTAssertEqual(try database.count("SELECT count(*) FROM stg_ticket_event WHERE file_id = 5 AND record_no = 1"), 2)
        XCTAssertEqual(try database.scalar("PRAGMA integrity_check").stringValue, "ok")
    }

    /// Migration 10 keys linkage estimates by model: the old single model's rows become the
    /// joint model's (it held all three predictors), descriptive rows get their own model,
    /// and the linkage is marked for refitting; one predictor can then sit in several models.
    func testLinkageEstimatesKeepTheirRowsAndGainAModel() throws {
        let (database, _) = try open()
        try Migrator.migrate(database, migrations: Array(WarehouseSchema.migrations.prefix(9)), appliedAt: "then")
        try database.execute("""
            INSERT INTO linkage_estimate (outcome, predictor, estimate, confirmatory, method, status)
            VALUES ('REPEAT', 'team_self_index', -0.08, 1, 'logistic', 'ok'), ('REPEAT', 'team_behaviour_mean', -0.02, 0, 'logistic', 'ok'),
                   ('REPEAT', 'team_correlation', -0.3, 0, 'pearson', 'ok'), ('REPEAT', 'reverse_prior_outcome_rate', 0.1, 0, 'ols', 'ok');
            INSERT INTO score_state (scope, input_hash) VALUES ('linkage', 'abc'), ('team/2026-01', 'def');
            """)
        try Migrator.migrate(database, appliedAt: "now")
        XCTAssertEqual(try database.query("SELECT model, predictor, estimate, confirmatory FROM linkage_estimate ORDER BY model, predictor") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.double(2)) \($0.int(3))"
        }, ["correlation team_correlation -0.3 0", "joint team_behaviour_mean -0.02 0", "joint team_self_index -0.08 0",
            "reverse reverse_prior_outcome_rate 0.1 0"])
        XCTAssertEqual(try database.query("SELECT scope FROM score_state") { $0.text(0) ?? "" }, ["team/2026-01"], "the linkage is refitted")
        try database.execute("""
            INSERT INTO linkage_estimate (outcome, model, predictor, estimate, confirmatory, method, status)
            VALUES ('REPEAT', 'confirmatory', 'team_self_index', -0.1, 1, 'logistic', 'ok')
            """)
        XCTAssertEqual(try database.count("SELECT count(*) FROM linkage_estimate WHERE predictor = 'team_self_index'"), 2)
        XCTAssertEqual(try database.scalar("PRAGMA integrity_check").stringValue, "ok")
    }
}
