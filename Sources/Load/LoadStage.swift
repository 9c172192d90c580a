import AmbassadorCore
import Foundation
import Logging
import Normalize
import Warehouse

/// The load stage: staged rows become dimensions and facts, one unit per transaction —
/// employees (SCD2 rebuild with the identity crosswalk), then each file of tickets, events
/// and surveys (its predecessor's rows taken back, its own merged idempotently), then
/// re-attribution of stale tickets — followed by the data checks.
package enum LoadStage {
    package static let name = "load"

    package static func run(database: any WarehouseConnection, context: StageContext) throws -> [StageCounts] {
        var all: [StageCounts] = []
        let rosters = context.config.sources.filter { $0.kind == .hrRoster }.map(\.name)
        let selected = Set(context.selectedSources.map(\.name))

        if rosters.contains(where: selected.contains) {
            var counts = StageCounts(source: rosters.joined(separator: ","))
            for held in try RosterDropGuard.hold(database: database, sources: rosters, maxDrop: context.config.validation.maxRosterDrop) {
                counts.filesFailed += 1
                counts.dataFailure = true
                counts.messages.append(held)
                context.logger.error("\(held)")
            }
            let pending = try Manifest(database).files(of: rosters, in: .normalized)
            if !pending.isEmpty {
                counts.rowsRead = try FactStore.stagedRows(in: EmployeeHistory.staging, files: pending, database: database)
                counts.rowsWritten = try database.transaction {
                    let rebuilt = try EmployeeHistory.rebuild(database: database, sources: rosters)
                    try Manifest(database).loaded(pending)
                    // Committed with the history it identifies (a fingerprint of its rows):
                    // tickets attributed with another history are re-attributed below, on
                    // this run or after a crash; the same rosters read again change nothing.
                    try FactStore.recordEmployeeHistoryVersion(rebuilt.fingerprint, database: database)
                    try TicketMerge.settleIfNoTickets(version: rebuilt.fingerprint, database: database)
                    let versions = rebuilt.versions
                    FaultPoint.reached("load.employees")
                    return versions
                }
                FaultPoint.reached("load.employees.committed")
                counts.filesDone = pending.count
                context.logger.info("load: dim_employee rebuilt, \(counts.rowsWritten) versions from \(pending.count) new roster file(s)")
            }
            all.append(counts)
        }

        let version = try FactStore.employeeHistoryVersion(database: database)
        for source in context.selectedSources {
            let context = context.forSource(source.name)
            let files = try Manifest(database).files(of: [source.name], in: .normalized)
            let staging: String
            let merge: (Int64) throws -> (written: Int, rejected: Int)
            // How many rows a file staged, when normalize noted it (else they are counted).
            var notedRows: (Int64) throws -> Int? = { _ in nil }
            // A file normalize left to load, read into the facts in one pass (or handed back
            // to be staged); nil for the others, merged from their staged rows.
            var onePass: (Int64) throws -> OnePass? = { _ in nil }
            switch source.kind {
            case .tickets:
                staging = TicketMerge.staging
                notedRows = { fileID in try TicketMerge.notedStagedRows(of: fileID, database: database) }
                let keepStaged = try TicketMerge.keepsStagedRows(until: files, database: database)
                onePass = { fileID in
                    guard try FileMetadata(database).value(fileID, NormalizeStage.leftToLoad) != nil else { return nil }
                    let reason: String
                    if database.isInTransaction {
                        // A backfill's one transaction: the pass would run in a savepoint, in
                        // which SQLite copies every page it changes (about twice as slow), and a
                        // backfilled file's tickets are mostly in the facts already.
                        reason = "a backfill loads its range in one transaction"
                    } else if keepStaged(fileID) {
                        // A file a correction follows stays staged for that correction's retraction.
                        reason = "a correction of this source is merged after it, whose retraction may need its rows staged"
                    } else {
                        do {
                            let merged = try database.transaction { () throws -> (written: Int, rejected: Int) in
                                let merged = try NormalizeStage.mergeInOnePass(fileID: fileID, source: source, version: version,
                                                                               database: database, context: context)
                                try Manifest(database).loaded([fileID])
                                FaultPoint.reached("load.tickets")
                                return merged
                            }
                            FaultPoint.reached("load.tickets.committed")
                            return .merged(merged)
                        } catch let error as WarehouseError where error.isWarehouseWide {
                            throw error
                        } catch let interrupted as RunInterrupted {
                            throw interrupted
                        } catch {
                            // Rolled back whole: staged below, as normalize would, which says
                            // in its own words what is wrong with the file, if anything.
                            reason = "\(error)"
                        }
                    }
                    context.logger.info("load: \(source.name) file \(fileID) is staged and merged, not read in one pass: \(reason)")
                    return .staged(try NormalizeStage.stageLeftFile(fileID: fileID, source: source, because: reason, database: database,
                                                                    context: context))
                }
                merge = { fileID in
                    // A corrected re-export replaces exactly what its predecessor contributed.
                    let retracted = try TicketMerge.retractPredecessors(of: fileID, version: version, database: database)
                    if retracted > 0 { context.logger.info("load: \(retracted) tickets of a superseded file taken back before merging its correction") }
                    let (collisions, fresh) = try TicketMerge.checkHolders(fileID: fileID, runID: context.runID, database: database)
                    if collisions > 0 {
                        context.logger.warning("load: \(collisions) tickets of \(source.name) file \(fileID) quarantined: another source's tickets hold their ids (see etl_reject; set ticket_id_prefix)")
                    }
                    let merged = try TicketMerge.merge(fileID: fileID, version: version, database: database, fresh: fresh)
                    if !keepStaged(fileID) { try TicketMerge.forgetStaged(fileID: fileID, database: database) }
                    return (merged, collisions)
                }
            case .customerEvents, .ticketEvents:
                let events = source.kind == .customerEvents ? EventMerge.customerEvents : EventMerge.ticketEvents
                staging = events.staging
                let partitions = try events.createMonthlyPartitions(database: database)
                if !partitions.isEmpty { context.logger.info("load: new monthly partitions \(partitions.joined(separator: ", "))") }
                merge = { fileID in
                    _ = try events.retractPredecessors(of: fileID, database: database)
                    return (try events.merge(fileID: fileID, database: database), 0)
                }
            case .survey:
                staging = SurveyMerge.staging
                merge = { fileID in
                    _ = try SurveyMerge.retractPredecessors(of: fileID, database: database)
                    return (try SurveyMerge.merge(fileID: fileID, database: database), 0)
                }
            case .hrRoster, .raw:
                continue
            }
            var counts = StageCounts(source: source.name)
            context.progress.addToStageTotal(Int64(files.count))
            for (position, fileID) in files.enumerated() {
                context.progress.note("merging \(source.name) file \(position + 1) of \(files.count)")
                defer { context.progress.advance() }
                try Interruption.checkpoint()
                let started = monotonicSeconds()
                switch try onePass(fileID) {
                case .merged(let merged)?:
                    counts.rowsRead += merged.written + merged.rejected
                    counts.rowsWritten += merged.written
                    counts.rowsRejected += merged.rejected
                    counts.filesDone += 1
                    let elapsed = monotonicSeconds() - started
                    if elapsed >= 1 { context.logger.info("load: \(source.name) file \(fileID): \(merged.written) rows read and merged in one pass in \(String(format: "%.1f", elapsed)) s") }
                    continue
                case .staged(let staged)?:
                    // Normalize's verdict on it: its rejects, or the reason it failed.
                    counts.rowsRejected += staged.rowsRejected
                    counts.filesFailed += staged.filesFailed
                    counts.dataFailure = counts.dataFailure || staged.dataFailure
                    counts.messages += staged.messages
                    guard try Manifest(database).file(fileID)?.state == .normalized else { continue }
                case nil:
                    break
                }
                // One file per transaction: its predecessor's rows out, its own in, marked loaded.
                let merged = try database.transaction { () throws -> (Int, Int, Int) in
                    let read = try notedRows(fileID) ?? FactStore.stagedRows(in: staging, files: [fileID], database: database)
                    let result = try merge(fileID)
                    try Manifest(database).loaded([fileID])
                    FaultPoint.reached("load.\(source.kind.rawValue)")
                    return (read, result.written, result.rejected)
                }
                FaultPoint.reached("load.\(source.kind.rawValue).committed")
                counts.rowsRead += merged.0
                counts.rowsWritten += merged.1
                counts.rowsRejected += merged.2
                if merged.2 > 0 {
                    // Tickets left out of the facts: the run says so with exit 65, as for a failed file.
                    counts.dataFailure = true
                    counts.messages.append("\(merged.2) tickets of file \(fileID) quarantined at load: their ids are another source's tickets' ids")
                }
                counts.filesDone += 1
                let elapsed = monotonicSeconds() - started
                if elapsed >= 1 { context.logger.info("load: \(source.name) file \(fileID): \(merged.1) rows merged in \(String(format: "%.1f", elapsed)) s") }
            }
            all.append(counts)
        }

        try Interruption.checkpoint()
        // Tickets attributed with an older employee history (a roster arrived since, maybe
        // in a run that was killed before this point) follow the current one; loaded files'
        // staged tickets go.
        let reattributed = try database.transaction { () throws -> Int in
            let count = try TicketMerge.reattribute(version: version, database: database)
            try TicketMerge.dropLoadedStaging(database: database)
            FaultPoint.reached("load.attribution")
            return count
        }
        FaultPoint.reached("load.attribution.committed")
        if reattributed > 0 { context.logger.info("load: \(reattributed) tickets re-attributed to the current employee history") }

        var checks = StageCounts(source: "checks")
        let checksStarted = monotonicSeconds()
        let freshness = context.config.sources.compactMap { source in source.freshness.map { (source: source.name, rule: $0) } }
        let results = try DataChecks.run(database: database, runID: context.runID, runDate: context.runDate, freshness: freshness)
        context.logger.info("load: \(results.count) data checks in \(String(format: "%.1f", monotonicSeconds() - checksStarted)) s")
        for result in results where result.failingRows > 0 {
            let message = result.name.hasPrefix("freshness_")
                ? "check \(result.name) (\(result.severity)): \(result.sampleKeys)"
                : "check \(result.name) (\(result.severity)) on \(result.table): \(result.failingRows) failing rows, e.g. \(result.sampleKeys)"
            if result.severity == "error" {
                checks.dataFailure = true
                context.logger.error("\(message)")
            } else {
                context.logger.warning("\(message)")
            }
            checks.messages.append(message)
        }
        do {
            try database.returnFreePages()
        } catch let error as WarehouseError where error.isWarehouseWide {
            throw error
        } catch {
            context.logger.warning("load: free pages not returned to the file system (\(error)); they are reused by the next run")
        }
        checks.rowsRead = results.count
        checks.rowsRejected = results.filter { $0.failingRows > 0 }.count
        all.append(checks)
        return all
    }
}

/// What became of a ticket file normalize left to load.
private enum OnePass {
    /// Read into the facts in one pass: rows written and rejected.
    case merged((written: Int, rejected: Int))
    /// Staged by normalize after all (not fresh, too many rejects, or unreadable), with its
    /// counts: merged next from its staged rows, unless it failed.
    case staged(StageCounts)
}
