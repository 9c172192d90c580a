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

    /// The fast path alone: the result for a warehouse timestamp, nil for anything else.
    static func plusDays(_ text: UnsafeBufferPointer<UInt8>, _ days: Int64) -> String? {
        guard (text.count == 20 || text.count == 10), abs(days) <= 3_000_000, let time = UTCTimestamp(utf8: text) else { return nil }
        let later = time.adding(days: Int(days))
        // Four-digit years only, as strftime writes them (it gives NULL past 9999).
        guard (0...9999).contains(later.date.year) else { return nil }
        return later.description
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
        guard var result = plusDays(text, sqlite3_value_int64(second)) else {
            sqlite3_result_null(context)
            return
        }
        result.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_result_text(context, chars.baseAddress, Int32(chars.count), ambassador_sqlite_transient())
            }
        }
    }
}
