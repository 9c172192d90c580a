import AmbassadorCore
import ArgumentParser
import Foundation
import Pipeline

/// `ambassador docs`: the warehouse's data dictionary as one HTML page.
struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Write the data dictionary: every table and view, its columns, meaning, rows and the stage that writes it.",
        discussion: "Reads the warehouse without taking the lock. Writes one self-contained HTML page (default: dictionary.html in the report folder).")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the page.", valueName: "file"))
    var out: String?

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            let config = try common.loadConfig()
            let html = try DataDictionary.render(warehouse: config.warehouse)
            let path = out ?? config.report.outDir + "/dictionary.html"
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            let temporary = path + ".tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(html.utf8), attributes: [.posixPermissions: 0o600]),
                  rename(temporary, path) == 0 else {
                throw PipelineError.cannotCreate(message: "\(path): cannot write the data dictionary; expected a writable folder")
            }
            FileDescriptorWriter.standardOutput.write("wrote \(path)\n")
            return 0
        }
    }
}
