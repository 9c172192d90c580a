import AmbassadorCore
import Extract
import Load
import Logging
import Normalize
import Report
import Score
import Warehouse
import Foundation

/// A named step of a pipeline: a stage's name and its body over the warehouse (either
/// engine) and context.
package struct PipelineStep: Sendable {
    package let name: String
    package let body: @Sendable (any WarehouseConnection, StageContext) throws -> [StageCounts]

    package init(name: String, body: @escaping @Sendable (any WarehouseConnection, StageContext) throws -> [StageCounts]) {
        self.name = name
        self.body = body
    }

    package static let extract = PipelineStep(name: ExtractStage.name, body: ExtractStage.run)
    package static let normalize = PipelineStep(name: NormalizeStage.name, body: NormalizeStage.run)
    package static let load = PipelineStep(name: LoadStage.name, body: LoadStage.run)
    package static let score = PipelineStep(name: ScoreStage.name, body: ScoreStage.run)
    package static let report = PipelineStep(name: ReportStage.name, body: ReportStage.run)
    /// Every stage in order: what `run` and `backfill` do.
    package static let all: [PipelineStep] = [extract, normalize, load, score, report]

    /// The step called `name`.
    package static func named(_ name: String) -> PipelineStep? {
        all.first { $0.name == name }
    }
}

