import Foundation
import TestSupport
import Warehouse
import XCTest

/// Temporary tables on PostgreSQL: their text columns collate as `C`, as the warehouse's do,
/// so that a lookup against a warehouse column uses their index (a column of the server's
/// default collation cannot: the score stage's referral lookup became a scan per ticket).
final class TemporaryTableCollationTests: XCTestCase {
    func testATemporaryTextColumnIsLookedUpByItsIndexFromAWarehouseColumn() throws {
        let (server, drop) = try PostgresSupport.schemaOrSkip()
        defer { drop() }
        try server.execute("""
            CREATE TABLE tickets (id text COLLATE "C" PRIMARY KEY, customer text COLLATE "C");
            INSERT INTO tickets SELECT 't' || n, 'C' || n FROM generate_series(1, 2000) AS n;
            ANALYZE tickets;
            """)
        func plan(_ type: String) throws -> String {
            try server.execute("""
                DROP TABLE IF EXISTS pg_temp.seen;
                CREATE TEMP TABLE seen (customer \(type) NOT NULL);
                INSERT INTO seen SELECT 'c' || n FROM generate_series(1, 20000) AS n;
                CREATE INDEX seen_customer ON seen (customer);
                ANALYZE seen;
                """)
            return try server.rows("""
                EXPLAIN SELECT 1 FROM tickets t WHERE t.id = 't1' AND EXISTS (SELECT 1 FROM seen m WHERE m.customer = lower(t.customer))
                """, []) { $0.text(0) ?? "" }.joined(separator: "\n")
        }
        XCTAssertTrue(try plan(WarehouseEngine.postgresql.text).contains("seen_customer"), "the temporary table's index is used")
        XCTAssertFalse(try plan("text").contains("seen_customer"), "a default-collation column's index is not: the reason for engine.text")
    }
}
