import Logging

/// What every stage body receives: the configuration, the injected run date and the
/// run's identity, a logger and a progress reporter. Stages never read the clock.
package struct StageContext: Sendable {
    package var config: PipelineConfig
    /// The logical date of the run (`YYYY-MM-DD`), injected by the command line.
    package var runDate: CivilDate
    /// `etl_run.run_id` of the run this stage belongs to.
    package var runID: Int64
    /// Restrict the stage to one source, when the command line asks for it.
    package var sourceFilter: String?
    /// Only files whose partition overlaps this range (backfill); `nil` means all.
    package var partitionRange: ClosedRange<CivilDate>?
    package var logger: Logger
    package var progress: ProgressReporter
    /// SQLite: normalize leaves a plain ticket file to load, which reads it from the archive
    /// into `fact_ticket` in one pass with no staged copy (`TicketFactWriter`). Off, every
    /// ticket file is staged in `stg_ticket` first, as on PostgreSQL — for tests that read the
    /// staged rows.
    package var ticketsInOnePass = true

    package init(
        config: PipelineConfig, runDate: CivilDate, runID: Int64, sourceFilter: String? = nil,
        partitionRange: ClosedRange<CivilDate>? = nil, logger: Logger, progress: ProgressReporter
    ) {
        self.config = config
        self.runDate = runDate
        self.runID = runID
        self.sourceFilter = sourceFilter
        self.partitionRange = partitionRange
        self.logger = logger
        self.progress = progress
    }

    /// This context with `source` as a field of every log line (text logs show it in the
    /// message already; JSON logs get it as `"source"`).
    package func forSource(_ source: String) -> StageContext {
        var copy = self
        copy.logger[metadataKey: "source"] = .string(source)
        return copy
    }

    /// The configured sources this stage should touch, honouring `--source`.
    package var selectedSources: [SourceConfig] {
        guard let filter = sourceFilter else { return config.sources }
        return config.sources.filter { $0.name == filter }
    }
}

/// Rows one stage read, wrote and rejected for one source (a line of `etl_stage_run`).
package struct StageCounts: Sendable, Equatable {
    package var source: String
    package var rowsRead: Int = 0
    package var rowsWritten: Int = 0
    package var rowsRejected: Int = 0
    /// Files completed, skipped as unchanged, and failed.
    package var filesDone: Int = 0
    package var filesSkipped: Int = 0
    package var filesFailed: Int = 0
    /// The stage hit a condition that should make the run exit 65 (rejects above the
    /// threshold, an error-level check).
    package var dataFailure: Bool = false
    package var messages: [String] = []

    package init(source: String) {
        self.source = source
    }
}
