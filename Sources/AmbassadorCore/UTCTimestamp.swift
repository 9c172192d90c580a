/// A warehouse timestamp — UTC ISO-8601 text, `YYYY-MM-DDTHH:MM:SSZ` (a bare `YYYY-MM-DD`
/// reads as midnight) — as a date and a second of that day: the date arithmetic the score
/// stage needs, done once in Swift so that both warehouse engines agree on it.
package struct UTCTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let date: CivilDate
    /// 0 ..< 86 400.
    package let secondOfDay: Int

    package init(date: CivilDate, secondOfDay: Int) {
        self.date = date
        self.secondOfDay = secondOfDay
    }

    /// Parses the two forms above exactly; nil for anything else.
    package init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10 || u.count == 20, let date = CivilDate(iso: String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        guard u.count == 20 else {
            self.init(date: date, secondOfDay: 0)
            return
        }
        guard u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"), u[19] == UInt8(ascii: "Z"),
              let hour = CivilDate.digits(u[11..<13]), let minute = CivilDate.digits(u[14..<16]),
              let second = CivilDate.digits(u[17..<19]), hour < 24, minute < 60, second < 60 else { return nil }
        self.init(date: date, secondOfDay: hour * 3600 + minute * 60 + second)
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
    package var description: String {
        date.description + "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + "Z"
    }

    package static func < (a: UTCTimestamp, b: UTCTimestamp) -> Bool {
        (a.date, a.secondOfDay) < (b.date, b.secondOfDay)
    }
}
