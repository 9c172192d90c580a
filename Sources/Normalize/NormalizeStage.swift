import AmbassadorCore
import Extract
import Foundation
import Logging
import Warehouse

/// The normalize stage: maps each extracted file's raw records onto the canonical model
/// (`stg_*`), coercing types and quarantining bad rows in `etl_reject`, one transaction
/// per file. A file whose reject share exceeds the threshold is not staged at all and is
/// marked failed; the run then exits 65 after finishing the other files.
package enum NormalizeStage {
    package static let name = "normalize"

    package static func run(database: any WarehouseConnection, context: StageContext) throws -> [StageCounts] {
        var all: [StageCounts] = []
        for source in context.selectedSources {
            let context = context.forSource(source.name)
            let coercer = try Coercer(timeZone: source.timeZone ?? context.config.timeZone, decimalSeparator: source.decimalSeparator)
            all.append(try normalize(source: source, coercer: coercer, database: database, context: context))
        }
        return all
    }

    private struct PendingFile {
        let id: Int64
        let path: String
        let partition: String?
        let extracted: Int
        let extractRejects: Int
        let firstRowID: Int64
        let lastRowID: Int64
        let sha256: String
        let size: Int64

        /// Whether the file's records are in `raw_<source>`: on SQLite its manifest row has
        /// their rowid range; on PostgreSQL (no ranges) its source stores them.
        func storesRawRows(_ engine: WarehouseEngine, source: SourceConfig) -> Bool {
            engine == .sqlite ? lastRowID >= firstRowID : source.storesRawRows
        }
    }

    static func normalize(source: SourceConfig, coercer: Coercer, database: any WarehouseConnection, context: StageContext,
                          only: Set<Int64>? = nil) throws -> StageCounts {
        var counts = StageCounts(source: source.name)
        let manifest = Manifest(database)
        let files = try manifest.files(of: [source.name], in: .extracted)
            .filter { only?.contains($0) ?? true }
            .compactMap { try pendingFile($0, database: database, context: context) }
        guard !files.isEmpty else { return counts }
        guard let reader = try SourceFiles(source: source, coercer: coercer, database: database, context: context) else {
            // A raw source has no canonical entity: its records stay in raw_<source>.
            return counts
        }
        let (rawTable, dropRaw) = (reader.rawTable, reader.dropRaw)
        // A plain ticket file is left to load (one pass from file to fact) unless a correction
        // waits among the source's files: its retraction may need their rows staged.
        let leavesTickets = try only == nil && context.ticketsInOnePass && database.engine == .sqlite && source.kind == .tickets
            && files.allSatisfy { try manifest.superseded(by: $0.id).isEmpty }
        // What else a staged file (kept: under the reject threshold) needs staged with it; it
        // returns what could not be done, to be said (exit 65), never passed over.
        var giveBack: ((PendingFile) throws -> [String])? = nil
        if source.kind == .tickets {
            // A corrected re-export: the tickets its predecessors brought that other
            // loaded files also hold are staged again from those files, for load to give
            // back (a loaded file's staged rows are deleted once merged).
            giveBack = { file in
                func staged(_ other: Int64) throws -> Set<String> {
                    try TicketGiveBack.stagedTickets(of: other, database: database)
                }
                var notes: [String] = []
                for (other, tickets) in try TicketGiveBack.holders(of: file.id, database: database) {
                    guard let held = try pendingFile(other, database: database, context: context) else { continue }
                    // Another correction of this run may have staged some of them already
                    // (its load still needs them): only the others are staged.
                    let missing = tickets.subtracting(try staged(other))
                    guard !missing.isEmpty else { continue }
                    do {
                        _ = try reader.stageRecords(held, only: missing)
                    } catch let error as WarehouseError where error.isWarehouseWide {
                        throw error
                    } catch {
                        throw NormalizeError.needsAnotherFile(path: file.path, other: held.path, reason: "\(error)")
                    }
                    // A record that no longer passes normalize (a rule changed since that
                    // file was loaded), or an older file with neither raw rows nor a column
                    // list, gives nothing back: said, and kept in the correction's metadata.
                    let lost = missing.subtracting(try staged(other)).sorted()
                    if !lost.isEmpty {
                        let shown = lost.prefix(5).joined(separator: ", ") + (lost.count > 5 ? ", …" : "")
                        notes.append("\(file.path): \(lost.count) ticket(s) its predecessor brought are also in \(held.path), but reading that file again did not give them back (\(shown)); they leave fact_ticket with the replaced file — expected each to pass normalize again: check what changed in the pipeline's rules since that file was loaded, or backfill its partition")
                        try noteMetadata(file: file.id, key: "not_given_back/\(other)", value: lost.joined(separator: ","), database: database)
                    }
                }
                return notes
            }
        }
        // A file has raw rows only when its source keeps them (`keep_raw`; the config refuses
        // it under pseudonymisation) or an older version extracted it. Once the file is staged
        // (or has failed) they are deleted in the same transaction unless the source keeps
        // them. The archived file (or the inbox file) stays the raw layer; a backfill reads it
        // again. `kind: raw` sources are not normalized and keep theirs.
        let hasRawTable = try database.relationExists(rawTable)
        func dropRawRows(of file: PendingFile) throws {
            guard dropRaw, hasRawTable, file.storesRawRows(database.engine, source: source) else { return }
            try RawStore.delete(RawStore.FileRows(fileID: file.id, firstRowID: file.firstRowID, lastRowID: file.lastRowID), from: rawTable,
                                database: database)
        }
        // Progress counts rows read from raw_<source>, and bytes of the files read again.
        context.progress.addToStageTotal(files.reduce(0) { $0 + ($1.storesRawRows(database.engine, source: source) ? Int64($1.extracted) : $1.size) })
        for file in files {
            try Interruption.checkpoint()
            do {
                let outcome = try database.transaction { () throws -> (written: Int, rejected: Int, failed: String?, notes: [String]) in
                    if leavesTickets, try reader.leaveToLoad(file) {
                        // Its columns are checked and listed now; its rows are read by load.
                        try manifest.normalized(file.id, rejected: file.extractRejects)
                        FaultPoint.reached("normalize.file")
                        return (0, 0, nil, [])
                    }
                    let result = try reader.stageFile(file)
                    try dropRawRows(of: file)
                    let total = file.extracted + file.extractRejects
                    let rejected = result.rejected + file.extractRejects
                    let share = total == 0 ? 0 : Double(rejected) / Double(total)
                    if share > context.config.rejectThreshold {
                        let message = "\(file.path): \(rejected) of \(total) rows rejected (\(percent(share))), above the reject threshold of \(percent(context.config.rejectThreshold)); the file is not loaded — see etl_reject for the reasons"
                        try FileRows.unstage(fileID: file.id, database: database)
                        try manifest.fail(file.id, reason: message, rejected: rejected)
                        return (0, result.rejected, message, [])
                    }
                    let notes = try giveBack?(file) ?? []
                    try manifest.normalized(file.id, rejected: rejected)
                    FaultPoint.reached("normalize.file")
                    return (result.written, result.rejected, nil, notes)
                }
                FaultPoint.reached("normalize.file.committed")
                counts.rowsRead += outcome.written + outcome.rejected
                counts.rowsWritten += outcome.written
                counts.rowsRejected += outcome.rejected
                if let message = outcome.failed {
                    counts.filesFailed += 1
                    counts.dataFailure = true
                    counts.messages.append(message)
                    context.logger.error("\(message)")
                } else {
                    counts.filesDone += 1
                }
                for note in outcome.notes {
                    counts.dataFailure = true
                    counts.messages.append(note)
                    context.logger.error("\(note)")
                }
            } catch let error as WarehouseError where error.isWarehouseWide {
                throw error
            } catch let waiting as NormalizeError where waiting.waits {
                // Not this file's fault (another file it needs, or its own never-archived file,
                // is not there to read): it stays extracted (its raw rows too, if it has any)
                // and is staged by the run that can read the file again.
                let error = "\(waiting)"
                try manifest.note(file.id, waiting: error)
                counts.filesFailed += 1
                counts.dataFailure = true
                counts.messages.append(error)
                context.logger.error("\(error)")
            } catch let caught {
                // A file of the archive that is not the registered one says so in its own words.
                let error: String
                if let known = caught as? NormalizeError {
                    error = "\(known)"
                } else if let known = caught as? ExtractError {
                    error = "\(known)"
                } else {
                    error = "\(NormalizeError.notStaged(path: file.path, reason: "\(caught)"))"
                }
                try dropRawRows(of: file)
                try manifest.fail(file.id, reason: error)
                counts.filesFailed += 1
                counts.dataFailure = true
                counts.messages.append("\(error)")
                context.logger.error("\(error)")
            }
        }
        return counts
    }

    /// The file metadata marking a ticket file normalize left to load (`leaveToLoad`).
    package static let leftToLoad = "tickets/one_pass"
    /// Why load staged a file normalize left to it after all (`stageLeftFile`): kept, for
    /// `status` and whoever wonders why that file took longer.
    package static let stagedAtLoad = "tickets/staged_at_load"

    /// Load's one pass over a ticket file normalize left to it (SQLite), in the caller's
    /// transaction: its records are read from the archive, mapped, coerced and written
    /// straight into `fact_ticket` (`TicketFactWriter`), its rejects into `etl_reject`.
    /// Returns the rows written and rejected. It throws — and the caller rolls its transaction
    /// back — when the file is not fresh (a ticket of it is held already, or held twice), when
    /// its rejects pass the threshold, or when it cannot be read: `stageLeftFile` then stages
    /// it as normalize would, and says what went wrong in normalize's words. (Not a savepoint:
    /// inside one SQLite keeps every page the rows change in its sub-journal as well, which
    /// made the pass four times slower.)
    package static func mergeInOnePass(fileID: Int64, source: SourceConfig, version: Int64, database: any WarehouseConnection,
                                       context: StageContext) throws -> (written: Int, rejected: Int) {
        guard let file = try pendingFile(fileID, database: database, context: context) else {
            throw NormalizeError.notStaged(path: "file \(fileID)", reason: "it is not in etl_source_file")
        }
        let coercer = try Coercer(timeZone: source.timeZone ?? context.config.timeZone, decimalSeparator: source.decimalSeparator)
        guard let reader = try SourceFiles(source: source, coercer: coercer, database: database, context: context) else {
            throw NormalizeError.notStaged(path: file.path, reason: "source \(source.name) has no canonical entity")
        }
        let input = try reader.records(file, only: nil)
        let plan = try reader.plan(file, input: input, only: nil)
        guard let facts = try TicketFactWriter(database: database, fields: plan.outputFields.map(\.name), fileID: file.id,
                                               source: source.name, version: version) else {
            throw NormalizeError.notStaged(path: file.path, reason: "only SQLite reads a ticket file into the facts in one pass")
        }
        let result = try normalizeFile(file, plan: plan, input: input, rawTable: reader.rawTable, rawColumns: reader.rawColumns,
                                       source: source, coercer: coercer, database: database, context: context, facts: facts)
        let total = file.extracted + file.extractRejects
        let rejected = result.rejected + file.extractRejects
        guard total == 0 || Double(rejected) / Double(total) <= context.config.rejectThreshold else {
            throw NormalizeError.notStaged(path: file.path, reason: "\(rejected) of \(total) rows rejected, above the reject threshold")
        }
        try Manifest(database).normalized(file.id, rejected: rejected)
        try FileMetadata(database).remove(file.id, leftToLoad)
        return result
    }

    /// A ticket file normalize left to load that load could not merge in one pass
    /// (`mergeInOnePass`): it is normalized again the staged way — back to extracted, then
    /// staged in `stg_ticket` (or failed, with its reason) in a transaction of its own, as
    /// normalize stages any file. Returns normalize's counts for it.
    package static func stageLeftFile(fileID: Int64, source: SourceConfig, because reason: String, database: any WarehouseConnection,
                                      context: StageContext) throws -> StageCounts {
        try database.transaction {
            try Manifest(database).extractedAgain(fileID)
            try FileMetadata(database).remove(fileID, leftToLoad)
            try FileMetadata(database).set(fileID, stagedAtLoad, reason)
        }
        let coercer = try Coercer(timeZone: source.timeZone ?? context.config.timeZone, decimalSeparator: source.decimalSeparator)
        return try normalize(source: source, coercer: coercer, database: database, context: context, only: [fileID])
    }

    /// What normalize reads one source's files with.
    private struct SourceFiles {
        let source: SourceConfig
        let coercer: Coercer
        let database: any WarehouseConnection
        let context: StageContext
        let entity: CanonicalEntity
        let rawTable: String
        let rawColumns: [String]
        /// Raw rows last only until their file is staged, unless the source keeps them
        /// (`keep_raw`) and no pseudonymisation forbids it.
        let dropRaw: Bool

        /// nil for a source with no canonical entity (`kind: raw`).
        init?(source: SourceConfig, coercer: Coercer, database: any WarehouseConnection, context: StageContext) throws {
            guard source.isNormalized, let entity = CanonicalEntity.forKind(source.kind) else { return nil }
            self.source = source
            self.coercer = coercer
            self.database = database
            self.context = context
            self.entity = entity
            rawTable = WarehouseCatalog.rawTable(source: source.name)
            rawColumns = try RawRows.columns(source: source.name, rawTable: rawTable, database: database)
            dropRaw = !context.config.privacy.pseudonymise.isEmpty || !source.keepRaw
        }

        /// Where `file`'s records are read: its raw rows while they are there (`keep_raw`;
        /// those of a file given back once `dropRaw` has deleted them are not), else the
        /// file itself with the columns extract listed. A file extracted by an older
        /// version has no list: its raw rows, as then.
        func records(_ file: PendingFile, only: Set<String>?) throws -> FileRecords {
            let listed = try FileMetadata(database).value(file.id, FileColumns.metadataKey)
            let rawRowsThere = file.storesRawRows(database.engine, source: source) && (only == nil || !dropRaw)
            let origin: FileRecords.Origin
            if let listed, !rawRowsThere {
                guard let columns = FileColumns.decode(listed) else {
                    throw NormalizeError.notStaged(path: file.path, reason: "its column list in etl_file_metadata is not a JSON array of names")
                }
                let readPath = pathToRead(file, context: context)
                // A file never archived (a pulse survey's, any under pseudonymisation) that is
                // gone from the inbox waits for its return rather than failing for good.
                guard FileManager.default.fileExists(atPath: readPath) else { throw NormalizeError.fileGone(path: file.path) }
                origin = .file(readPath: readPath, columns: columns)
            } else {
                origin = .rawRows(rawTable: rawTable, firstRowID: file.firstRowID, lastRowID: file.lastRowID)
            }
            return FileRecords(fileID: file.id, path: file.path, sha256: file.sha256, records: file.extracted, origin: origin, source: source)
        }

        /// The row normalizer's plan for `file` (its columns listed as mapped or not, unless
        /// only some tickets are given back).
        func plan(_ file: PendingFile, input: FileRecords, only: Set<String>?) throws -> FieldPlan {
            // The export's own column labels (Zendesk's field_headers) help find the fields.
            let labels = try FileMetadata(database).values(file.id, prefix: "label/")
            let columns = input.fileColumns ?? rawColumns
            let plan = try FieldPlan(entity: entity, source: source, columns: columns, path: file.path, labels: labels)
            if only == nil {
                let mapped = Set(plan.rawColumns)
                try noteUnmappedColumns(columns.filter { !mapped.contains($0) }, file: file, database: database)
            }
            return plan
        }

        /// Stages `file`'s records (only the tickets `only` names, without rejects, when
        /// giving back a corrected re-export's tickets) through the row normalizer.
        func stageRecords(_ file: PendingFile, only: Set<String>?, input known: FileRecords? = nil) throws -> (written: Int, rejected: Int) {
            let input = try known ?? records(file, only: only)
            return try normalizeFile(file, plan: plan(file, input: input, only: only), input: input, rawTable: rawTable, rawColumns: rawColumns,
                                     only: only, source: source, coercer: coercer, database: database, context: context)
        }

        /// Whether `file` (of a ticket source, on SQLite, with no correction among the files
        /// normalize takes: the caller checks) is left to load, to be read once into the facts
        /// (`mergeInOnePass`): a plain ticket file read from the archive whose extract rejects
        /// alone keep it under the threshold. Its plan is made (a file missing a required
        /// column fails here, as when staged), its columns listed, and it is marked in its
        /// metadata.
        func leaveToLoad(_ file: PendingFile) throws -> Bool {
            let input = try records(file, only: nil)
            guard case .file(_, let columns) = input.origin, AuditNormalizer(source: source, columns: columns, coercer: coercer) == nil
            else { return false }
            let total = file.extracted + file.extractRejects
            guard total == 0 || Double(file.extractRejects) / Double(total) <= context.config.rejectThreshold else { return false }
            _ = try plan(file, input: input, only: nil)
            try FileMetadata(database).set(file.id, leftToLoad, "1")
            return true
        }

        /// Stages one file: surveys, Stripe events and ticket audits by their own normalizers
        /// (audits when the file's columns look like them), the rest row by row.
        func stageFile(_ file: PendingFile) throws -> (written: Int, rejected: Int) {
            let input = try records(file, only: nil)
            let columns = input.fileColumns ?? rawColumns
            if source.kind == .survey {
                let metadata = try FileMetadata(database).all(file.id)
                let normalizer = try SurveyNormalizer(source: source, columns: columns, path: file.path, coercer: coercer,
                                                      fileMetadata: metadata, logger: context.logger)
                let selected = Set(normalizer.selected)
                try noteUnmappedColumns(columns.filter { !selected.contains($0) }, file: file, database: database)
                return try normalizer.normalize(input, database: database, context: context)
            }
            if let stripe = StripeEvents(source: source, columns: columns, coercer: coercer) {
                let result = try stripe.normalize(input, database: database, context: context)
                // Event types it does not use are counted, as every vocabulary's unknown words are.
                try noteUnmappedValues(result.unmapped.map { (field: "event", word: $0.key, rows: $0.value) }, file: file,
                                       source: source, database: database, context: context)
                return (result.written, result.rejected)
            }
            if let audits = AuditNormalizer(source: source, columns: columns, coercer: coercer) {
                // Ticket audits: each record's events array becomes several staged events.
                return try audits.normalize(input, database: database, context: context)
            }
            return try stageRecords(file, only: nil, input: input)
        }
    }

    private static func normalizeFile(
        _ file: PendingFile, plan: FieldPlan, input: FileRecords, rawTable: String, rawColumns: [String], only: Set<String>? = nil, source: SourceConfig,
        coercer: Coercer, database: any WarehouseConnection, context: StageContext, facts: TicketFactWriter? = nil
    ) throws -> (written: Int, rejected: Int) {
        let entity = plan.entity
        // `facts`: the rows go straight into fact_ticket (load's one pass), not to staging.
        let inserter = try facts == nil ? TableWriter(database, table: entity.table, columns: ["file_id", "record_no", "source"] + plan.outputFields.map(\.name)) : nil
        let quarantine = try Quarantine(database: database, context: context, source: source.name, fileID: file.id, path: file.path)
        let normalizer = RowNormalizer(plan: plan, coercer: coercer, source: source, partition: file.partition,
                                       privacy: context.config.privacy, validation: context.config.validation,
                                       runDate: context.runDate)
        var written = 0
        // A roster snapshot names each employee once: a second row for the same id (another
        // team, say) is quarantined naming the first, never silently preferred.
        let rosterKey = source.kind == .hrRoster ? plan.outputFields.firstIndex { $0.name == "employee_id" } : nil
        var firstLine: [[UInt8]: Int64] = [:]
        let shared: [String: [String]]
        switch input.origin {
        case .file(let readPath, let columns):
            shared = try sharedNumbers(file: file, readPath: readPath, plan: plan, columns: columns, source: source, database: database)
        case .rawRows:
            shared = try sharedNumbers(file: file, plan: plan, rawTable: rawTable, rawColumns: rawColumns, database: database)
        }
        let ticketSlot = shared.isEmpty ? nil : plan.outputFields.firstIndex { $0.name == "ticket_id" }
        // Giving back: only the named tickets are staged, and a record that fails again was
        // already quarantined when the file was first staged.
        let onlySlot = only == nil ? nil : plan.outputFields.firstIndex { $0.name == "ticket_id" }
        let wanted = Set((only ?? []).map { Array($0.utf8) })
        /// What becomes of one record: nil when it is not staged at all (a give-back's other
        /// tickets), else the reason it is quarantined, if any (`normalizer.values` hold the row).
        func verdict<Record: RawRecord>(_ recordNo: Int64, _ row: Record) -> RowFailure?? {
            var failure = normalizer.normalize(row)
            if only != nil {
                guard failure == nil, let onlySlot, case .bytes(let id) = normalizer.values[onlySlot], wanted.contains(Array(id)) else { return nil }
            }
            if failure == nil, let rosterKey, case .bytes(let id) = normalizer.values[rosterKey] {
                let key = Array(id)
                if let first = firstLine[key] {
                    let text = String(decoding: id, as: UTF8.self)
                    failure = RowFailure(field: "employee_id", raw: text,
                                         reason: "employee \(text) appears again in this snapshot (first at record \(first), which is kept); expected one row per employee")
                } else {
                    firstLine[key] = recordNo
                }
            }
            if failure == nil, let ticketSlot, case .bytes(let id) = normalizer.values[ticketSlot],
               case let number = String(String(decoding: id, as: UTF8.self).dropFirst(source.ticketIDPrefix.count)), let ids = shared[number] {
                failure = RowFailure(field: "ticket_id", raw: number,
                                     reason: "\(number) names \(ids.count) different records (sys_id \(ids.joined(separator: ", "))); expected one incident per number — map fields.ticket_id: sys_id to keep each")
            }
            return .some(failure)
        }
        // The agent ids of a ticket file, for load to map to employees without reading the
        // staged rows again (a give-back's few tickets are mapped from their staged rows).
        var agents = AgentIDs(plan: plan, entity: entity, collecting: only == nil)
        var ticketIDs = StagedTicketIDs(plan: plan, entity: entity, collecting: only == nil)
        let width = plan.outputFields.count
        let (firstAssigneeSlot, assigneeSlot) = (plan.outputFields.firstIndex { $0.name == "first_assignee_id" },
                                                 plan.outputFields.firstIndex { $0.name == "assignee_id" })
        switch input.origin {
        case .file(let readPath, _):
            // One pass over the archived file, on two threads: this one writes while another
            // reads, maps and coerces the records (and a third hashes the same bytes to prove
            // they are the ones extract registered, checked before the file's transaction
            // commits). The rows arrive here in record order, with their rejects between them.
            try StagingPipe.run(width: width, read: { pipe in
                var batch = try pipe.takeEmpty()
                try FileRecords.read(readPath, path: file.path, sha256: file.sha256, records: file.extracted, source: source,
                                     planColumns: plan.rawColumns, progress: context.progress) { number, row in
                    let recordNo = Int64(number)
                    switch verdict(recordNo, row) {
                    case .none: return
                    case .some(.some(let failure)): batch.append(recordNo: recordNo, failure)
                    case .some(.none):
                        agents.note(normalizer.values) { batch.noteAgent($0) }
                        ticketIDs.note(normalizer.values)
                        batch.append(recordNo: recordNo, normalizer.values)
                    }
                    if batch.isFull {
                        pipe.send(batch)
                        batch = try pipe.takeEmpty()
                    }
                }
                pipe.send(batch)
            }, write: { batch in
                // Agents a row names for the first time are mapped before that row is written.
                try facts?.addAgents(batch.newAgents)
                try batch.withBytes { bytes in
                    for entry in batch.entries {
                        switch entry {
                        case .reject(let recordNo, let failure):
                            try quarantine.add(recordNo: recordNo, failure)
                        case .row(let recordNo, let first):
                            if let facts {
                                try facts.insert(recordNo: recordNo, firstAssignee: batch.text(first, slot: firstAssigneeSlot, bytes: bytes),
                                                 assignee: batch.text(first, slot: assigneeSlot, bytes: bytes)) { statement in
                                    try batch.bind(first, width: width, bytes: bytes, to: statement, from: facts.firstFieldParameter)
                                }
                            } else if let sqlite = inserter?.sqlite {
                                try sqlite.insert { statement in
                                    try statement.bind(.integer(file.id), at: 1)
                                    try statement.bind(.integer(recordNo), at: 2)
                                    try statement.bind(.text(source.name), at: 3)
                                    try batch.bind(first, width: width, bytes: bytes, to: statement, from: 4)
                                }
                            } else {
                                try inserter?.insertEncoded { row in
                                    row.appendInteger(file.id)
                                    row.appendInteger(recordNo)
                                    row.append(.text(source.name))
                                    batch.encode(first, width: width, bytes: bytes, into: &row)
                                }
                            }
                            written += 1
                        }
                    }
                }
            })
        case .rawRows:
            // Load's one pass reads files only (`leaveToLoad`); stored raw rows are staged.
            guard facts == nil else { throw NormalizeError.notStaged(path: file.path, reason: "its records are raw rows, which are staged, not read in one pass") }
            context.progress.begin("normalize \(source.name)", total: Int64(file.extracted))
            defer { context.progress.end() }
            try input.forEach(columns: plan.rawColumns, database: database, progress: context.progress) { row in
                let recordNo = row.int64(0)
                switch verdict(recordNo, StoredRawRecord(row: row)) {
                case .none: break
                case .some(.some(let failure)): try quarantine.add(recordNo: recordNo, failure)
                case .some(.none):
                    agents.note(normalizer.values)
                    ticketIDs.note(normalizer.values)
                    if let sqlite = inserter?.sqlite {
                        // SQLite: the values bound where they lie, no copy.
                        try sqlite.insert { statement in
                            try statement.bind(.integer(file.id), at: 1)
                            try statement.bind(.integer(recordNo), at: 2)
                            try statement.bind(.text(source.name), at: 3)
                            try normalizer.bind(to: statement, from: 4)
                        }
                    } else {
                        try inserter?.insert([.integer(file.id), .integer(recordNo), .text(source.name)] + normalizer.sqlValues())
                    }
                    written += 1
                }
                context.progress.update(rows: written + quarantine.count, done: Int64(written + quarantine.count))
            }
        }
        if let inserter {
            try inserter.finish()
            try agents.write(fileID: file.id, database: database)
            try ticketIDs.write(fileID: file.id, database: database)
        }
        try quarantine.finish()
        if only == nil {
            try noteUnmappedValues(normalizer.unmappedWords, file: file, source: source, database: database, context: context)
        }
        return (written, quarantine.count)
    }

    /// The manifest row of file `id` as normalize reads it (nil when it is not there).
    private static func pendingFile(_ id: Int64, database: any WarehouseConnection, context: StageContext) throws -> PendingFile? {
        try Manifest(database).file(id).map {
            PendingFile(id: $0.id, path: context.config.absolutePath(manifest: $0.path), partition: $0.partition, extracted: $0.records,
                        extractRejects: $0.rejected, firstRowID: $0.firstRowID, lastRowID: $0.lastRowID, sha256: $0.sha256, size: $0.size)
        }
    }

    /// The bytes of a file whose records were not stored: its archived copy, or — when it was
    /// not archived (a pulse survey, pseudonymisation) — the inbox file, which must still
    /// hash to the manifest's digest.
    private static func pathToRead(_ file: PendingFile, context: StageContext) -> String {
        let archived = FileArchive.path(sha256: file.sha256, directory: context.config.archiveDirectory)
        return FileDigest.identity(archived) != nil ? archived : file.path
    }

    /// Words no vocabulary knew, counted in the manifest's metadata (`unmapped/<field>/<word>`)
    /// and said in the log, so a vendor's own word never passes for a canonical one in silence.
    private static func noteUnmappedValues(_ words: [(field: String, word: String, rows: Int)], file: PendingFile, source: SourceConfig,
                                           database: any WarehouseConnection, context: StageContext) throws {
        guard !words.isEmpty else { return }
        for entry in words {
            try noteMetadata(file: file.id, key: "unmapped/\(entry.field)/\(entry.word)", value: String(entry.rows), database: database)
        }
        let sorted = words.sorted { ($0.rows, $1.word) > ($1.rows, $0.word) }
        let shown = sorted.prefix(5).map { "\($0.field) '\($0.word)' ×\($0.rows)" }.joined(separator: ", ")
        context.logger.warning("\(file.path): \(words.count) value(s) not in the canonical vocabulary, stored as NULL (event kinds as other): \(shown)\(words.count > 5 ? ", …" : "") — map them under sources.\(source.name).values")
    }

    /// ServiceNow: the ticket numbers of this file that more than one record (`sys_id`) carries
    /// — two incidents sharing a number would otherwise be merged into one fact in silence.
    /// Empty for sources without a `sys_id` column or whose ticket id is the `sys_id`.
    private static func sharedNumbers(file: PendingFile, plan: FieldPlan, rawTable: String, rawColumns: [String],
                                      database: any WarehouseConnection) throws -> [String: [String]] {
        guard let slot = plan.outputFields.firstIndex(where: { $0.name == "ticket_id" }), let columns = plan.columnsByField[slot],
              columns.count == 1, plan.rawColumns[columns[0]] != "sys_id",
              let sysID = rawColumns.first(where: { $0 == "sys_id" }) else { return [:] }
        return try RawStore.sharedValues(of: plan.rawColumns[columns[0]], across: sysID,
                                         in: RawStore.FileRows(fileID: file.id, firstRowID: file.firstRowID, lastRowID: file.lastRowID),
                                         table: rawTable, database: database)
    }

    /// `sharedNumbers` for a file whose records were not stored: a first pass over the file
    /// gathers each record's number and `sys_id` into a temporary table, grouped as above.
    private static func sharedNumbers(file: PendingFile, readPath: String, plan: FieldPlan, columns fileColumns: [String],
                                      source: SourceConfig, database: any WarehouseConnection) throws -> [String: [String]] {
        guard let slot = plan.outputFields.firstIndex(where: { $0.name == "ticket_id" }), let columns = plan.columnsByField[slot],
              columns.count == 1, plan.rawColumns[columns[0]] != "sys_id",
              let sysID = fileColumns.first(where: { $0 == "sys_id" }) else { return [:] }
        let reader = try SourceRegistry.source(format: source.format, encoding: source.encoding, delimiter: source.delimiter,
                                               record: source.record, path: readPath)
        return try RawStore.sharedValues(database: database) { pairs in
            let feed = FileRecordFeed(planColumns: [plan.rawColumns[columns[0]], sysID]) { _, row in
                guard let id = row.bytes(1) else { return }
                // Spaces trimmed at both ends, as SQL's trim() does.
                let number = row.bytes(0).map { bytes -> String in
                    var slice = bytes[...]
                    while slice.first == 0x20 { slice = slice.dropFirst() }
                    while slice.last == 0x20 { slice = slice.dropLast() }
                    return String(decoding: slice, as: UTF8.self)
                }
                try pairs.insert([SQLValue(number), .text(String(decoding: id, as: UTF8.self))])
            }
            try reader.read(readPath, into: feed, progress: .silent)
        }
    }

    /// Records which of the source's columns nothing maps (`columns/unmapped` in
    /// `etl_file_metadata`: their count and names), so every column is accounted for — mapped,
    /// or listed — and `status` can show it.
    private static func noteUnmappedColumns(_ unused: [String], file: PendingFile, database: any WarehouseConnection) throws {
        let names = unused.prefix(50).joined(separator: ", ") + (unused.count > 50 ? ", …" : "")
        try noteMetadata(file: file.id, key: "columns/unmapped", value: "\(unused.count): \(names)", database: database)
    }

    /// Sets one `etl_file_metadata` value of a file (replacing an earlier one).
    private static func noteMetadata(file: Int64, key: String, value: String, database: any WarehouseConnection) throws {
        try FileMetadata(database).set(file, key, value)
    }

    private static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return "\(value)%"
    }
}
