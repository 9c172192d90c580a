/// Which database engine holds the warehouse.
package enum WarehouseEngine: String, Sendable, CaseIterable {
    case sqlite
    case postgresql
}

extension WarehouseEngine {
    /// How a temporary table is named explicitly: `temp.x` on SQLite, `pg_temp.x` on PostgreSQL.
    package var temporary: String { self == .sqlite ? "temp." : "pg_temp." }
    /// A clustered (no rowid) table's suffix on SQLite; PostgreSQL has no such option.
    package var withoutRowID: String { self == .sqlite ? " WITHOUT ROWID" : "" }
    /// The type of a temporary table's text column: on PostgreSQL it collates as `C`, as every
    /// warehouse text column does — a column of the server's default collation cannot use its
    /// index for a comparison with a `C` column (`m.customer = lower(t.customer_id)`), and a
    /// lookup per row becomes a scan per row.
    package var text: String { self == .sqlite ? "TEXT" : "text COLLATE \"C\"" }
    /// How an index on a temporary table is named: `temp.x` on SQLite; on PostgreSQL an
    /// index lives in its table's schema and takes no schema of its own.
    package func temporaryIndex(_ name: String) -> String { self == .sqlite ? "temp." + name : name }

    /// SQL for the timestamp `days` days after (before, when negative) the warehouse
    /// timestamp `column` (UTC ISO-8601 text, `YYYY-MM-DDTHH:MM:SSZ`, or a bare date read as
    /// midnight), in that same form, so that it compares as text with stored timestamps.
    /// `days` is an SQL integer: a bound parameter (`?3`) for a configured window — values are
    /// bound, never spliced — or a literal for a constant of the code. Days only: both engines
    /// add whole days of 86 400 s to a UTC time alike, whereas adding months does not (SQLite
    /// carries Jan 31 + 1 month to March, PostgreSQL stops at Feb 28); month arithmetic is done
    /// in Swift (`UTCTimestamp.adding(months:)`). `column` and `days` appear twice on SQLite:
    /// name a bound value `?1`, never `?`.
    package func plusDays(_ column: String, days: String) -> String {
        switch self {
        case .sqlite:
            // The fast path for warehouse timestamps (`SQLitePlusDays`), strftime for the rest
            // (its modifier is "+N days" or "-N days": printf's `+` flag writes the sign).
            return "coalesce(\(SQLitePlusDays.name)(\(column), \(days)), strftime('%Y-%m-%dT%H:%M:%SZ', \(column), printf('%+d days', \(days))))"
        case .postgresql:
            // A zone in the text is ignored by the cast to `timestamp`: stored timestamps are UTC.
            return "(to_char(CAST(\(column) AS timestamp) + CAST(\(days) AS integer) * interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') COLLATE \"C\")"
        }
    }
}

/// One row of a result, read by 0-based column number, whatever the engine.
package protocol WarehouseRow {
    func isNull(_ column: Int32) -> Bool
    func text(_ column: Int32) -> String?
    func int(_ column: Int32) -> Int
    func int64(_ column: Int32) -> Int64
    func double(_ column: Int32) -> Double
    /// The column's value with its stored type.
    func value(_ column: Int32) -> SQLValue
    /// The text's bytes without a copy, or nil when NULL; valid until the next row.
    func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>?
    /// How many columns the result has.
    var columnCount: Int32 { get }
}

/// What the warehouse's stores need of a connection, on either engine.
///
/// Statements written for both engines use `?` for parameters (PostgreSQL's connection
/// numbers them) and the SQL the two share: `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING`,
/// `UPDATE … FROM`, row values, `coalesce`. Where the engines differ, the difference is named
/// where it is used (`WarehouseEngine.temporary`, `withoutRowID`, `begin`, `checkpoint`, a
/// `switch database.engine`), or, where whole statements differ, in the engine's own folder
/// (`SQLite/`, `Postgres/`). Typed stores own their tables, one folder per layer (`Raw/`,
/// `Facts/`, `Operations/`, `Scores/`, `Lineage/`); no other module builds SQL
/// (docs/POSTGRESQL.md).
package protocol WarehouseConnection: AnyObject {
    var engine: WarehouseEngine { get }
    /// The file path or the redacted URL: what messages name.
    var target: String { get }
    /// One or more statements with no parameters (DDL, transaction control).
    func execute(_ sql: String) throws
    /// One write statement with bound values; the rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// A query, every row mapped.
    func rows<T>(_ sql: String, _ values: [SQLValue], _ map: (any WarehouseRow) throws -> T) throws -> [T]
    /// A query whose rows are handed to `body` one at a time and not kept (a large read:
    /// SQLite steps its statement; PostgreSQL fetches from a cursor in batches, inside the
    /// open transaction or one of its own).
    func stream(_ sql: String, _ values: [SQLValue], _ body: (any WarehouseRow) throws -> Void) throws
    /// The first column of the first row, or `.null`.
    func scalar(_ sql: String, _ values: [SQLValue]) throws -> SQLValue
    /// `body` in one transaction (a savepoint when one is already open): committed when it
    /// returns, rolled back when it throws.
    @discardableResult
    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Whether a transaction is open.
    var isInTransaction: Bool { get }
}

