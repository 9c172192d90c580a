import AmbassadorCore
import Extract
import Foundation
import Warehouse

/// `ambassador run --dry-run`: which inbox files are new, changed or unchanged; writes nothing.
package enum DryRun {
    package static func plan(config: PipelineConfig, sourceFilter: String?) throws -> String {
        let manifest: Set<String>
        // No warehouse yet: every file is new. A PostgreSQL server that cannot be reached is
        // said, not taken for an empty warehouse.
        let known = config.location.isPostgres || FileManager.default.fileExists(atPath: config.warehouse)
        if known, let database = config.location.isPostgres ? try StatusReport.openForReading(config.warehouse)
                                                             : try? StatusReport.openForReading(config.warehouse),
           (try? database.relationExists("etl_source_file")) == true {
            manifest = try Manifest(database).currentFileKeys()
        } else {
            manifest = []
        }
        var out = "dry run of \(config.path): nothing is written\n"
        for source in config.sources where sourceFilter == nil || source.name == sourceFilter {
            let files = InboxScanner.files(matching: source.inbox)
            out += "\(source.name) (\(source.inbox)): \(files.count) file(s)\n"
            for file in files {
                let state: String
                if let digest = try? FileDigest.sha256(file) {
                    state = manifest.contains(source.name + " " + config.manifestPath(file) + " " + digest.hex) ? "unchanged, skipped" : "new or changed, would extract"
                } else {
                    state = "unreadable"
                }
                out += "  \(file): \(state)\n"
            }
        }
        return out
    }
}
