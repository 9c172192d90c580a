import AmbassadorCore
import ArgumentParser
import Foundation
import Logging
import Pipeline

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The pipeline file: sources, warehouse, scoring and report settings.", valueName: "file"))
    var pipeline: String = ProcessInfo.processInfo.environment["AMBASSADOR_PIPELINE"] ?? "pipelines/sample.yml"

    @Option(name: .long, help: ArgumentHelp("The SQLite warehouse file, or a postgresql:// URL (default: the pipeline file's 'warehouse'); the report and the data dictionary then go to out/ beside the file (var/out under the root for a URL).", valueName: "file|url"))
    var warehouse: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Log lines on stderr as 'text' or 'json'.", valueName: "format"))
    var logFormat: String = "text"

    @Flag(name: .long, help: "Log only warnings and errors.")
    var quiet = false

    func validate() throws {
        guard StandardErrorLogHandler.Format(rawValue: logFormat) != nil else {
            throw ValidationError("--log-format must be 'text' or 'json', not '\(logFormat)'")
        }
    }

    /// Sets up logging and returns the logger for this command.
    func makeLogger() -> Logger {
        let format = StandardErrorLogHandler.Format(rawValue: logFormat) ?? .text
        let level: Logger.Level = quiet ? .warning : .info
        LoggingBootstrap.once(format: format, level: level)
        return Logger(label: "ambassador")
    }

    /// Reads the pipeline file (exit 78 on error).
    func loadConfig() throws -> PipelineConfig {
        try ConfigLoader(path: pipeline).load(warehouseOverride: warehouse)
    }
}

/// `LoggingSystem.bootstrap` may run only once per process.
enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    /// The format chosen, for the lines written outside the logger (the fatal error).
    nonisolated(unsafe) static var format = StandardErrorLogHandler.Format.text

    static func once(format: StandardErrorLogHandler.Format, level: Logger.Level) {
        guard !done else { return }
        done = true
        self.format = format
        LoggingSystem.bootstrap { label in
            var handler = StandardErrorLogHandler(format: format, label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// The wall clock, read only here: stages get the run date injected.
enum Clock {
    static func nowUTC() -> String {
        utcTimestamp(epochSeconds: Int64(Date().timeIntervalSince1970))
    }

    static func today() -> CivilDate {
        CivilDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
    }
}

/// Parses a `YYYY-MM-DD` option value.
func parseDate(_ text: String, option: String) throws -> CivilDate {
    guard let date = CivilDate(iso: text) else {
        throw ValidationError("\(option) '\(text)' is not a date; expected YYYY-MM-DD, e.g. 2026-11-22")
    }
    return date
}
