import Foundation
import TestSupport
import Warehouse
import XCTest

/// The manifest store on both engines: its states are exactly the ones the table admits, and
/// a file's life (registered, staged, loaded; failed with its reason; superseded by its
/// correction) reads back as it was written.
final class ManifestTests: XCTestCase {
    /// A migrated SQLite warehouse and a PostgreSQL schema, each with one run.
    private func engines(_ name: String = #function) throws -> (connections: [any WarehouseConnection], drop: () -> Void) {
        let (connections, drop) = try PostgresSupport.migratedEngines(name)
        for database in connections {
            try database.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', '2026-12-01', 'now', 'running')", [])
        }
        return (connections, drop)
    }

    func testEveryStateIsOneTheTableAdmitsAndNoOther() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        for database in connections {
            for (index, state) in Manifest.FileState.allCases.enumerated() {
                XCTAssertNoThrow(try database.run("""
                    INSERT INTO etl_source_file (source, path, sha256, size, status, run_id) VALUES ('s', ?, 'x', 0, ?, 1)
                    """, [.text("f\(index)"), .text(state.rawValue)]), "\(database.engine): \(state)")
            }
            XCTAssertThrowsError(try database.run("""
                INSERT INTO etl_source_file (source, path, sha256, size, status, run_id) VALUES ('s', 'g', 'x', 0, 'archived', 1)
                """, []), "\(database.engine): a state the enum does not have is refused")
            XCTAssertEqual(try database.rows("SELECT status FROM etl_source_file ORDER BY file_id", []) { $0.text(0) ?? "" },
                           Manifest.FileState.allCases.map(\.rawValue))
        }
    }

    func testAFilesLifeReadsBackOnBothEngines() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        var lives: [[String]] = []
        for database in connections {
            let manifest = Manifest(database)
            let first = try manifest.register(source: "tickets", path: "in/a.csv", sha256: "aa", size: 10, partition: "2026-01-01", runID: 1)
            try manifest.extracted(first, records: 5, rejected: 1, runID: 1, rawRowIDs: nil)
            let other = try manifest.register(source: "tickets", path: "in/b.csv", sha256: "bb", size: 20, partition: nil, runID: 1)
            try manifest.extracted(other, records: 7, rejected: 0, runID: 1, rawRowIDs: (first: 3, last: 9))
            XCTAssertEqual(try manifest.files(of: ["tickets"], in: .extracted), [first, other])
            XCTAssertEqual(try manifest.files(of: ["rosters"], in: .extracted), [])
            try manifest.normalized(first, rejected: 2)
            try manifest.fail(other, reason: "too many rejects", rejected: 7)
            XCTAssertEqual(try manifest.files(of: ["tickets"], in: .normalized), [first])
            try manifest.loaded([first])
            // A corrected version of a.csv, under the same (relative) path: its predecessor is a.csv.
            XCTAssertEqual(try manifest.known(source: "tickets", path: "in/a.csv", sha256: "aa")?.file, first)
            XCTAssertNil(try manifest.known(source: "tickets", path: "in/a.csv", sha256: "a2"))
            let correction = try manifest.register(source: "tickets", path: "in/a.csv", sha256: "a2", size: 11, partition: "2026-01-01", runID: 1)
            XCTAssertEqual(try manifest.predecessors(of: correction, source: "tickets", path: "in/a.csv"), [first],
                           "the failed b.csv is another path; a failed version would not count either")
            try manifest.supersede(first, by: correction)
            XCTAssertEqual(try manifest.superseded(by: correction), [first])
            XCTAssertEqual(try manifest.partitionDate(source: "tickets", path: "in/a.csv"), "2026-01-01")
            try manifest.failedAtExtract(source: "tickets", path: "in/c.csv", sha256: "unreadable", size: 0, partition: nil,
                                         error: "cannot read", runID: 1)
            func life(_ id: Int64) throws -> String {
                let file = try XCTUnwrap(manifest.file(id))
                let error = try database.scalar("SELECT error FROM etl_source_file WHERE file_id = ?", [.integer(id)]).stringValue ?? "-"
                return "\(file.path)|\(file.state?.rawValue ?? "?")|\(file.records)|\(file.rejected)|\(file.firstRowID)…\(file.lastRowID)|\(error)"
            }
            lives.append(try [first, other, correction].map(life)
                + [try database.scalar("SELECT status || '|' || error FROM etl_source_file WHERE path = 'in/c.csv'", []).stringValue ?? "none"])
        }
        XCTAssertEqual(lives.first, ["in/a.csv|superseded|5|2|0…-1|-", "in/b.csv|failed|7|7|3…9|too many rejects",
                                     "in/a.csv|extracted|0|0|0…-1|-", "failed|cannot read"])
        XCTAssertEqual(lives.last, lives.first, "the same on PostgreSQL")
    }

    /// Forgetting a file (read again, or superseded) clears its rows from every staging table
    /// — the catalog's list is every `stg_` table the schema has — and its ticket holdings and
    /// metadata, and leaves the other file's rows, on both engines.
    func testForgettingAFileClearsItsRowsFromEveryStagingTableOnBothEngines() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        for database in connections {
            let names = database.engine == .sqlite
                ? try database.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'stg\\_%' ESCAPE '\\' ORDER BY 1", []) { $0.text(0) ?? "" }
                : try database.rows("""
                    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'stg\\_%' ESCAPE '\\'
                    ORDER BY 1
                    """, []) { $0.text(0) ?? "" }
            XCTAssertEqual(FileRows.stagingTables, names, "\(database.engine)")
            let manifest = Manifest(database)
            let files = try ["a", "b"].map { try manifest.register(source: "tickets", path: "in/\($0).csv", sha256: $0, size: 1, partition: nil, runID: 1) }
            for file in files {
                try database.run("""
                    INSERT INTO stg_ticket (file_id, record_no, source, ticket_id, created_at) VALUES (?, 1, 'tickets', 'T' || CAST(? AS TEXT), '2026-01-01T00:00:00Z')
                    """, [.integer(file), .integer(file)])
                try database.run("INSERT INTO etl_ticket_file (ticket_id, file_id, records) VALUES ('T' || CAST(? AS TEXT), ?, 1)", [.integer(file), .integer(file)])
                try database.run("INSERT INTO etl_file_metadata (file_id, key, value) VALUES (?, 'label/x', 'X')", [.integer(file)])
            }
            try FileRows.forget(fileID: files[0], source: "tickets", database: database)
            for table in ["stg_ticket", "etl_ticket_file", "etl_file_metadata"] {
                XCTAssertEqual(try database.rows("SELECT file_id FROM \(table) ORDER BY 1", []) { $0.int64(0) }, [files[1]], "\(database.engine) \(table)")
            }
        }
    }

    /// The file-metadata store reads back what it wrote, alike on both engines: a value
    /// replaced, keys under a prefix, a source's history before a file (failed files left
    /// out), the latest before a file, a key removed.
    func testFileMetadataReadsBackOnBothEngines() throws {
        let (connections, drop) = try engines()
        defer { drop() }
        var seen: [String] = []
        for database in connections {
            let manifest = Manifest(database), metadata = FileMetadata(database)
            let files = try ["a", "b", "c", "d"].map { try manifest.register(source: "s", path: "in/\($0).csv", sha256: $0, size: 1, partition: nil, runID: 1) }
            try manifest.fail(files[1], reason: "broken", rejected: 0)
            for (position, file) in files.enumerated() { try metadata.set(file, "columns", "[\"c\(position)\"]") }
            try metadata.set(files[0], "label/x", "first")
            try metadata.set(files[0], "label/x", "X")
            try metadata.set(files[0], "label/y", nil)
            try metadata.set(files[0], "pages", "3")
            XCTAssertEqual(try metadata.value(files[0], "label/x"), "X")
            XCTAssertNil(try metadata.value(files[0], "label/y"))
            XCTAssertEqual(try metadata.values(files[0], prefix: "label/"), ["x": "X", "y": ""])
            XCTAssertEqual(try metadata.all(files[0]).count, 4)
            try metadata.remove(files[0], "pages")
            XCTAssertNil(try metadata.value(files[0], "pages"))
            let history = try metadata.history(source: "s", key: "columns", before: files[3])
            let everything = try metadata.history(source: "s", key: "columns")
            let latest = try metadata.latest(source: "s", key: "columns", before: files[2])
            seen.append("\(history)|\(everything)|\(latest ?? "none")")
        }
        XCTAssertEqual(seen.first, #"[Optional("[\"c0\"]"), Optional("[\"c2\"]")]|[Optional("[\"c0\"]"), Optional("[\"c2\"]"), Optional("[\"c3\"]")]|["c0"]"#)
        XCTAssertEqual(seen.last, seen.first, "the same on PostgreSQL")
    }
}
