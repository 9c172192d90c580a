import AmbassadorCore
import Foundation

/// The outcome of coercing one raw value.
package enum Coerced: Equatable {
    case value(String)
    case integer(Int64)
    case null
    /// The value cannot be read; the text says what was expected.
    case invalid(String)
}

/// Turns raw text into canonical values: dates, timestamps (stored as UTC ISO-8601),
/// numbers, booleans, ids and e-mails. Naive timestamps are read in the pipeline's zone.
package final class Coercer {
    private let zone: TimeZone
    private let zoneIsUTC: Bool
    /// Offsets of the zone by local hour, so a million rows cost a dictionary look-up each.
    private var offsetByHour: [Int64: Int] = [:]

    package init(timeZone: String) throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw NormalizeError.unknownTimeZone(name: timeZone) }
        self.zone = zone
        zoneIsUTC = zone.secondsFromGMT() == 0 && (timeZone == "UTC" || timeZone == "GMT" || timeZone == "Etc/UTC")
    }

    /// Coerces `raw` (already trimmed, not a null marker) to `type`.
    package func coerce(_ raw: String, as type: FieldType) -> Coerced {
        switch type {
        case .text:
            return .value(raw)
        case .identifier:
            // Ids stay text: leading zeros are kept (02116 stays 02116).
            return .value(raw)
        case .email:
            let lower = raw.lowercased()
            guard let at = lower.firstIndex(of: "@"), at != lower.startIndex, lower.index(after: at) != lower.endIndex,
                  !lower.contains(" ") else {
                return .invalid("not an e-mail address; expected name@domain")
            }
            return .value(lower)
        case .date:
            return date(raw)
        case .timestamp:
            return timestamp(raw)
        case .integer:
            if let v = Int64(raw) { return .integer(v) }
            if let d = Double(raw), d.isFinite, d == d.rounded(), abs(d) < 9e15 { return .integer(Int64(d)) }
            return .invalid("not a whole number; expected digits such as 3")
        case .boolean:
            switch raw.lowercased() {
            case "1", "true", "yes", "y", "t": return .integer(1)
            case "0", "false", "no", "n", "f": return .integer(0)
            default: return .invalid("not a yes/no value; expected true/false, yes/no or 1/0")
            }
        case .employeeStatus:
            switch CanonicalField.key(raw) {
            case "active", "a", "employed", "current": return .value("active")
            case "terminated", "inactive", "t", "term", "left", "separated", "former": return .value("terminated")
            case "leave", "onleave", "loa", "l": return .value("leave")
            default: return .value(raw.lowercased())
            }
        }
    }

    /// A calendar date: `YYYY-MM-DD`, `YYYY/MM/DD`, `M/D/YYYY` (US), `DD-MM-YYYY`,
    /// `DD.MM.YYYY`, or the date part of a timestamp. `0000-00-00` means no date.
    package func date(_ raw: String) -> Coerced {
        if raw.hasPrefix("0000-00-00") || raw == "00/00/0000" { return .null }
        var scanner = ByteScanner(raw)
        guard let date = scanner.date() else {
            return .invalid("not a date; expected YYYY-MM-DD, M/D/YYYY or DD-MM-YYYY")
        }
        return .value(date.description)
    }

    /// A point in time, returned as UTC `YYYY-MM-DDTHH:MM:SSZ`.
    package func timestamp(_ raw: String) -> Coerced {
        let bytes = Array(raw.utf8)
        if !bytes.isEmpty, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // Epoch seconds (10 digits) or milliseconds (13 digits).
            guard let n = Int64(raw) else { return .invalid("number too large for a timestamp") }
            if bytes.count >= 12 { return .value(utcTimestamp(epochSeconds: n / 1000)) }
            if bytes.count >= 9 { return .value(utcTimestamp(epochSeconds: n)) }
            return .invalid("not a timestamp; expected ISO 8601 such as 2026-11-22T17:03:00Z")
        }
        if raw.hasPrefix("0000-00-00") { return .null }
        var scanner = ByteScanner(raw)
        guard let date = scanner.date() else {
            return .invalid("not a timestamp; expected ISO 8601 such as 2026-11-22T17:03:00Z")
        }
        var seconds = Int64(date.daysSinceEpoch) * 86_400
        if scanner.skipOne(of: [UInt8(ascii: "T"), UInt8(ascii: " ")]) || !scanner.atEnd {
            scanner.skipSpaces()
            guard let time = scanner.time() else {
                return .invalid("unreadable time of day; expected HH:MM or HH:MM:SS")
            }
            seconds += Int64(time)
        }
        scanner.skipSpaces()
        if scanner.atEnd {
            seconds -= Int64(offset(localSeconds: seconds))
        } else {
            guard let zoneOffset = scanner.zoneOffset(), scanner.atEnd else {
                return .invalid("unreadable time zone; expected Z, +05:30 or -0800")
            }
            seconds -= Int64(zoneOffset)
        }
        return .value(utcTimestamp(epochSeconds: seconds))
    }

    /// The zone's UTC offset for a wall-clock time given as seconds since the epoch.
    private func offset(localSeconds: Int64) -> Int {
        if zoneIsUTC { return 0 }
        let hour = localSeconds / 3600
        if let cached = offsetByHour[hour] { return cached }
        // Guess with the offset at the same instant read as UTC, then correct once (DST edges).
        let first = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(localSeconds)))
        let second = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(localSeconds - Int64(first))))
        offsetByHour[hour] = second
        return second
    }
}

