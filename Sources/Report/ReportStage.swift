import AmbassadorCore
import CSystem
import Foundation
import Logging
import Warehouse

/// Fatal problems of the report stage.
package enum ReportError: Error, CustomStringConvertible {
    case write(path: String, reason: String)

    package var description: String {
        switch self {
        case let .write(path, reason):
            return "\(path): cannot write the report (\(reason)); expected a writable output directory"
        }
    }
}

/// The report stage: writes `out/report.html`, `out/report.md`, `out/team_scores.csv` and
/// `out/linkage_estimates.csv` as one set: into a new folder beside `out/`, which then takes
/// `out/`'s place in one step (renameat2 RENAME_EXCHANGE) — a reader, or a run killed at any
/// moment, sees the old set or the new one, never a mix, and no temporary file is left in
/// `out/`. Files are created 0600 in a 0700 directory. Other files a user keeps in `out/`
/// (a screenshot, say) are moved into the new folder.
package enum ReportStage {
    package static let name = "report"

    package static func run(database: any WarehouseConnection, context: StageContext) throws -> [StageCounts] {
        let config = context.config
        let data = try ReportData.load(database: database, config: config)
        let runDate = context.runDate.description
        let files: [(String, String)] = [
            ("report.html", HTMLReport.render(data, title: config.report.title, runDate: runDate, config: config)),
            ("report.md", MarkdownReport.render(data, title: config.report.title, runDate: runDate)),
            ("team_scores.csv", CSVExtracts.teamScores(data)),
            ("linkage_estimates.csv", CSVExtracts.linkageEstimates(data)),
        ]
        var counts = StageCounts(source: "out")
        try writeSet(files, to: config.report.outDir)
        for (_, text) in files {
            counts.rowsWritten += text.split(separator: "\n").count
            counts.filesDone += 1
        }
        context.logger.info("report: wrote \(files.map(\.0).joined(separator: ", ")) to \(config.report.outDir)")
        return [counts]
    }

    /// Writes `files` (name, text) as one set in `directory`, replacing the previous set in one step.
    package static func writeSet(_ files: [(String, String)], to directory: String) throws {
        let manager = FileManager.default
        let parent = (directory as NSString).deletingLastPathComponent
        let base = (directory as NSString).lastPathComponent
        do {
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReportError.write(path: parent, reason: error.localizedDescription)
        }
        // What a killed run left: its new or old set beside out/.
        for leftover in (try? manager.contentsOfDirectory(atPath: parent)) ?? [] where leftover.hasPrefix(base + ".set-") {
            try? manager.removeItem(atPath: parent + "/" + leftover)
        }
        let staged = parent + "/" + base + ".set-\(getpid())"
        do {
            try manager.createDirectory(atPath: staged, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReportError.write(path: staged, reason: error.localizedDescription)
        }
        for (name, text) in files {
            guard manager.createFile(atPath: staged + "/" + name, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ReportError.write(path: staged + "/" + name, reason: String(cString: strerror(errno)))
            }
        }
        FaultPoint.reached("report.staged")
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            guard rename(staged, directory) == 0 else { throw ReportError.write(path: directory, reason: String(cString: strerror(errno))) }
            FaultPoint.reached("report.switched")
            return
        }
        guard isDirectory.boolValue else { throw ReportError.write(path: directory, reason: "it is not a directory") }
        if ambassador_rename_exchange(staged, directory) != 0 {
            // A file system that cannot exchange: each file is still replaced atomically.
            let names = files.map(\.0)
            for name in names where rename(staged + "/" + name, directory + "/" + name) != 0 {
                throw ReportError.write(path: directory + "/" + name, reason: String(cString: strerror(errno)))
            }
            try? manager.removeItem(atPath: staged)
            return
        }
        FaultPoint.reached("report.switched")
        // `staged` now holds the previous set: keep what is not ours, drop the rest.
        let ours = Set(files.map(\.0))
        for name in (try? manager.contentsOfDirectory(atPath: staged)) ?? [] where !ours.contains(name) && !name.contains(".tmp-") {
            _ = rename(staged + "/" + name, directory + "/" + name)
        }
        try? manager.removeItem(atPath: staged)
    }
}
