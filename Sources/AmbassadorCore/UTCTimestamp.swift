/// A warehouse timestamp — UTC ISO-8601 text, `YYYY-MM-DDTHH:MM:SSZ` (a bare `YYYY-MM-DD`
/// reads as midnight) — as a date and a second of that day: the date arithmetic the score
/// stage needs, done once in Swift so that both warehouse engines agree on it.
package struct UTCTimestamp: Sendable, Hashable, CustomStringConvertible {
    package let date: CivilDate
    /// 0 ..< 86 400.
    package let secondOfDay: Int

    package init(date: CivilDate, secondOfDay: Int) {
        self.date = date
        self.secondOfDay = secondOfDay
    }

    /// Parses the two forms above exactly; nil for anything else. (Read once per outcome
    /// ticket by the linkage: no String is made on the way.)
    package init?(_ text: some StringProtocol) {
        let parsed: UTCTimestamp?? = text.utf8.withContiguousStorageIfAvailable { UTCTimestamp.parse($0) }
        guard let value = parsed ?? UTCTimestamp.parse(Array(text.utf8)) else { return nil }
        self = value
    }

    /// The same from UTF-8 bytes (a row's text as the driver holds it).
    package init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let value = UTCTimestamp.parse(bytes) else { return nil }
        self = value
    }

    private static func parse<Bytes: RandomAccessCollection>(_ u: Bytes) -> UTCTimestamp? where Bytes.Element == UInt8, Bytes.Index == Int {
        guard u.count == 10 || u.count == 20 else { return nil }
        let s = u.startIndex
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for index in (s + from)..<(s + from + count) {
                let b = u[index]
                guard b >= 48, b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard u[s + 4] == UInt8(ascii: "-"), u[s + 7] == UInt8(ascii: "-"), let year = number(0, 4), let month = number(5, 2),
              let day = number(8, 2), let date = CivilDate(year: year, month: month, day: day) else { return nil }
        guard u.count == 20 else { return UTCTimestamp(date: date, secondOfDay: 0) }
        guard u[s + 10] == UInt8(ascii: "T"), u[s + 13] == UInt8(ascii: ":"), u[s + 16] == UInt8(ascii: ":"), u[s + 19] == UInt8(ascii: "Z"),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              hour < 24, minute < 60, second < 60 else { return nil }
        return UTCTimestamp(date: date, secondOfDay: hour * 3600 + minute * 60 + second)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    package var epochSeconds: Int64 { Int64(date.daysSinceEpoch) * 86_400 + Int64(secondOfDay) }

    /// `days` whole days later (earlier when negative), the time of day kept.
    package func adding(days: Int) -> UTCTimestamp {
        UTCTimestamp(date: date.adding(days: days), secondOfDay: secondOfDay)
    }

    /// `months` later (earlier when negative) as SQLite's `'+N months'` modifier counts them,
    /// which the warehouse has always used: the month moves, the day of the month is kept,
    /// and a day the new month lacks carries into the next (January 31 + 1 month is March 3,
    /// or March 2 in a leap year). PostgreSQL's intervals would stop at February 28 instead.
    package func adding(months: Int) -> UTCTimestamp {
        let index = date.year * 12 + (date.month - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        let month = index - year * 12 + 1
        let first = CivilDate(year: year, month: month, day: 1) ?? date
        return UTCTimestamp(date: first.adding(days: date.day - 1), secondOfDay: secondOfDay)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    package var description: String { utcTimestamp(epochSeconds: epochSeconds) }
}
