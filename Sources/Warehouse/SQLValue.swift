/// A value bound to or read from a statement. Values are always bound, never spliced into SQL.
package enum SQLValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    package var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        }
    }

    /// The text value, or the number printed, or `nil` for NULL.
    package var stringValue: String? {
        if case .null = self { return nil }
        return description
    }

    package var intValue: Int64? {
        switch self {
        case .integer(let v): return v
        case .real(let v): return Int64(exactly: v.rounded()) ?? nil
        case .text(let v): return Int64(v)
        case .null: return nil
        }
    }

    package var doubleValue: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        case .text(let v): return Double(v)
        case .null: return nil
        }
    }
}

extension SQLValue {
    /// `.text(s)`, or `.null` when `s` is nil.
    package init(_ text: String?) {
        self = text.map { .text($0) } ?? .null
    }

    /// `.integer(v)`, or `.null` when `v` is nil.
    package init(_ value: Int?) {
        self = value.map { .integer(Int64($0)) } ?? .null
    }

    /// `.real(v)`, or `.null` when `v` is nil or not finite (NaN is never stored).
    package init(_ value: Double?) {
        guard let value, value.isFinite else {
            self = .null
            return
        }
        self = .real(value)
    }
}