/// What a finished run reports.
package struct RunSummary {
    package var runID: Int64
    package var stages: [(name: String, counts: [StageCounts])] = []
    /// 0, or 65 when rows were rejected above the threshold or an error-level check failed.
    package var exitCode: Int32 = 0

    /// The final summary printed on stdout.
    package var text: String { text(quiet: false) }

    /// The summary; `quiet` keeps the headline and only the stages that rejected rows or
    /// failed files (what someone reading cron mail must see).
    package func text(quiet: Bool) -> String {
        var lines = ["run \(runID): " + (exitCode == 0 ? "succeeded" : "finished with data rejected (exit \(exitCode))")]
        // A rerun that found nothing new says so in one line, before the per-stage counts.
        if let extract = stages.first(where: { $0.name == ExtractStage.name })?.counts, !extract.isEmpty,
           extract.allSatisfy({ $0.filesDone == 0 && $0.filesFailed == 0 }), extract.contains(where: { $0.filesSkipped > 0 }) {
            lines.append("nothing new: every inbox file was already extracted and is unchanged")
        }
        for (name, counts) in stages {
            for c in counts where !quiet || c.rowsRejected > 0 || c.filesFailed > 0 {
                var parts = ["read \(c.rowsRead)", "written \(c.rowsWritten)", "rejected \(c.rowsRejected)"]
                if c.filesDone + c.filesSkipped + c.filesFailed > 0 {
                    parts.append("files \(c.filesDone) done, \(c.filesSkipped) unchanged, \(c.filesFailed) failed")
                }
                lines.append("  \(name) \(c.source.isEmpty ? "" : c.source + ": ")" + parts.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Options of one invocation.
package struct RunOptions {
    package var command: String
    package var arguments: [String]
    package var runDate: CivilDate
    package var sourceFilter: String?
    package var partitionRange: ClosedRange<CivilDate>?
    /// Wall-clock time source for the ledger (stages never see it).
    package var now: () -> String

    package init(command: String, arguments: [String], runDate: CivilDate, sourceFilter: String? = nil,
                 partitionRange: ClosedRange<CivilDate>? = nil, now: @escaping () -> String) {
        self.command = command
        self.arguments = arguments
        self.runDate = runDate
        self.sourceFilter = sourceFilter
        self.partitionRange = partitionRange
        self.now = now
    }
}

/// Runs steps against the warehouse: takes the lock, migrates, opens a ledger entry,
/// runs each step (`[2/5] normalize`), records its counts, and closes the run.
package struct Runner {
    package let config: PipelineConfig
    package let logger: Logger
    package let progress: ProgressReporter

    package init(config: PipelineConfig, logger: Logger, progress: ProgressReporter) {
        self.config = config
        self.logger = logger
        self.progress = progress
    }

    package func run(_ steps: [PipelineStep], options: RunOptions) throws -> RunSummary {
        if let filter = options.sourceFilter, config.source(named: filter) == nil {
            throw PipelineError.usage(message: "--source \(filter): no such source in \(config.path); expected one of: \(config.sources.map(\.name).joined(separator: ", "))")
        }
        // Nothing to read is said before anything is created (the lock makes the warehouse file).
        if steps.contains(where: { $0.name == ExtractStage.name }) {
            let selected = config.sources.filter { options.sourceFilter == nil || $0.name == options.sourceFilter }
            if selected.allSatisfy({ InboxScanner.files(matching: $0.inbox).isEmpty }) {
                throw PipelineError.noInput(message: "no input: no file matches " + selected.map { "\($0.name) (\($0.inbox))" }.joined(separator: ", ") + "; expected files in the inbox")
            }
        }
        if case .postgres = config.location {
            return try runOnPostgres(steps, options: options)
        }
        let lock = WarehouseLock(warehouse: config.warehouse)
        try lock.acquire(command: options.command, startedAt: options.now())
        defer { lock.release() }
        // The warehouse connection lives and dies inside `runLocked`, before the lock is
        // released: closing the lock's descriptor on the warehouse file would drop SQLite's own
        // POSIX locks on it while a connection were still open.
        return try runLocked(steps, options: options) {
            let reserve = SpaceReserve(warehouse: config.warehouse)
            let database = try Database(path: config.warehouse)
            do {
                try reserve.ensure()
            } catch {
                // Best effort: without it a full disk still fails cleanly, only the ledger may not
                // be able to say so (a file-size limit below 8 MiB, or a disk already full).
                logger.warning("\(error)")
            }
            // Under pseudonymisation nothing clear is written (no raw rows: the config refuses
            // keep_raw and kind: raw then); as a second guard, deleted rows are overwritten with
            // zeros rather than left in free pages, and the WAL is emptied when the run ends.
            if !config.privacy.pseudonymise.isEmpty { try database.overwriteDeletedContent() }
            try Migrator.migrate(database, appliedAt: options.now())
            return (database, reserve)
        }
    }

    /// A run on a PostgreSQL warehouse: one run at a time by an advisory lock of the schema.
    private func runOnPostgres(_ steps: [PipelineStep], options: RunOptions) throws -> RunSummary {
        let redacted = config.location.redacted
        let connection = try PostgresConnection(config.location, applicationName: "ambassador \(options.command)")
        let schema = try connection.currentSchema()
        let lock = PostgresAdvisoryLock(connection: connection, schema: schema)
        if let holder = try lock.acquire() {
            throw PipelineError.lockHeld(lockPath: "\(redacted) (schema \(schema))", pid: holder.pid, startedAt: holder.since,
                                         command: holder.application)
        }
        defer { try? lock.release() }
        return try runLocked(steps, options: options) {
            try Migrator.migrate(connection, appliedAt: options.now())
            return (connection, nil)
        }
    }

    private func runLocked(
        _ steps: [PipelineStep], options: RunOptions, open: () throws -> (any WarehouseConnection, SpaceReserve?)
    ) throws -> RunSummary {
        let (database, reserve) = try open()
        let pseudonymising = !config.privacy.pseudonymise.isEmpty
        let ledger = RunLedger(database: database)
        let runID = try ledger.begin(command: options.command, arguments: options.arguments, runDate: options.runDate,
                                     startedAt: options.now(), pid: getpid())
        var summary = RunSummary(runID: runID)
        var context = StageContext(config: config, runDate: options.runDate, runID: runID, sourceFilter: options.sourceFilter,
                                   partitionRange: options.partitionRange, logger: logger, progress: progress)
        context.logger[metadataKey: "run_id"] = .string(String(runID))
        // A backfill replaces the facts of its range in one transaction: extract, normalize
        // and load of every file in the range commit together or not at all (each file's
        // own transaction becomes a savepoint inside it). Scoring and the report follow.
        let dataSteps: Set<String> = [ExtractStage.name, NormalizeStage.name, LoadStage.name]
        let lastDataStep = options.partitionRange == nil ? nil : steps.lastIndex { dataSteps.contains($0.name) }
        Interruption.install()
        defer { Interruption.uninstall() }
        for (index, step) in steps.enumerated() {
            context.logger[metadataKey: "stage"] = Logger.MetadataValue.string(step.name)
            logger.info("[\(index + 1)/\(steps.count)] \(step.name)")
            let started = options.now()
            progress.beginStage(step.name)
            defer { progress.endStage() }
            do {
                try Interruption.checkpoint()
                if let lastDataStep, index <= lastDataStep, !database.isInTransaction { try database.begin() }
                let counts = try step.body(database, context)
                let failed = counts.contains { $0.dataFailure }
                try ledger.stage(runID: runID, stage: step.name, counts: counts, startedAt: started, endedAt: options.now(),
                                 status: failed ? "data_rejected" : "succeeded")
                summary.stages.append((step.name, counts))
                if failed { summary.exitCode = 65 }
                // One line per stage and source with its counts as fields, for log pipelines.
                for c in counts {
                    context.logger.info("\(step.name) \(c.source.isEmpty ? "" : c.source + " ")done: read \(c.rowsRead), written \(c.rowsWritten), rejected \(c.rowsRejected)",
                                        metadata: ["source": .string(c.source), "rows_read": .stringConvertible(c.rowsRead),
                                                   "rows_written": .stringConvertible(c.rowsWritten), "rows_rejected": .stringConvertible(c.rowsRejected),
                                                   "files_done": .stringConvertible(c.filesDone), "files_unchanged": .stringConvertible(c.filesSkipped),
                                                   "files_failed": .stringConvertible(c.filesFailed)])
                }
                if index == lastDataStep {
                    try database.execute("COMMIT")
                    FaultPoint.reached("backfill.committed")
                }
            } catch let interrupted as RunInterrupted {
                // Asked to stop: what the stage committed stays (a backfill's one transaction
                // is rolled back whole); the run is recorded as interrupted, not failed.
                if database.isInTransaction { try? database.execute("ROLLBACK") }
                logger.warning("[\(step.name)] \(interrupted)")
                try? ledger.stage(runID: runID, stage: step.name, counts: [], startedAt: started, endedAt: options.now(), status: "interrupted")
                try? ledger.finish(runID: runID, status: "interrupted", exitCode: interrupted.exitCode, endedAt: options.now(),
                                   message: "[\(step.name)] \(interrupted)")
                writeResults(database, runID: runID)
                throw interrupted
            } catch {
                if database.isInTransaction { try? database.execute("ROLLBACK") }
                let message = "[\(step.name)] \(error)"
                // On a full disk, the reserve gives the room to checkpoint the WAL into the
                // warehouse and truncate it (nothing committed is lost) and to record the failure.
                if let warehouseError = error as? WarehouseError, warehouseError.isDiskFull { reserve?.release() }
                try? database.checkpoint()
                try? ledger.stage(runID: runID, stage: step.name, counts: [], startedAt: started, endedAt: options.now(), status: "failed")
                // An empty warehouse is no input (66), not a failure of the stage.
                if case ScoreError.noData = error {
                    try? ledger.finish(runID: runID, status: "failed", exitCode: 66, endedAt: options.now(), message: message)
                    writeResults(database, runID: runID)
                    throw PipelineError.noInput(message: "\(error)")
                }
                try? ledger.finish(runID: runID, status: "failed", exitCode: 1, endedAt: options.now(), message: message)
                writeResults(database, runID: runID)
                throw StageFailure(stage: step.name, underlying: error)
            }
        }
        try ledger.finish(runID: runID, status: summary.exitCode == 0 ? "succeeded" : "data_rejected",
                          exitCode: summary.exitCode, endedAt: options.now(), message: nil)
        writeResults(database, runID: runID)
        if pseudonymising { try database.checkpoint() }
        return summary
    }
}

extension Runner {
    /// The run's results file (RunResults); a failure to write it is a warning, never the
    /// run's outcome.
    func writeResults(_ database: any WarehouseConnection, runID: Int64) {
        do {
            try RunResults.write(database: database, runID: runID, folder: RunResults.directory(config: config))
        } catch {
            logger.warning("run \(runID): results file not written: \(error)")
        }
    }
}

/// An error stamped with the stage it happened in.
package struct StageFailure: Error, CustomStringConvertible {
    package let stage: String
    package let underlying: Error

    package var description: String { "[\(stage)] \(underlying)" }
}
