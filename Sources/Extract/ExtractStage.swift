import AmbassadorCore
import Logging
import Warehouse

/// The extract stage: finds new or changed inbox files (by SHA-256), streams each into
/// `raw_<source>` with its manifest row, one transaction per file. A malformed file fails
/// alone and is recorded as failed; the other files go on.
package enum ExtractStage {
    package static let name = "extract"

    package static func run(database: any WarehouseConnection, context: StageContext) throws -> [StageCounts] {
        var all: [StageCounts] = []
        // Each inbox is listed once; the stage's size for progress is every file's bytes
        // (unchanged ones are counted as skipped).
        let inboxes = context.selectedSources.map { InboxScanner.files(matching: $0.inbox) }
        context.progress.setStageTotal(inboxes.joined().reduce(0) { $0 + FileDigest.size($1) })
        for (source, files) in zip(context.selectedSources, inboxes) {
            // Every log line about this source carries it as a field (`--log-format json`).
            let context = context.forSource(source.name)
            all.append(try extract(source: source, files: files, database: database, context: context))
        }
        return all
    }

    static func extract(source: SourceConfig, files: [String], database: any WarehouseConnection, context: StageContext) throws -> StageCounts {
        var counts = StageCounts(source: source.name)
        let manifest = Manifest(database)
        if files.isEmpty {
            context.logger.warning("\(source.name): no file matches \(source.inbox)")
        }
        for path in files {
            try Interruption.checkpoint()
            let partition: CivilDate?
            switch source.partition {
            case .fileName: partition = InboxScanner.dateInFileName(path)
            case .column, .none: partition = nil
            case .runDate:
                // The day the file was first loaded, kept for reruns and backfills.
                let known = try manifest.partitionDate(source: source.name, path: context.config.manifestPath(path))
                partition = known.flatMap { CivilDate(iso: $0) } ?? context.runDate
            }
            if let range = context.partitionRange, let partition, !range.contains(partition) {
                continue
            }
            if let target = InboxScanner.outside(path, roots: context.config.allowedInboxRoots) {
                let error = ExtractError.outsideRoot(path: path, target: target)
                try recordFailure(database, source: source.name, path: context.config.manifestPath(path), sha: "refused", size: 0,
                                  partition: partition, error: error, runID: context.runID)
                context.logger.error("\(error)")
                counts.filesFailed += 1
                counts.messages.append("\(error)")
                continue
            }
            // The manifest's name for the file: relative to the root (see manifestPath).
            let key = context.config.manifestPath(path)
            let digest: (hex: String, size: Int64)
            let identity = FileDigest.identity(path)
            do {
                digest = try FileDigest.sha256(path)
            } catch let error as ExtractError {
                try recordFailure(database, source: source.name, path: key, sha: "unreadable", size: 0,
                                  partition: partition, error: error, runID: context.runID)
                context.logger.error("\(error)")
                counts.filesFailed += 1
                continue
            }
            // A file is its path and its content: the same bytes under another name (a quiet
            // month's roster snapshot) are another partition and are extracted.
            // Known by its relative path and content; a row of an older warehouse that kept an
            // absolute path (maybe of a folder since moved) is recognised by the same tail and
            // renamed, so nothing is read twice.
            let previous = try manifest.known(source: source.name, path: key, sha256: digest.hex)
            let reprocess = context.partitionRange != nil && previous != nil && previous?.state != .failed
            if previous != nil && !reprocess {
                counts.filesSkipped += 1
                context.progress.skip(units: digest.size)
                continue
            }
            if source.partition == .fileName && partition == nil && source.kind == .hrRoster {
                let error = ExtractError.noPartitionDate(path: path, rule: "partition: file_name")
                try recordFailure(database, source: source.name, path: key, sha: digest.hex, size: digest.size,
                                  partition: nil, error: error, runID: context.runID)
                context.logger.error("\(error)")
                counts.filesFailed += 1
                continue
            }
            do {
                let result = try database.transaction { () throws -> (Int, Int) in
                    let fileID: Int64
                    if reprocess, let previous {
                        fileID = previous.file
                        try FileRows.forget(fileID: fileID, source: source.name, database: database)
                    } else {
                        fileID = try manifest.register(source: source.name, path: key, sha256: digest.hex, size: digest.size,
                                                       partition: partition?.description, runID: context.runID)
                    }
                    let writer = RawTableWriter(database: database, source: source, fileID: fileID, filePath: path,
                                                runID: context.runID, pseudonymising: !context.config.privacy.pseudonymise.isEmpty)
                    let reader = try SourceRegistry.source(format: source.format, encoding: source.encoding,
                                                           delimiter: source.delimiter, record: source.record, path: path)
                    try reader.read(path, into: writer, progress: context.progress)
                    try writer.finish()
                    let rawRowIDs = writer.firstRowID.flatMap { first in writer.lastRowID.map { (first: first, last: $0) } }
                    try manifest.extracted(fileID, records: writer.written, rejected: writer.rejected, runID: context.runID, rawRowIDs: rawRowIDs)
                    try supersedePredecessors(of: fileID, source: source.name, path: key, manifest: manifest)
                    FaultPoint.reached("extract.file")
                    // Still the version that was hashed? If not, roll back and fail the file.
                    func unchanged() throws {
                        let after = FileDigest.identity(path)
                        guard after == identity, after?.size == digest.size else { throw ExtractError.changedWhileReading(path: path) }
                    }
                    try unchanged()
                    // Kept before the manifest row commits: a registered file is always in the
                    // archive (and the copy is of the version hashed).
                    if archives(source, context: context) {
                        do {
                            try FileArchive.keep(path, sha256: digest.hex, size: digest.size, directory: context.config.archiveDirectory)
                        } catch {
                            try unchanged()
                            throw error
                        }
                        try unchanged()
                    }
                    return (writer.written, writer.rejected)
                }
                FaultPoint.reached("extract.file.committed")
                counts.rowsRead += result.0 + result.1
                counts.rowsWritten += result.0
                counts.rowsRejected += result.1
                counts.filesDone += 1
                context.logger.info("\(source.name): extracted \(path): \(result.0) records, \(result.1) rejected")
            } catch let error as WarehouseError where error.isWarehouseWide {
                throw error
            } catch {
                // Whatever went wrong with this file's records fails this file alone (marked
                // failed, so later nights do not stop at it again); the run goes on.
                let error = (error as? ExtractError) ?? .notStored(path: path, reason: "\(error)")
                try recordFailure(database, source: source.name, path: key, sha: digest.hex, size: digest.size,
                                  partition: partition, error: error, runID: context.runID)
                context.logger.error("\(error)")
                counts.filesFailed += 1
                counts.messages.append("\(error)")
            }
        }
        // A file that failed as a whole has had all its data rejected: the run goes on with
        // the other files and ends with exit 65, so cron's owner hears about it.
        if counts.filesFailed > 0 { counts.dataFailure = true }
        return counts
    }

    /// Whether accepted files of `source` are kept in the archive: not a pulse survey's (its
    /// respondents' identities beside their answers) and none under pseudonymisation (clear
    /// names and e-mails); those are read again from the inbox, checked against the manifest.
    package static func archives(_ source: SourceConfig, context: StageContext) -> Bool {
        context.config.privacy.pseudonymise.isEmpty && !SurveyColumns.isEmployeeSurvey(source)
    }

    /// Marks older versions of the same path superseded and drops their raw and staged rows,
    /// inside the caller's transaction, so a corrected re-export replaces its predecessor.
    private static func supersedePredecessors(of fileID: Int64, source: String, path: String, manifest: Manifest) throws {
        for id in try manifest.predecessors(of: fileID, source: source, path: path) {
            try FileRows.forget(fileID: id, source: source, database: manifest.database)
            try manifest.supersede(id, by: fileID)
        }
    }

    private static func recordFailure(
        _ database: any WarehouseConnection, source: String, path: String, sha: String, size: Int64, partition: CivilDate?,
        error: ExtractError, runID: Int64
    ) throws {
        try Manifest(database).failedAtExtract(source: source, path: path, sha256: sha, size: size, partition: partition?.description,
                                               error: "\(error)", runID: runID)
    }
}