extension WarehouseConnection {
    /// Opens a transaction that the caller commits (a backfill's whole range); on SQLite it
    /// takes the write lock at once (`BEGIN IMMEDIATE`).
    package func begin() throws {
        try execute(engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")
    }

    /// Gives the pages deleted rows left free back to the file system (SQLite's incremental
    /// vacuum; PostgreSQL's autovacuum does this on its own).
    package func returnFreePages() throws {
        if engine == .sqlite { try execute("PRAGMA incremental_vacuum") }
    }

    /// After a failure or at the end of a pseudonymised run: SQLite writes its WAL back into
    /// the file and empties it; PostgreSQL has nothing of the kind to do.
    package func checkpoint() throws {
        if engine == .sqlite { try execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

extension WarehouseConnection {
    /// A query without parameters, every row mapped.
    package func rows<T>(_ sql: String, _ map: (any WarehouseRow) throws -> T) throws -> [T] {
        try rows(sql, [], map)
    }

    /// A large query without parameters, its rows handed to `body` one at a time.
    package func stream(_ sql: String, _ body: (any WarehouseRow) throws -> Void) throws {
        try stream(sql, [], body)
    }

    /// The first column of the first row of a query without parameters, or `.null`.
    package func scalar(_ sql: String) throws -> SQLValue {
        try scalar(sql, [])
    }

    /// One write statement without parameters; the rows it changed.
    @discardableResult
    package func run(_ sql: String) throws -> Int {
        try run(sql, [])
    }

    /// The first column of the first row as an integer (0 when NULL or missing).
    package func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        Int(try scalar(sql, values).intValue ?? 0)
    }

    /// Runs an `INSERT … RETURNING <key>` and gives the key (both engines return it).
    package func insertReturningKey(_ sql: String, _ values: [SQLValue]) throws -> Int64 {
        guard let key = try rows(sql, values, { $0.int64(0) }).first else {
            throw WarehouseError.noRowReturned(target: target, sql: sql)
        }
        return key
    }

    /// Whether a table or view of that name exists (in the connection's schema on PostgreSQL).
    package func relationExists(_ name: String) throws -> Bool {
        switch engine {
        case .sqlite:
            return try count("SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = ?", [.text(name)]) > 0
        case .postgresql:
            return try count("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
                             [.text(name)]) > 0
        }
    }

    /// `name` quoted as an SQL identifier (double quotes, embedded ones doubled: the same
    /// rule on both engines).
    package func quoted(_ name: String) -> String { Database.quote(name) }
}

extension Statement: WarehouseRow {}

extension Database: WarehouseConnection {
    package var engine: WarehouseEngine { .sqlite }
    package var target: String { path }

    package func rows<T>(_ sql: String, _ values: [SQLValue], _ map: (any WarehouseRow) throws -> T) throws -> [T] {
        try query(sql, values) { try map($0) }
    }

    package func stream(_ sql: String, _ values: [SQLValue], _ body: (any WarehouseRow) throws -> Void) throws {
        try forEach(sql, values) { try body($0) }
    }
}

extension PostgresRow: WarehouseRow {}

extension PostgresConnection: WarehouseConnection {
    package var engine: WarehouseEngine { .postgresql }
    package var target: String { location.redacted }

    package func rows<T>(_ sql: String, _ values: [SQLValue], _ map: (any WarehouseRow) throws -> T) throws -> [T] {
        try query(sql, values) { try map($0) }
    }

    /// Rows in batches of `stream` from a cursor, so a large result never sits in memory whole.
    package func stream(_ sql: String, _ values: [SQLValue], _ body: (any WarehouseRow) throws -> Void) throws {
        // A stream inside another's body has a cursor of its own.
        let cursor = "ambassador_stream_\(nextCursorNumber())"
        try transaction {
            try run("DECLARE \(cursor) NO SCROLL CURSOR FOR " + sql, values)
            defer { try? execute("CLOSE \(cursor)") }
            while true {
                var fetched = 0
                _ = try query("FETCH FORWARD \(PostgresConnection.streamBatch) FROM \(cursor)") { row in
                    fetched += 1
                    try body(row)
                }
                if fetched < PostgresConnection.streamBatch { break }
            }
        }
    }
}

/// `sql` with its `?` parameters outside quotes and comments numbered as PostgreSQL wants:
/// `?NNN` becomes `$NNN`, and a bare `?` takes the number after the largest so far (SQLite's
/// own rule), so `?` and `?1`-style statements mean the same on both engines. Text without
/// `?` comes back unchanged, so statements already numbered (`$1`) pass through.
package func numberedParameters(_ sql: String) -> String {
    guard sql.utf8.contains(UInt8(ascii: "?")) else { return sql }
    let bytes = Array(sql.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 16)
    var largest = 0
    var quote: UInt8? = nil  // ' or " while inside one
    var lineComment = false
    var blockComment = false
    var index = 0
    func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    while index < bytes.count {
        let byte = bytes[index]
        let previous: UInt8 = index > 0 ? bytes[index - 1] : 0
        index += 1
        if lineComment {
            if byte == 10 { lineComment = false }
        } else if blockComment {
            if previous == UInt8(ascii: "*") && byte == UInt8(ascii: "/") { blockComment = false }
        } else if let open = quote {
            // A doubled quote closes and reopens: the state comes out right either way.
            if byte == open { quote = nil }
        } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
            quote = byte
        } else if previous == UInt8(ascii: "-") && byte == UInt8(ascii: "-") {
            lineComment = true
        } else if previous == UInt8(ascii: "/") && byte == UInt8(ascii: "*") {
            blockComment = true
        } else if byte == UInt8(ascii: "?") {
            var digits: [UInt8] = []
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                index += 1
            }
            let number = digits.isEmpty ? largest + 1 : Int(String(decoding: digits, as: UTF8.self)) ?? 0
            largest = max(largest, number)
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: String(number).utf8)
            continue
        }
        out.append(byte)
    }
    return String(decoding: out, as: UTF8.self)
}

