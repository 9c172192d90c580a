import AmbassadorCore
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
/// `out/linkage_estimates.csv`, each replacing the old file atomically (a reader never sees
/// half a report). Files are created 0600 in a 0700 directory.
package enum ReportStage {
    package static let name = "report"

    package static func run(database: Database, context: StageContext) throws -> [StageCounts] {
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
        for (name, text) in files {
            try writeAtomically(text, to: config.report.outDir + "/" + name)
            counts.rowsWritten += text.split(separator: "\n").count
            counts.filesDone += 1
        }
        context.logger.info("report: wrote \(files.map(\.0).joined(separator: ", ")) to \(config.report.outDir)")
        return [counts]
    }

    /// Writes `text` to a temporary file beside `path`, then renames it over `path`.
    package static func writeAtomically(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ReportError.write(path: directory, reason: error.localizedDescription)
        }
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ReportError.write(path: temporary, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ReportError.write(path: path, reason: reason)
        }
    }
}
