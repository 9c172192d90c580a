import AmbassadorCore
import Foundation

/// The outcome of coercing one raw value (the `String` form, for callers off the hot path).
package enum Coerced: Equatable {
    case value(String)
    case integer(Int64)
    case real(Double)
    case null
    /// The value cannot be read; the text says what was expected.
    case invalid(String)
    /// A word the field's vocabulary does not know (a vendor's own status, say).
    case unmapped
}

/// The outcome of coercing one value's bytes (the hot path: no `String` is built).
package enum ByteCoerced {
    /// Keep the input bytes as they are.
    case same
    /// The first `n` bytes of the scratch buffer.
    case output(Int)
    case integer(Int64)
    case real(Double)
    case null
    case invalid(String)
    /// A word the field's vocabulary does not know: never stored as if it were canonical —
    /// the caller stores `Vocabulary.fallback` of the field (NULL, or `other` for events) and
    /// counts the word, so the run can report it.
    case unmapped
}

/// Turns raw text into canonical values: dates, timestamps (stored as UTC ISO-8601),
/// numbers, booleans, ids and e-mails. Naive timestamps are read in the pipeline's zone.
/// Works on bytes; the `String` methods wrap the byte ones.
package final class Coercer {
    /// Bytes a scratch buffer must hold (an e-mail address at most).
    package static let scratchCapacity = 1024

    private let zone: TimeZone
    private let zoneIsUTC: Bool
    /// The source's decimal separator, `.` or `,`; the other one, spaces and `'` group thousands.
    package let decimalSeparator: UInt8
    /// Offsets of the zone by local hour, so a million rows cost a dictionary look-up each.
    private var offsetByHour: [Int64: Int] = [:]

    package init(timeZone: String, decimalSeparator: Character = ".") throws {
        guard let zone = TimeZone(identifier: timeZone) else { throw NormalizeError.unknownTimeZone(name: timeZone) }
        self.zone = zone
        self.decimalSeparator = decimalSeparator == "," ? UInt8(ascii: ",") : UInt8(ascii: ".")
        zoneIsUTC = zone.secondsFromGMT() == 0 && (timeZone == "UTC" || timeZone == "GMT" || timeZone == "Etc/UTC")
    }

    // MARK: - Bytes

    /// Coerces trimmed, non-null `input` to `type`, writing any new text into `scratch`.
    package func coerce(_ input: UnsafeBufferPointer<UInt8>, as type: FieldType, scratch: UnsafeMutableBufferPointer<UInt8>) -> ByteCoerced {
        switch type {
        case .text, .identifier:
            // Ids stay text: leading zeros are kept (02116 stays 02116).
            return .same
        case .email:
            guard let at = input.firstIndex(of: UInt8(ascii: "@")), at > 0, at < input.count - 1,
                  !input.contains(UInt8(ascii: " ")) else {
                return .invalid("not an e-mail address; expected name@domain")
            }
            guard input.count <= scratch.count else { return .invalid("an e-mail address longer than \(scratch.count) bytes") }
            for (i, b) in input.enumerated() { scratch[i] = b >= 65 && b <= 90 ? b + 32 : b }
            return .output(input.count)
        case .date:
            return date(input, scratch)
        case .timestamp:
            return timestamp(input, scratch)
        case .integer:
            if let v = Coercer.integer(input) { return .integer(v) }
            if let d = number(input), d == d.rounded(), abs(d) < 9e15 { return .integer(Int64(d)) }
            return .invalid("not a whole number; expected digits such as 3" + (decimalSeparator == 44 ? " or 1.234" : " or 1,234"))
        case .decimal:
            guard let value = number(input) else {
                return .invalid(decimalSeparator == 44
                    ? "not a number with a decimal comma (the source's decimal_separator); expected digits such as 1.234,50"
                    : "not a number; expected digits such as 1234.50 or 1,234.50 (set decimal_separator: ',' for 1.234,50)")
            }
            return .real(value)
        case .customerEvent:
            return Coercer.vocabulary(input, scratch, Vocabulary.customerEvent)
        case .ticketEvent:
            return Coercer.vocabulary(input, scratch, Vocabulary.ticketEvent)
        case .ticketStatus:
            return Coercer.vocabulary(input, scratch, Vocabulary.ticketStatus)
        case .priority:
            return Coercer.vocabulary(input, scratch, Vocabulary.priority)
        case .boolean:
            switch Coercer.key(input) {
            case "1", "true", "yes", "y", "t": return .integer(1)
            case "0", "false", "no", "n", "f": return .integer(0)
            default: return .invalid("not a yes/no value; expected true/false, yes/no or 1/0")
            }
        case .employeeStatus:
            return Coercer.vocabulary(input, scratch, Vocabulary.employeeStatus)
        }
    }

    /// A calendar date: `YYYY-MM-DD`, `YYYY/MM/DD`, `M/D/YYYY` or `M/D/YY` (US), `DD-MM-YYYY`,
    /// `DD.MM.YYYY`, or the date part of a timestamp. `0000-00-00` means no date.
    package func date(_ input: UnsafeBufferPointer<UInt8>, _ scratch: UnsafeMutableBufferPointer<UInt8>) -> ByteCoerced {
        if Coercer.isZeroDate(input) { return .null }
        var scanner = ByteScanner(input)
        guard let date = scanner.date() else {
            return .invalid("not a date; expected YYYY-MM-DD, M/D/YYYY or DD-MM-YYYY")
        }
        return .output(date.write(into: scratch))
    }

    /// A point in time, written as UTC `YYYY-MM-DDTHH:MM:SSZ`.
    package func timestamp(_ input: UnsafeBufferPointer<UInt8>, _ scratch: UnsafeMutableBufferPointer<UInt8>) -> ByteCoerced {
        if !input.isEmpty, input.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // Epoch seconds (9–10 digits) or milliseconds (12–13 digits).
            guard input.count <= 18, let n = Coercer.integer(input) else { return .invalid("number too large for a timestamp") }
            if input.count >= 12 { return .output(Coercer.write(epochSeconds: n / 1000, into: scratch)) }
            if input.count >= 9 { return .output(Coercer.write(epochSeconds: n, into: scratch)) }
            return .invalid("not a timestamp; expected ISO 8601 such as 2026-11-22T17:03:00Z")
        }
        if Coercer.isZeroDate(input) { return .null }
        var scanner = ByteScanner(input)
        guard let date = scanner.date() else {
            return .invalid("not a timestamp; expected ISO 8601 such as 2026-11-22T17:03:00Z")
        }
        var seconds = Int64(date.daysSinceEpoch) * 86_400
        if scanner.skipOne(UInt8(ascii: "T"), UInt8(ascii: " ")) || !scanner.atEnd {
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
        return .output(Coercer.write(epochSeconds: seconds, into: scratch))
    }

    // MARK: - Strings (tests, configuration, rare paths)

    /// Coerces `raw` (already trimmed, not a null marker) to `type`.
    package func coerce(_ raw: String, as type: FieldType) -> Coerced {
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Coercer.scratchCapacity)
        defer { scratch.deallocate() }
        var text = raw
        return text.withUTF8 { input in
            switch coerce(input, as: type, scratch: scratch) {
            case .same: return .value(raw)
            case .output(let n): return .value(String(decoding: UnsafeBufferPointer(rebasing: scratch[0..<n]), as: UTF8.self))
            case .integer(let v): return .integer(v)
            case .real(let v): return .real(v)
            case .null: return .null
            case .invalid(let reason): return .invalid(reason)
            case .unmapped: return .unmapped
            }
        }
    }

    package func date(_ raw: String) -> Coerced { coerce(raw, as: .date) }

    package func timestamp(_ raw: String) -> Coerced { coerce(raw, as: .timestamp) }

    // MARK: - Helpers

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

    /// The canonical word `input` spells (compared as `key`), or `.unmapped`.
    static func vocabulary(_ input: UnsafeBufferPointer<UInt8>, _ scratch: UnsafeMutableBufferPointer<UInt8>,
                           _ words: Vocabulary) -> ByteCoerced {
        guard let canonical = words.canonical[key(input)] else { return .unmapped }
        var n = 0
        for b in canonical.utf8 where n < scratch.count {
            scratch[n] = b
            n += 1
        }
        return .output(n)
    }

    private static let zeroDate: [UInt8] = Array("0000-00-00".utf8)
    private static let zeroSlashDate: [UInt8] = Array("00/00/0000".utf8)

    /// `0000-00-00…` or `00/00/0000`: an HR export's "no date" (checked on every date, so
    /// without building arrays).
    static func isZeroDate(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard input.count >= 10, input[0] == 0x30, input[1] == 0x30 else { return false }
        if input.prefix(10).elementsEqual(zeroDate) { return true }
        return input.count == 10 && input.elementsEqual(zeroSlashDate)
    }

    /// Lower-case letters and digits only (`On Leave` → `onleave`), for small vocabularies.
    static func key(_ input: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        for b in input {
            if b >= 65 && b <= 90 { out.append(b + 32) } else if (b >= 97 && b <= 122) || (b >= 48 && b <= 57) { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A number in the source's notation: an optional sign, an optional currency sign ($ € £ ¥)
    /// before or after, digits whose thousands may be grouped (groups of three, by the separator
    /// that is not the decimal one, a space, a no-break space or `'`), the decimal separator and
    /// a fraction, or an exponent (ungrouped numbers only). `nil` when it is none of these —
    /// `1,5` with a decimal point is refused rather than read as 15.
    package func number(_ input: UnsafeBufferPointer<UInt8>) -> Double? {
        // The digits, as Swift's parser reads them, go to a small buffer; the input is not copied.
        var lower = 0, upper = input.count
        func trimSpaces() {
            while lower < upper, input[lower] == 32 { lower += 1 }
            while upper > lower, input[upper - 1] == 32 { upper -= 1 }
        }
        func hasPrefix(_ bytes: [UInt8]) -> Bool {
            upper - lower >= bytes.count && bytes.indices.allSatisfy { input[lower + $0] == bytes[$0] }
        }
        func hasSuffix(_ bytes: [UInt8]) -> Bool {
            upper - lower >= bytes.count && bytes.indices.allSatisfy { input[upper - bytes.count + $0] == bytes[$0] }
        }
        trimSpaces()
        var sign: UInt8? = nil
        if lower < upper, input[lower] == 45 || input[lower] == 43 { sign = input[lower]; lower += 1 }
        for currency in Coercer.currencySigns {
            if hasPrefix(currency) { lower += currency.count; trimSpaces(); break }
            if hasSuffix(currency) { upper -= currency.count; trimSpaces(); break }
        }
        if sign == nil, lower < upper, input[lower] == 45 || input[lower] == 43 { sign = input[lower]; lower += 1 }
        let decimal = decimalSeparator
        let grouping: UInt8 = decimal == 44 ? 46 : 44
        var out: [UInt8] = []
        out.reserveCapacity(upper - lower + 3)
        if sign == 45 { out.append(45) }
        var i = lower, groupDigits = 0, grouped = false, firstGroup = true, digits = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        while i < upper {
            let b = input[i]
            if isDigit(b) {
                out.append(b); groupDigits += 1; digits += 1; i += 1
                continue
            }
            var separatorLength = 0
            if b == grouping || b == 32 || b == 39 || b == 95 { separatorLength = 1 }
            else if b == 0xC2, i + 1 < upper, input[i + 1] == 0xA0 { separatorLength = 2 }                   // no-break space
            else if b == 0xE2, i + 2 < upper, input[i + 1] == 0x80, input[i + 2] == 0xAF { separatorLength = 3 }  // narrow no-break space
            guard separatorLength > 0 else { break }
            guard groupDigits >= 1, firstGroup ? groupDigits <= 3 : groupDigits == 3 else { return nil }
            grouped = true; firstGroup = false; groupDigits = 0
            i += separatorLength
        }
        guard !grouped || groupDigits == 3 else { return nil }
        if i < upper, input[i] == decimal {
            if digits == 0 { out.append(48) }
            out.append(46); i += 1
            while i < upper, isDigit(input[i]) { out.append(input[i]); i += 1; digits += 1 }
            if out.last == 46 { out.append(48) }
        }
        guard digits > 0 else { return nil }
        if i < upper, !grouped, input[i] == 101 || input[i] == 69 {
            out.append(101); i += 1
            if i < upper, input[i] == 45 || input[i] == 43 { out.append(input[i]); i += 1 }
            let start = i
            while i < upper, isDigit(input[i]) { out.append(input[i]); i += 1 }
            guard i > start else { return nil }
        }
        guard i == upper, let value = Double(String(decoding: out, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// $ € £ ¥ in UTF-8.
    private static let currencySigns: [[UInt8]] = [[0x24], [0xE2, 0x82, 0xAC], [0xC2, 0xA3], [0xC2, 0xA5]]

    /// `number` of a String.
    package func number(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { number($0) }
    }

    static func integer(_ input: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < input.count, input[i] == UInt8(ascii: "-") || input[i] == UInt8(ascii: "+") {
            negative = input[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < input.count, input.count - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < input.count {
            let b = input[i]
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + Int64(b - 48)
            i += 1
        }
        return negative ? -value : value
    }

    static func write(epochSeconds: Int64, into scratch: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let rest = Int(epochSeconds - days * 86_400)
        var n = CivilDate(daysSinceEpoch: Int(days)).write(into: scratch)
        for (value, separator) in [(rest / 3600, UInt8(ascii: "T")), (rest / 60 % 60, UInt8(ascii: ":")), (rest % 60, UInt8(ascii: ":"))] {
            scratch[n] = separator
            scratch[n + 1] = UInt8(48 + value / 10)
            scratch[n + 2] = UInt8(48 + value % 10)
            n += 3
        }
        scratch[n] = UInt8(ascii: "Z")
        return n + 1
    }
}
