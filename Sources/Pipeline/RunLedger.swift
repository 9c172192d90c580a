import AmbassadorCore
import Warehouse

/// The run ledger of one warehouse connection (`RunStore` holds its tables): one row per
/// command and one per stage and source, written as the run goes so a crash leaves what was done.
package struct RunLedger {
    let database: any WarehouseConnection

    package init(database: any WarehouseConnection) {
        self.database = database
    }

    /// Records a new run as `running`; runs left `running` by a killed process become `interrupted`.
    package func begin(command: String, arguments: [String], runDate: CivilDate, startedAt: String, pid: Int32) throws -> Int64 {
        try RunStore.begin(command: command, arguments: arguments, runDate: runDate, startedAt: startedAt, pid: pid, database: database)
    }

    /// Records one stage's counts per source.
    package func stage(runID: Int64, stage: String, counts: [StageCounts], startedAt: String, endedAt: String, status: String) throws {
        try RunStore.stage(runID: runID, stage: stage, counts: counts, startedAt: startedAt, endedAt: endedAt, status: status, database: database)
    }

    /// Closes the run with its final status and exit code.
    package func finish(runID: Int64, status: String, exitCode: Int32, endedAt: String, message: String?) throws {
        try RunStore.finish(runID: runID, status: status, exitCode: exitCode, endedAt: endedAt, message: message, database: database)
    }
}
