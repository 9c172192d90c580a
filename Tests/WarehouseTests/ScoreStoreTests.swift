import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The score stores' engine-neutral pieces on both engines: the period key a timestamp falls
/// in, and what `score_state` remembers.
final class ScoreStoreTests: XCTestCase {
    private func engines(_ name: String = #function) throws -> (connections: [any WarehouseConnection], drop: () -> Void) {
        try PostgresSupport.migratedEngines(name)
    }

    /// Each engine derives the same month and quarter key from a timestamp, and the key's
    /// bounds (computed in Swift) hold the timestamp.
    func testPeriodKeysAreAlikeOnBothEnginesAndHoldTheirTimestamps() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        let cases = [("2026-02-14T10:00:00Z", "2026-02", "2026-Q1"), ("2026-12-31T23:59:59Z", "2026-12", "2026-Q4"),
                     ("2026-07-01", "2026-07", "2026-Q3"), ("2025-09-30T00:00:00Z", "2025-09", "2025-Q3"), ("2026-10-01T00:00:00Z", "2026-10", "2026-Q4")]
        for database in connections {
            for (timestamp, month, quarter) in cases {
                for (kind, expected) in [(ScorePeriod.month, month), (.quarter, quarter)] {
                    let key = try database.scalar("SELECT \(kind.sql(column: "CAST(?1 AS TEXT)"))", [.text(timestamp)]).stringValue
                    XCTAssertEqual(key, expected, "\(database.engine): \(kind) of \(timestamp)")
                    let bounds = ScorePeriod.bounds(of: expected)
                    XCTAssertTrue(bounds.from <= timestamp && timestamp < bounds.to, "\(expected) \(bounds) does not hold \(timestamp)")
                }
            }
        }
    }

    /// A scope is current only for the fingerprint last remembered for it.
    func testScoreStateRemembersTheLatestFingerprintPerScope() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        for database in connections {
            XCTAssertFalse(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "a", database: database))
            try ScoreStateStore.remember(scope: "agent/2026-01", fingerprint: "a", runID: 1, database: database)
            try ScoreStateStore.remember(scope: "team/2026-01", fingerprint: "b", runID: 1, database: database)
            XCTAssertTrue(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "a", database: database))
            try ScoreStateStore.remember(scope: "agent/2026-01", fingerprint: "c", runID: 2, database: database)
            XCTAssertFalse(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "a", database: database), "\(database.engine)")
            XCTAssertTrue(try ScoreStateStore.isCurrent(scope: "agent/2026-01", fingerprint: "c", database: database))
            XCTAssertTrue(try ScoreStateStore.isCurrent(scope: "team/2026-01", fingerprint: "b", database: database))
            XCTAssertTrue(try ScoreStateStore.warehouseIsEmpty(database: database))
        }
    }
}
