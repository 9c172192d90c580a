import AmbassadorCore
import CSQLite

/// `ambassador_plus_days(timestamp, days)`: the warehouse timestamp `days` whole days later,
/// registered on every SQLite connection. Measured: SQLite's `strftime(…, '+N days')` costs
/// about 0.75 s per million calls, and the outcome rebuild calls it about thirteen times a
/// ticket — half of that step on a million tickets. This one parses only the warehouse's own
/// forms (`YYYY-MM-DDTHH:MM:SSZ`, a bare `YYYY-MM-DD` as midnight) with `UTCTimestamp`, whose
/// day arithmetic agrees with SQLite's (`DateArithmeticTests`); for anything else (NULL, text
/// in another form, a year past 9999) it returns NULL, and `WarehouseEngine.plusDays` falls
/// back to `strftime` itself, so every input gets exactly SQLite's answer.
enum SQLitePlusDays {
    static let name = "ambassador_plus_days"

    /// Registers the function on `handle` (deterministic: SQLite may compute it once per row).
    static func register(on handle: OpaquePointer) -> Int32 {
        sqlite3_create_function_v2(handle, name, 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nil, function, nil, nil, nil)
    }

    /// The fast path alone: hands `body` the 20 bytes of the result, written into a buffer on
    /// the stack — nothing is allocated per call (a `String` and a byte array were, which with the parse was 17% of
    /// the outcome table at 10 M tickets); nil for anything but a warehouse timestamp. Whole
    /// days leave the time of day as it was: the input's own `THH:MM:SSZ` (which the parse
    /// has checked) is copied, and only the date is written.
    static func withPlusDays<T>(_ text: UnsafeBufferPointer<UInt8>, _ days: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        guard (text.count == 20 || text.count == 10), abs(days) <= 3_000_000, let time = UTCTimestamp(utf8: text) else { return nil }
        let later = time.date.adding(days: Int(days))
        // Four-digit years only, as strftime writes them (it gives NULL past 9999).
        guard (0...9999).contains(later.year) else { return nil }
        // Twenty bytes, as a tuple of bytes: its memory is UInt8 throughout.
        var out: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &out) { raw -> T in
            let bytes = raw.assumingMemoryBound(to: UInt8.self)
            _ = later.write(into: bytes)
            if text.count == 20 {
                for index in 10..<20 { bytes[index] = text[index] }
            } else {
                for (index, byte) in "T00:00:00Z".utf8.enumerated() { bytes[10 + index] = byte }
            }
            return body(UnsafeBufferPointer(start: bytes.baseAddress, count: 20))
        }
    }

    private static let function: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { context, count, values in
        guard let context else { return }
        guard count == 2, let values, let first = values[0], let second = values[1],
              sqlite3_value_type(first) == SQLITE_TEXT, sqlite3_value_type(second) == SQLITE_INTEGER,
              let bytes = sqlite3_value_text(first) else {
            sqlite3_result_null(context)
            return
        }
        let text = UnsafeBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(first)))
        let written: Void? = withPlusDays(text, sqlite3_value_int64(second)) { result in
            result.withMemoryRebound(to: CChar.self) { chars in
                // SQLite copies the bytes before this returns (SQLITE_TRANSIENT).
                sqlite3_result_text(context, chars.baseAddress, Int32(chars.count), ambassador_sqlite_transient())
            }
        }
        if written == nil { sqlite3_result_null(context) }
    }
}
