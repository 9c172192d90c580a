import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador status`: what the warehouse holds and how the last runs went.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the last runs, their row counts, rejects, failing checks and table sizes.",
        discussion: "Reads the warehouse without taking the lock, so it works while a run is going on.")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "How many runs to list.")
    var runs: Int = 10

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            let config = try common.loadConfig()
            FileDescriptorWriter.standardOutput.write(try StatusReport.render(warehouse: config.warehouse, runs: runs))
            return 0
        }
    }
}
