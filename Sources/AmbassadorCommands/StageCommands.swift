import Foundation
import AmbassadorCore
import ArgumentParser
import Pipeline

/// Options of the one-stage commands.
struct StageOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Only this source (a name under 'sources' in the pipeline file).", valueName: "name"))
    var source: String?

    @Option(name: .customLong("run-date"), help: ArgumentHelp("The run's logical date, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var runDate: String?

    /// Runs one step under the lock with a ledger entry and prints its summary.
    func runStep(_ step: PipelineStep, adjust: (inout PipelineConfig) -> Void = { _ in }) throws {
        try withExitCodes {
            let logger = common.makeLogger()
            var config = try common.loadConfig()
            adjust(&config)
            let date = try runDate.map { try parseDate($0, option: "--run-date") } ?? Clock.today()
            let runner = Runner(config: config, logger: logger, progress: .forStandardError(logger: logger))
            let options = RunOptions(command: step.name, arguments: Array(CommandLine.arguments.dropFirst()), runDate: date,
                                     sourceFilter: source, now: Clock.nowUTC)
            return printSummary(try runner.run([step], options: options), quiet: common.quiet)
        }
    }
}

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Check, count and archive new or changed inbox files in the file manifest (raw_<source> only with keep_raw).")
    @OptionGroup var options: StageOptions
    func run() throws { try options.runStep(.extract) }
}

struct NormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Map raw records onto the canonical model (stg_*); bad rows go to etl_reject with their reason.")
    @OptionGroup var options: StageOptions
    func run() throws { try options.runStep(.normalize) }
}

struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Merge staged rows into dim_* and fact_* (employee history, tickets), then run the data checks.")
    @OptionGroup var options: StageOptions
    func run() throws { try options.runStep(.load) }
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Compute the score tables from the facts (docs/SCORING.md in the repository).")
    @OptionGroup var options: StageOptions

    @Option(name: .customLong("export-designs"),
            help: ArgumentHelp("Also write each linkage model's rows (y, cluster, predictors) as CSV into this directory, to refit them elsewhere (statsmodels, R); forces a refit.",
                               valueName: "dir"))
    var exportDesigns: String?

    func validate() throws {
        guard let exportDesigns else { return }
        do {
            try FileManager.default.createDirectory(atPath: exportDesigns, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ValidationError("--export-designs \(exportDesigns): cannot create the directory (\(error.localizedDescription)); expected a writable path")
        }
        guard FileManager.default.isWritableFile(atPath: exportDesigns) else {
            throw ValidationError("--export-designs \(exportDesigns): not writable; expected a writable directory")
        }
    }

    func run() throws {
        try options.runStep(.score) { config in config.score.exportDesigns = exportDesigns }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the report files (out/report.md) from the score tables.")
    @OptionGroup var options: StageOptions
    func run() throws { try options.runStep(.report) }
}
