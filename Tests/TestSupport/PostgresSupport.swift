import AmbassadorCore
import Foundation
import Warehouse

/// The throw-away PostgreSQL cluster `.ci/with-postgres` starts (its URL in
/// `AMBASSADOR_TEST_POSTGRES_URL`). Each test works in a schema of its own, dropped after.
public enum PostgresSupport {
    /// The server's URL, or nil when the tests run without one.
    public static var url: String? {
        let value = ProcessInfo.processInfo.environment["AMBASSADOR_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }

    /// CI sets `AMBASSADOR_REQUIRE_POSTGRES=1`: a missing server is then a failure, not a skip.
    public static var required: Bool { ProcessInfo.processInfo.environment["AMBASSADOR_REQUIRE_POSTGRES"] == "1" }

    /// What a test says when the server is absent.
    public static let absent = "no PostgreSQL server: run the tests through `.ci/with-postgres` (make test does) to include this one"

    /// A connection whose search path is a fresh schema; `drop` removes the schema.
    package static func connectToNewSchema(_ name: String = #function) throws -> (connection: PostgresConnection, schema: String, drop: () -> Void)? {
        guard let url else { return nil }
        let connection = try PostgresConnection(.postgres(url: url), applicationName: "ambassador-tests")
        let safe = name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(30)
        let schema = "t_\(safe)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("CREATE SCHEMA \(try connection.identifier(schema)); SET search_path TO \(try connection.identifier(schema))")
        return (connection, schema, {
            try? connection.execute("SET search_path TO public; DROP SCHEMA IF EXISTS \((try? connection.identifier(schema)) ?? schema) CASCADE")
        })
    }
}

extension PostgresSupport {
    /// The server's URL naming `connection`'s schema (`search_path`), as a pipeline's
    /// `--warehouse` takes it.
    package static func url(ofSchemaOf connection: PostgresConnection) throws -> String {
        guard let base = url, let schema = try connection.scalar("SELECT current_schema()").stringValue else {
            throw WarehouseError.notSupported(target: "tests", message: absent)
        }
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
    }

    /// Waits (up to `seconds`) until no session holds the run lock of `connection`'s schema —
    /// a killed run's session ends when the server reads its closed socket, its transaction
    /// rolled back and its lock freed with it; whether the lock came free.
    package static func waitForRunLock(_ connection: PostgresConnection, seconds: Double = 30) throws -> Bool {
        let schema = try connection.scalar("SELECT current_schema()").stringValue ?? "public"
        let lock = PostgresAdvisoryLock(connection: connection, schema: schema)
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if try lock.acquire() == nil {
                try lock.release()
                return true
            }
            if Date() > deadline { return false }
            usleep(50_000)
        }
    }

    /// A fresh schema migrated to the current version, with one run in the ledger (run 1, as
    /// a new `StageHarness` has), or nil without a server.
    package static func migratedSchema(_ name: String = #function, runDate: String = "2026-11-30") throws
        -> (connection: PostgresConnection, drop: () -> Void)? {
        guard let session = try connectToNewSchema(name) else { return nil }
        try Migrator.migrate(session.connection, appliedAt: "2026-11-30T00:00:00Z")
        try session.connection.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', ?, 'now', 'running')",
                                   [.text(runDate)])
        return (session.connection, session.drop)
    }
}

/// What extract leaves in a warehouse, as text comparable across engines: the manifest (less
/// SQLite's rowid ranges), rejects, per-file metadata and schema changes (less their keys),
/// and every raw record as its file's columns → values. Files are named by path and content,
/// not by id: PostgreSQL's identities keep the number a rolled-back insert took, SQLite's
/// rowids do not. A column the file lists but a record lacks is ∅ on both engines (a JSON
/// record written before a later record named the column cannot hold it); SQLite's columns of
/// other files must be NULL, and a PostgreSQL document may hold only the file's columns.
package enum ExtractDump {
    package static func dump(_ database: any WarehouseConnection, sources: [String]) throws -> [String] {
        let files = Dictionary(uniqueKeysWithValues: try database.rows("SELECT file_id, path, sha256 FROM etl_source_file", []) {
            ($0.int64(0), "\($0.text(1) ?? "")#\(($0.text(2) ?? "").prefix(12))")
        })
        func file(_ row: any WarehouseRow, _ column: Int32) -> String {
            row.isNull(column) ? "∅" : files[row.int64(column)] ?? "unknown file \(row.int64(column))"
        }
        func cells(_ row: any WarehouseRow, _ columns: Range<Int32>) -> String {
            columns.map { row.value($0).stringValue ?? "∅" }.joined(separator: "|")
        }
        var out: [String] = []
        out += try database.rows("""
            SELECT file_id, source, size, partition_date, status, records, rejected, error, run_id, superseded_by
            FROM etl_source_file ORDER BY file_id
            """, []) { "file \(file($0, 0))|" + cells($0, 1..<9) + "|\(file($0, 9))" }
        out += try database.rows("""
            SELECT file_id, run_id, stage, source, file_path, record_no, field, raw_value, reason FROM etl_reject
            ORDER BY file_id, record_no, field, reason
            """, []) { "reject \(file($0, 0))|" + cells($0, 1..<9) }
        out += try database.rows("SELECT file_id, key, value FROM etl_file_metadata ORDER BY file_id, key", []) {
            "meta \(file($0, 0))|" + cells($0, 1..<3)
        }
        out += try database.rows("SELECT file_id, run_id, source, table_name, column_name FROM etl_schema_change ORDER BY change_id", []) {
            "change \(file($0, 0))|" + cells($0, 1..<5)
        }
        let columnsByFile = Dictionary(uniqueKeysWithValues: try database.rows(
            "SELECT file_id, value FROM etl_file_metadata WHERE key = 'columns'", []) { row -> (Int64, [String]) in
            let list = (try? JSONSerialization.jsonObject(with: Data((row.text(1) ?? "[]").utf8))) as? [String] ?? []
            return (row.int64(0), list)
        })
        for source in sources {
            let table = "raw_" + source
            guard try database.relationExists(table) else { continue }
            switch database.engine {
            case .sqlite:
                let names = try database.columnInfo(of: table).map(\.name).filter { $0 != "_file_id" && $0 != "_record_no" }
                let select = (["_file_id", "_record_no"] + names).map { Database.quote($0) }.joined(separator: ", ")
                out += try database.rows("SELECT \(select) FROM \(Database.quote(table)) ORDER BY _file_id, _record_no", []) { row in
                    let listed = Set((columnsByFile[row.int64(0)] ?? []).map { ColumnName.key($0) })
                    var cells: [String] = []
                    for (index, name) in names.enumerated() {
                        let value = row.text(Int32(index + 2))
                        if listed.contains(ColumnName.key(name)) {
                            cells.append("\(name)=\(value ?? "∅")")
                        } else if let value {
                            cells.append("NOT IN THE FILE'S COLUMNS: \(name)=\(value)")
                        }
                    }
                    return "raw \(table) \(file(row, 0))|\(row.int(1))|" + cells.sorted().joined(separator: "|")
                }
            case .postgresql:
                out += try database.rows("SELECT _file_id, _record_no, record::text FROM \(database.quoted(table)) ORDER BY _file_id, _record_no", []) { row in
                    // Each listed column under its document key (the same name but for case, as
                    // SQLite's columns): a missing key is a NULL, as on SQLite.
                    let listed = columnsByFile[row.int64(0)] ?? []
                    let document = (try? JSONSerialization.jsonObject(with: Data((row.text(2) ?? "{}").utf8))) as? [String: Any] ?? [:]
                    let keys = Dictionary(document.keys.map { (ColumnName.key($0), $0) }, uniquingKeysWith: { first, _ in first })
                    var cells = listed.map { name -> String in
                        let key = keys[ColumnName.key(name)]
                        return "\(key ?? name)=\(key.flatMap { document[$0] as? String } ?? "∅")"
                    }
                    let listedKeys = Set(listed.map { ColumnName.key($0) })
                    for (name, value) in document where !listedKeys.contains(ColumnName.key(name)) {
                        cells.append("NOT IN THE FILE'S COLUMNS: \(name)=\(value)")
                    }
                    return "raw \(table) \(file(row, 0))|\(row.int(1))|" + cells.sorted().joined(separator: "|")
                }
            }
        }
        return out
    }
}

/// What normalize leaves: every staging table's rows, each naming its file by path and
/// content (not by id), sorted; with `ExtractDump` for the manifest, rejects and metadata.
package enum StagingDump {
    package static let tables = ["stg_employee", "stg_ticket", "stg_ticket_agent", "stg_ticket_event", "stg_customer_event", "stg_survey_response", "stg_survey_answer"]

    package static func dump(_ database: any WarehouseConnection) throws -> [String] {
        let files = Dictionary(uniqueKeysWithValues: try database.rows("SELECT file_id, path, sha256 FROM etl_source_file", []) {
            ($0.int64(0), "\($0.text(1) ?? "")#\(($0.text(2) ?? "").prefix(12))")
        })
        var out: [String] = []
        for table in tables {
            let columns = try database.columnInfo(of: table).map(\.name)
            let select = columns.map { database.quoted($0) }.joined(separator: ", ")
            out += try database.rows("SELECT \(select) FROM \(table)", []) { row in
                table + " " + columns.indices.map { index in
                    columns[index] == "file_id" ? files[row.int64(Int32(index))] ?? "unknown file" : row.value(Int32(index)).stringValue ?? "∅"
                }.joined(separator: "|")
            }.sorted()
        }
        return out
    }
}
