/// A calendar date with no time zone, stored in the warehouse as `YYYY-MM-DD`.
package struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    package let month: Int
    package let day: Int

    /// A valid date, or `nil` when the day does not exist (e.g. 2025-02-30, 0000-00-00).
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative before).
    package init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days, proleptic Gregorian.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Parses exactly `YYYY-MM-DD`.
    package init?(iso text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = CivilDate.digits(u[0..<4]), let m = CivilDate.digits(u[5..<7]),
              let d = CivilDate.digits(u[8..<10]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01.
    package var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    package func adding(days: Int) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// `YYYY-MM-DD`.
    package var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// Writes `YYYY-MM-DD` at the start of `buffer` (at least 10 bytes, a year of 0…9999)
    /// without allocating; returns the bytes written, 10 (normalize's dates, SQLite's
    /// `ambassador_plus_days`).
    package func write(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = 0
        func put(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                buffer[n] = UInt8(48 + v / divisor)
                n += 1
                v %= divisor
                divisor /= 10
            }
        }
        put(year, 4); buffer[n] = UInt8(ascii: "-"); n += 1
        put(month, 2); buffer[n] = UInt8(ascii: "-"); n += 1
        put(day, 2)
        return n
    }

    /// `YYYY-Qn`, the quarter period key.
    package var quarterKey: String { pad(year, 4) + "-Q" + String((month - 1) / 3 + 1) }

    package static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        return value
    }
}

/// Zero-pads a non-negative number to `width` digits.
package func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Formats seconds since the epoch as UTC ISO-8601 text, `2026-11-22T17:03:00Z`.
package func utcTimestamp(epochSeconds: Int64) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(20)
    appendUTCTimestamp(epochSeconds, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// Appends `YYYY-MM-DDTHH:MM:SSZ` for `epochSeconds` to `bytes`: the generator writes
/// millions of these, so no String is built.
package func appendUTCTimestamp(_ epochSeconds: Int64, to bytes: inout [UInt8]) {
    let days = Int(epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400)
    let rest = Int(epochSeconds - Int64(days) * 86_400)
    let date = CivilDate(daysSinceEpoch: days)
    func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            bytes.append(UInt8(48 + v / divisor % 10))
            v %= divisor
            divisor /= 10
        }
    }
    digits(date.year, 4); bytes.append(45); digits(date.month, 2); bytes.append(45); digits(date.day, 2)
    bytes.append(84); digits(rest / 3600, 2); bytes.append(58); digits(rest / 60 % 60, 2); bytes.append(58)
    digits(rest % 60, 2); bytes.append(90)
}

/// Appends the decimal digits of `value` to `bytes`.
package func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
    if value < 0 { bytes.append(45) }
    var magnitude = value.magnitude
    var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &scratch) { buffer in
        repeat {
            buffer[count] = UInt8(48 + magnitude % 10)
            magnitude /= 10
            count += 1
        } while magnitude > 0
        for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
    }
}

/// `value` with `digits` decimals, without Foundation's locale; "–" for NaN or infinity.
package func fixedPoint(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int64((abs(value) * scale).rounded())
    let whole = scaled / Int64(scale)
    let fraction = scaled % Int64(scale)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(pad(Int(fraction), digits))"
}