/// A cursor over the bytes of one value, for the date and time grammars.
struct ByteScanner {
    private let bytes: [UInt8]
    private var i = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var atEnd: Bool { i >= bytes.count }

    mutating func skipSpaces() {
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
    }

    mutating func skipOne(of set: [UInt8]) -> Bool {
        guard i < bytes.count, set.contains(bytes[i]) else { return false }
        i += 1
        return true
    }

    /// Reads 1 to `max` digits; returns the number and how many digits there were.
    mutating func number(max: Int) -> (value: Int, digits: Int)? {
        var value = 0
        var digits = 0
        while i < bytes.count, digits < max, bytes[i] >= 48, bytes[i] <= 57 {
            value = value * 10 + Int(bytes[i] - 48)
            digits += 1
            i += 1
        }
        return digits > 0 ? (value, digits) : nil
    }

    mutating func date() -> CivilDate? {
        guard let a = number(max: 4), i < bytes.count else { return nil }
        let separator = bytes[i]
        guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") else {
            return nil
        }
        i += 1
        guard let b = number(max: 2), i < bytes.count, bytes[i] == separator else { return nil }
        i += 1
        guard let c = number(max: 4) else { return nil }
        if a.digits == 4 {
            return c.digits <= 2 ? CivilDate(year: a.value, month: b.value, day: c.value) : nil
        }
        guard c.digits == 4 else { return nil }
        // Slashes are the US order (M/D/YYYY); dashes and dots the European one (DD-MM-YYYY).
        if separator == UInt8(ascii: "/") {
            return CivilDate(year: c.value, month: a.value, day: b.value)
        }
        return CivilDate(year: c.value, month: b.value, day: a.value)
    }

    /// `H:MM[:SS[.fff]][ AM|PM]` as seconds after midnight.
    mutating func time() -> Int? {
        guard let h = number(max: 2), skipOne(of: [UInt8(ascii: ":")]), let m = number(max: 2), m.digits == 2 else {
            return nil
        }
        var s = 0
        if skipOne(of: [UInt8(ascii: ":")]) {
            guard let sec = number(max: 2), sec.digits == 2 else { return nil }
            s = sec.value
            if skipOne(of: [UInt8(ascii: "."), UInt8(ascii: ",")]) {
                while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            }
        }
        var hour = h.value
        let save = i
        skipSpaces()
        if i + 1 < bytes.count, bytes[i + 1] | 0x20 == UInt8(ascii: "m") {
            let marker = bytes[i] | 0x20
            if marker == UInt8(ascii: "a") || marker == UInt8(ascii: "p") {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (marker == UInt8(ascii: "p") ? 12 : 0)
                i += 2
            } else {
                i = save
            }
        } else {
            i = save
        }
        guard hour < 24, m.value < 60, s < 61 else { return nil }
        return hour * 3600 + m.value * 60 + min(s, 59)
    }

    /// `Z`, `UTC`, `GMT`, `+HH`, `+HH:MM`, `+HHMM` (or minus) as seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        guard i < bytes.count else { return nil }
        let c = bytes[i]
        if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
            i += 1
            return 0
        }
        let rest = String(decoding: bytes[i...], as: UTF8.self)
        if rest == "UTC" || rest == "GMT" {
            i = bytes.count
            return 0
        }
        guard c == UInt8(ascii: "+") || c == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let hh = number(max: 2), hh.digits == 2 else { return nil }
        var mm = 0
        _ = skipOne(of: [UInt8(ascii: ":")])
        if let minutes = number(max: 2) {
            guard minutes.digits == 2 else { return nil }
            mm = minutes.value
        }
        guard hh.value <= 14, mm < 60 else { return nil }
        let total = hh.value * 3600 + mm * 60
        return c == UInt8(ascii: "-") ? -total : total
    }
}
