import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador backfill --from D --to D`: reprocess the files of a date range.
struct BackfillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Reprocess every inbox file whose partition date falls in a range, then re-score and report.",
        discussion: """
            Files are chosen by their partition date (from the file name, per the pipeline file);
            files with no partition date are left alone. Unchanged files in the range are read
            again. Takes the same lock as `run`.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("First partition date of the range, YYYY-MM-DD.", valueName: "date"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("Last partition date of the range (inclusive), YYYY-MM-DD.", valueName: "date"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Only this source.", valueName: "name"))
    var source: String?

    func validate() throws {
        let first = try parseDate(from, option: "--from")
        let last = try parseDate(to, option: "--to")
        guard first <= last else { throw ValidationError("--from \(from) is after --to \(to); expected from ≤ to") }
    }

    func run() throws {
        try withExitCodes {
            let logger = common.makeLogger()
            let config = try common.loadConfig()
            let range = try parseDate(from, option: "--from")...parseDate(to, option: "--to")
            let runner = Runner(config: config, logger: logger, progress: .forStandardError(logger: logger))
            let options = RunOptions(command: "backfill", arguments: Array(CommandLine.arguments.dropFirst()), runDate: Clock.today(),
                                     sourceFilter: source, partitionRange: range, now: Clock.nowUTC)
            return printSummary(try runner.run(PipelineStep.all, options: options), quiet: common.quiet)
        }
    }
}
