/// Where the warehouse lives: a SQLite file (the embedded default) or a PostgreSQL server
/// named by a `postgresql://` URL. `redacted` is the only form that may reach a log, the
/// run ledger, `status` or the report: it never carries a password.
package enum WarehouseLocation: Equatable, Hashable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    /// `postgresql://…` or `postgres://…` is a server; anything else is a SQLite path.
    package init(_ text: String) {
        let lower = text.lowercased()
        if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }

    package var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// The location with any password replaced by `***` (in the user part and in a
    /// `password=` parameter). A SQLite path is returned as it is.
    package var redacted: String {
        switch self {
        case let .sqlite(path):
            return path
        case let .postgres(url):
            return WarehouseLocation.redact(url)
        }
    }

    static func redact(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var out = String(url[..<scheme.upperBound])
        if let at = authority.lastIndex(of: "@") {
            let user = authority[..<at]
            if let colon = user.firstIndex(of: ":") {
                out += user[..<colon] + ":***"
            } else {
                out += user
            }
            out += authority[at...]
        } else {
            out += authority
        }
        var tail = String(rest[authorityEnd...])
        if let query = tail.firstIndex(of: "?") {
            let parameters = tail[tail.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                pair.lowercased().hasPrefix("password=") ? "password=***" : String(pair)
            }
            tail = String(tail[...query]) + parameters.joined(separator: "&")
        }
        return out + tail
    }
}
