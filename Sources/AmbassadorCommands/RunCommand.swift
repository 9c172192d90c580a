import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador run`: every stage, in order — the nightly job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage: extract → normalize → load → score → report (the nightly job).",
        discussion: """
            New or changed inbox files are extracted (an unchanged file, by SHA-256, never twice),
            then normalized, loaded, scored and reported. A second run at the same time exits 75 at
            once. A killed run can simply be started again: it finishes the work and ends in the
            same warehouse an uninterrupted run would have produced.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("run-date"), help: ArgumentHelp("The run's logical date, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var runDate: String?

    @Flag(name: .customLong("dry-run"), help: "Show which inbox files would be extracted; write nothing.")
    var dryRun = false

    func run() throws {
        try withExitCodes {
            let logger = common.makeLogger()
            let config = try common.loadConfig()
            if dryRun {
                FileDescriptorWriter.standardOutput.write(try DryRun.plan(config: config, sourceFilter: nil))
                return 0
            }
            let date = try runDate.map { try parseDate($0, option: "--run-date") } ?? Clock.today()
            let runner = Runner(config: config, logger: logger, progress: .forStandardError(logger: logger))
            let options = RunOptions(command: "run", arguments: Array(CommandLine.arguments.dropFirst()), runDate: date, now: Clock.nowUTC)
            return printSummary(try runner.run(PipelineStep.all, options: options), quiet: common.quiet)
        }
    }
}
