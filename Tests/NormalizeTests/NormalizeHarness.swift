import AmbassadorCore
import Extract
import TestSupport
import Warehouse
@testable import Normalize

/// Normalize tests start from files: extract reads them into `raw_<source>` and normalize
/// stages them — the two stage bodies called directly, no runner and no pipeline file.
extension StageHarness {
    /// A source whose inbox is `folder/*` under the harness directory.
    func source(_ name: String, _ kind: SourceKind, folder: String, format: SourceFormat = .csv) -> SourceConfig {
        SourceConfig(name: name, kind: kind, format: format, inbox: directory + "/" + folder + "/*")
    }

    /// Writes each (path under the harness directory, text), then extracts and normalizes
    /// `sources`; returns normalize's counts per source.
    @discardableResult
    func normalize(_ sources: [SourceConfig], files: [(String, String)]) throws -> [StageCounts] {
        for (path, text) in files { TestSupport.write(text, to: directory + "/" + path) }
        config.sources = sources
        _ = try ExtractStage.run(database: database, context: context)
        return try NormalizeStage.run(database: database, context: stagedContext)
    }

    /// The stage context with every ticket file staged in `stg_ticket`, as on PostgreSQL: what
    /// these tests read. (On SQLite a run leaves plain ticket files to load, which reads them
    /// into the facts in one pass with the same row normalizer; `OnePassLoadTests`.)
    var stagedContext: StageContext {
        var staged = context
        staged.ticketsInOnePass = false
        return staged
    }

    /// `etl_reject` rows as `source record field raw: reason`, in source and line order.
    func rejects(stage: String = "normalize") throws -> [String] {
        try database.query("SELECT source, record_no, coalesce(field, ''), coalesce(raw_value, ''), reason FROM etl_reject WHERE stage = ? ORDER BY source, record_no",
                           [.text(stage)]) {
            "\($0.text(0) ?? "") \($0.int(1)) \($0.text(2) ?? "") \($0.text(3) ?? ""): \($0.text(4) ?? "")"
        }
    }
}
