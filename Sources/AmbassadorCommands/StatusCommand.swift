import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador status`: what the warehouse holds and how the last runs went.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the last runs, their row counts, rejects, failing checks and table sizes.",
        discussion: "Reads the warehouse without taking the lock, so it works while a run is going on. Every run also leaves its results as JSON in runs/ beside the warehouse (run-<id>.json and latest.json).")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "How many runs to list.")
    var runs: Int = 10

    @Flag(name: .long, help: "Print JSON: the last runs, the latest run's stages, rejects and checks (as in its results file), the files.")
    var json = false

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            let config = try common.loadConfig()
            FileDescriptorWriter.standardOutput.write(json ? try StatusReport.json(warehouse: config.warehouse, runs: runs)
                                                          : try StatusReport.render(warehouse: config.warehouse, runs: runs))
            return 0
        }
    }
}
