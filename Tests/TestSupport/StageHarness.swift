import AmbassadorCore
import Foundation
import Logging
import Warehouse

/// A migrated warehouse in a fresh directory with one open run, and the stage context a
/// stage body receives: for tests that call one stage (extract, normalize, load) directly,
/// seeded with files or staged rows, instead of going through the runner.
package final class StageHarness {
    package let directory: String
    package let database: Database
    package var config: PipelineConfig
    package var runDate = CivilDate(year: 2026, month: 11, day: 30) ?? CivilDate(daysSinceEpoch: 0)
    package private(set) var runID: Int64 = 0

    package init(_ name: String = #function, sources: [SourceConfig] = []) throws {
        directory = TestSupport.temporaryDirectory(name)
        database = try Database(path: directory + "/w.sqlite")
        _ = try Migrator.migrate(database, appliedAt: "2026-11-30T00:00:00Z")
        config = PipelineConfig(path: directory + "/p.yml", root: directory, warehouse: directory + "/w.sqlite",
                                sources: sources, report: ReportConfig(outDir: directory + "/out"))
        try newRun()
    }

    /// Opens another run (a later nightly): the id rejects and the manifest record.
    package func newRun() throws {
        try database.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', ?, 'now', 'running')",
                         [.text(runDate.description)])
        runID = try database.scalar("SELECT max(run_id) FROM etl_run").intValue ?? 0
    }

    package var context: StageContext {
        StageContext(config: config, runDate: runDate, runID: runID, logger: Logger(label: "test"), progress: .silent)
    }

    /// Registers a file in the manifest as normalize leaves it (for load tests seeded with
    /// staged rows); `supersedes` marks an earlier file of the source as replaced by it.
    @discardableResult
    package func addFile(source: String, path: String, partition: String? = nil, status: String = "normalized",
                         supersedes: Int64? = nil) throws -> Int64 {
        try database.run("""
            INSERT INTO etl_source_file (source, path, sha256, size, partition_date, status, run_id)
            VALUES (?, ?, ?, 0, ?, ?, ?)
            """, [.text(source), .text(path), .text(path), partition.map { .text($0) } ?? .null, .text(status), .integer(runID)])
        let id = try database.scalar("SELECT max(file_id) FROM etl_source_file").intValue ?? 0
        if let old = supersedes {
            try database.run("UPDATE etl_source_file SET status = 'superseded', superseded_by = ? WHERE file_id = ?", [.integer(id), .integer(old)])
        }
        return id
    }

    /// Inserts one staged row of `entity` (bookkeeping columns plus the fields given; the rest NULL).
    package func stage(_ entity: CanonicalEntity, fileID: Int64, recordNo: Int, source: String, _ fields: [String: SQLValue]) throws {
        let unknown = Set(fields.keys).subtracting(entity.fields.map(\.name))
        precondition(unknown.isEmpty, "not fields of \(entity.table): \(unknown.sorted())")
        let named = entity.fields.filter { fields[$0.name] != nil }
        let columns = ["file_id", "record_no", "source"] + named.map(\.column)
        let values: [SQLValue] = [.integer(fileID), .integer(Int64(recordNo)), .text(source)] + named.map { fields[$0.name] ?? .null }
        try database.run("INSERT INTO \(entity.table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
                         values)
    }

    /// The rows of `sql`, each as `a|b|c` (NULL as ∅), in the query's order.
    package func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [String] {
        try database.query(sql, values) { row in
            (0..<row.columnCount).map { row.value($0).stringValue ?? "∅" }.joined(separator: "|")
        }
    }
}
