import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `ambassador` command: a batch ETL pipeline and linkage-analytics tool. The command
/// tree lives in this library so tests (and the docs) read the registered subcommands from
/// it; the executable only calls `start()`.
package struct Ambassador: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "ambassador",
        abstract: "Load HR rosters, surveys and ticket logs into a SQLite warehouse and link employee ambassadorship to customer behaviour.",
        discussion: """
            Stages run in order: extract → normalize → load → score → report. `run` does them all (the nightly job); each stage also runs on its own. Every subcommand reads the pipeline file given by --pipeline (default pipelines/sample.yml).

            Exit codes: 0 success · 1 failure · 64 bad usage · 65 data rejected above the threshold, a file that failed as a whole (the others still load), tickets quarantined at load because another source holds their ids, or an error-level check failed · 66 no input · 73 the warehouse or its lock cannot be created (missing or read-only folder) · 74 the warehouse is damaged or not a SQLite database · 75 another run holds the lock (retry later) · 78 configuration error · 130/143 stopped by SIGINT/SIGTERM at a commit boundary (recorded as interrupted; a rerun finishes the job).
            """,
        version: "ambassador 0.5.0",
        subcommands: [
            RunCommand.self, ExtractCommand.self, NormalizeCommand.self, LoadCommand.self, ScoreCommand.self,
            ReportCommand.self, BackfillCommand.self, StatusCommand.self, TraceCommand.self, DocsCommand.self, ConfirmCommand.self,
            GenerateCommand.self, PreviewCommand.self,
        ])

    package init() {}

    /// The subcommands' names as typed on the command line, in `--help` order.
    package static var subcommandNames: [String] {
        configuration.subcommands.map { $0._commandName }
    }

    package static func start() {
        // Under a file-size limit (ulimit -f) the kernel would kill the process in the middle
        // of a write (SIGXFSZ). Ignored, the write fails with EFBIG instead: SQLite rolls the
        // transaction back and the run ends with a message and exit 1.
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}