/// A column as the engine's catalog describes it.
package struct ColumnInfo: Equatable, Sendable {
    package var name: String
    /// The type as the engine states it (SQLite: as declared, e.g. `TEXT`; PostgreSQL: e.g. `bigint`).
    package var declared: String
    /// The storage family: `integer`, `real`, `text`, or the declared type when it is none of them.
    package var family: String
    package var notNull: Bool
    /// 1-based position in the primary key, 0 when not part of it.
    package var primaryKeyPosition: Int
}

extension WarehouseConnection {
    /// The tables and views of the warehouse (SQLite's own and PostgreSQL's system relations
    /// left out), by name, with whether each is a view.
    package func relations() throws -> [(name: String, isView: Bool)] {
        switch engine {
        case .sqlite:
            return try rows("""
                SELECT name, type = 'view' FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                ORDER BY name
                """, []) { ($0.text(0) ?? "", $0.int(1) == 1) }
        case .postgresql:
            // A partitioned table counts once, as its parent; its partitions are storage.
            return try rows("""
                SELECT c.relname, c.relkind = 'v' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition
                ORDER BY c.relname COLLATE "C"
                """, []) { ($0.text(0) ?? "", $0.int(1) == 1) }
        }
    }

    /// The columns of `table` in order, with their storage family, nullability and key position.
    package func columnInfo(of table: String) throws -> [ColumnInfo] {
        switch engine {
        case .sqlite:
            return try rows("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) {
                ColumnInfo(name: $0.text(0) ?? "", declared: $0.text(1) ?? "", family: Self.family($0.text(1) ?? ""), notNull: $0.int(2) == 1,
                           primaryKeyPosition: $0.int(3))
            }
        case .postgresql:
            return try rows("""
                SELECT c.column_name, c.data_type, c.is_nullable = 'NO',
                       coalesce((SELECT k.ordinal_position FROM information_schema.table_constraints t
                                 JOIN information_schema.key_column_usage k
                                   ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema AND k.table_name = t.table_name
                                 WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name
                                   AND t.constraint_type = 'PRIMARY KEY' AND k.column_name = c.column_name), 0)
                FROM information_schema.columns c
                WHERE c.table_schema = current_schema() AND c.table_name = ?
                ORDER BY c.ordinal_position
                """, [.text(table)]) {
                ColumnInfo(name: $0.text(0) ?? "", declared: $0.text(1) ?? "", family: Self.family($0.text(1) ?? ""), notNull: $0.text(2) == "t",
                           primaryKeyPosition: $0.int(3))
            }
        }
    }

    /// `INTEGER`/`bigint` → integer, `REAL`/`double precision` → real, `TEXT`/`text` → text.
    static func family(_ declared: String) -> String {
        switch declared.lowercased() {
        case "integer", "bigint", "int", "smallint": return "integer"
        case "real", "double precision", "double": return "real"
        case "text", "character varying": return "text"
        default: return declared.lowercased()
        }
    }
}
