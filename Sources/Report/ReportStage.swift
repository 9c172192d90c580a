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

/// The report stage: writes `out/report.md`, replacing the old file atomically (a reader
/// never sees half a report). Files are created 0600 in a 0700 directory.
package enum ReportStage {
    package static let name = "report"

    package static func run(database: Database, context: StageContext) throws -> [StageCounts] {
        let text = try MarkdownReport.render(database: database, context: context)
        let path = context.config.report.outDir + "/report.md"
        try writeAtomically(text, to: path)
        context.logger.info("report: wrote \(path)")
        var counts = StageCounts(source: "report.md")
        counts.rowsWritten = text.split(separator: "\n").count
        counts.filesDone = 1
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
