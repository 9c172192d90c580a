import AmbassadorCore

/// A cursor over the bytes of one value, for the date and time grammars.
struct ByteScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { i >= bytes.count }

    mutating func skipSpaces() {
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
    }

    mutating func skipOne(_ a: UInt8, _ b: UInt8? = nil) -> Bool {
        guard i < bytes.count, bytes[i] == a || bytes[i] == b else { return false }
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
        // Slashes are the US order (M/D/YYYY); dashes and dots the European one (DD-MM-YYYY).
        if separator == UInt8(ascii: "/") {
            // M/D/YY, as a spreadsheet or a Qualtrics export displays dates (6/16/25 11:25):
            // 00–68 are 2000–2068, 69–99 are 1969–1999 (POSIX strptime's %y).
            guard c.digits == 4 || c.digits == 2 else { return nil }
            let year = c.digits == 4 ? c.value : (c.value <= 68 ? 2000 + c.value : 1900 + c.value)
            return CivilDate(year: year, month: a.value, day: b.value)
        }
        guard c.digits == 4 else { return nil }
        return CivilDate(year: c.value, month: b.value, day: a.value)
    }

    /// `H:MM[:SS[.fff]][ AM|PM]` as seconds after midnight.
    mutating func time() -> Int? {
        guard let h = number(max: 2), skipOne(UInt8(ascii: ":")), let m = number(max: 2), m.digits == 2 else {
            return nil
        }
        var s = 0
        if skipOne(UInt8(ascii: ":")) {
            guard let sec = number(max: 2), sec.digits == 2 else { return nil }
            s = sec.value
            if skipOne(UInt8(ascii: "."), UInt8(ascii: ",")) {
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
        let rest = Array(bytes[i...])
        if rest == Array("UTC".utf8) || rest == Array("GMT".utf8) {
            i = bytes.count
            return 0
        }
        guard c == UInt8(ascii: "+") || c == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let hh = number(max: 2), hh.digits == 2 else { return nil }
        var mm = 0
        _ = skipOne(UInt8(ascii: ":"))
        if let minutes = number(max: 2) {
            guard minutes.digits == 2 else { return nil }
            mm = minutes.value
        }
        guard hh.value <= 14, mm < 60 else { return nil }
        let total = hh.value * 3600 + mm * 60
        return c == UInt8(ascii: "-") ? -total : total
    }
}
