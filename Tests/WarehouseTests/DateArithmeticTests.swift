import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The date arithmetic the score stage's windows need, the same on both engines: whole days
/// in SQL on either engine (`WarehouseEngine.plusDays`), months in Swift
/// (`UTCTimestamp.adding(months:)`) as SQLite's `'+N months'` has always counted them.
final class DateArithmeticTests: XCTestCase {
    /// Warehouse timestamps drawn from 1999–2031 (seed stated), a third of them on the last
    /// days of a month, where month arithmetic is delicate.
    static func timestamps(seed: UInt64, count: Int) -> [String] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in
            let year = Int.random(in: 1999...2031, using: &random), month = Int.random(in: 1...12, using: &random)
            let last = CivilDate.daysIn(month: month, year: year)
            let day = index % 3 == 0 ? Int.random(in: max(1, last - 3)...last, using: &random) : Int.random(in: 1...last, using: &random)
            let second = Int.random(in: 0..<86_400, using: &random)
            let date = CivilDate(year: year, month: month, day: day)?.description ?? "2000-01-01"
            // One in ten a bare date, as hire dates are stored.
            return index % 10 == 1 ? date : UTCTimestamp(date: CivilDate(iso: date) ?? CivilDate(daysSinceEpoch: 0), secondOfDay: second).description
        }
    }

    func testMonthsAndDaysInSwiftAgreeWithSQLitesModifiers() throws {
        let database = try Database(path: ":memory:")
        var random = SeededRandom(seed: 11)
        var compared = 0
        for text in Self.timestamps(seed: 11, count: 1_500) {
            let time = try XCTUnwrap(UTCTimestamp(text), text)
            let months = Int.random(in: -14...14, using: &random), days = Int.random(in: -400...400, using: &random)
            let sqlite = try database.query("""
                SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1, ?2), strftime('%Y-%m-%dT%H:%M:%SZ', ?1, ?3)
                """, [.text(text), .text("\(months) months"), .text("\(days) days")]) { [$0.text(0) ?? "", $0.text(1) ?? ""] }.first
            XCTAssertEqual(time.adding(months: months).description, sqlite?[0], "\(text) \(months) months")
            XCTAssertEqual(time.adding(days: days).description, sqlite?[1], "\(text) \(days) days")
            XCTAssertEqual(time.epochSeconds, try database.scalar("SELECT CAST(unixepoch(?) AS INTEGER)", [.text(text)]).intValue, text)
            compared += 1
        }
        XCTAssertEqual(compared, 1_500)
    }

    func testMonthEndsCarryOverAsTheCalendarSaysAndOnlyWarehouseTimestampsParse() throws {
        // Worked out by hand: the day of the month is kept, a day the month lacks carries on.
        let cases: [(String, Int, String)] = [
            ("2026-01-31T10:00:00Z", 1, "2026-03-03T10:00:00Z"),  // February 2026 has 28 days: 31 − 28 = 3
            ("2024-01-31T10:00:00Z", 1, "2024-03-02T10:00:00Z"),  // 2024 is a leap year: 31 − 29 = 2
            ("2026-03-31T23:59:59Z", -1, "2026-03-03T23:59:59Z"),  // "February 31" is March 3
            ("2025-12-15T00:00:00Z", 2, "2026-02-15T00:00:00Z"),  // across the year
            ("2026-02-15T08:00:00Z", -14, "2024-12-15T08:00:00Z"),
            ("2026-05-04", 0, "2026-05-04T00:00:00Z"),  // a bare date is midnight
        ]
        for (start, months, expected) in cases {
            XCTAssertEqual(UTCTimestamp(start)?.adding(months: months).description, expected, "\(start) \(months) months")
        }
        XCTAssertEqual(UTCTimestamp("2026-12-31T12:00:00Z")?.adding(days: 1).description, "2027-01-01T12:00:00Z")
        XCTAssertEqual(UTCTimestamp("1970-01-02T00:00:01Z")?.epochSeconds, 86_401)
        for text in ["2026-02-30T00:00:00Z", "2026-01-01 00:00:00", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00+01:00",
                     "2026-01-01T00:00:00.5Z", "", "26-01-01"] {
            XCTAssertNil(UTCTimestamp(text), "'\(text)' is not a warehouse timestamp")
        }
    }

    /// `plusDays` in each engine's SQL gives what Swift gives, over the same timestamps, with
    /// the days bound (a configured window) and written in the SQL (a constant of the code).
    func testPlusDaysInSQLIsTheSameOnBothEnginesAsInSwift() throws {
        let (server, drop) = try PostgresSupport.schemaOrSkip()
        defer { drop() }
        let sqlite = try Database(path: ":memory:")
        var random = SeededRandom(seed: 12)
        for text in Self.timestamps(seed: 12, count: 400) {
            let days = Int.random(in: -400...400, using: &random)
            let expected = UTCTimestamp(text)?.adding(days: days).description
            for connection in [sqlite as any WarehouseConnection, server] {
                let bound = "SELECT \(connection.engine.plusDays("CAST(?1 AS TEXT)", days: "?2"))"
                XCTAssertEqual(try connection.scalar(bound, [.text(text), .integer(Int64(days))]).stringValue, expected,
                               "\(connection.engine) \(text) \(days) days, bound")
                let literal = "SELECT \(connection.engine.plusDays("CAST(?1 AS TEXT)", days: String(days)))"
                XCTAssertEqual(try connection.scalar(literal, [.text(text)]).stringValue, expected, "\(connection.engine) \(text) \(days) days")
            }
        }
    }

    /// SQLite's `plusDays` takes a fast path for warehouse timestamps (`ambassador_plus_days`)
    /// and falls back to `strftime` for anything else: either way the answer is exactly
    /// `strftime`'s — over random warehouse timestamps (seed 13) and over text the fast path
    /// refuses (an impossible day, a space, a zone, fractions, a year past 9999, NULL, a number).
    func testSQLitesFastPlusDaysIsExactlyStrftime() throws {
        let database = try Database(path: ":memory:")
        var random = SeededRandom(seed: 13)
        var inputs = Self.timestamps(seed: 13, count: 2_000).map { ($0, Int.random(in: -800...800, using: &random)) }
        inputs += [("2024-02-29T23:59:59Z", 365), ("2024-02-29", -366), ("1999-12-31T23:59:59Z", 1), ("0001-01-01T00:00:00Z", -1),
                   ("9999-12-31T00:00:00Z", 1), ("2026-02-30T00:00:00Z", 2), ("2026-01-01 00:00:00", 3), ("2026-01-01T00:00:00+01:00", 3),
                   ("2026-01-01T00:00:00.5Z", 3), ("2026-13-01", 1), ("", 1), ("garbage", 1), ("2026-01-01T24:00:00Z", 0)]
        var fast = 0
        for (text, days) in inputs {
            let row = try database.query("""
                SELECT \(database.engine.plusDays("?1", days: "?2")), strftime('%Y-%m-%dT%H:%M:%SZ', ?1, '\(days < 0 ? "" : "+")\(days) days'),
                       ambassador_plus_days(?1, ?2)
                """, [.text(text), .integer(Int64(days))]) { [$0.text(0), $0.text(1), $0.text(2)] }.first
            XCTAssertEqual(row?[0], row?[1], "'\(text)' \(days) days")
            if row?[2] != nil { fast += 1 }
        }
        // Every generated timestamp took the fast path, and none of the refused texts did.
        XCTAssertEqual(fast, 2_000 + 4)
        for value in [SQLValue.null, .integer(20_260_101), .real(1.5)] {
            let row = try database.query("SELECT \(database.engine.plusDays("?1", days: "7")), strftime('%Y-%m-%dT%H:%M:%SZ', ?1, '+7 days')", [value]) {
                [$0.text(0), $0.text(1)]
            }.first
            XCTAssertEqual(row?[0], row?[1], "\(value)")
        }
    }
}
