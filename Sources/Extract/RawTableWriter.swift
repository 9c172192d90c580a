import AmbassadorCore
import Warehouse

/// Writes one file's records into `raw_<source>`: columns named by the source, plus
/// `_file_id` and `_record_no`. A column the table lacks is added and recorded in
/// `etl_schema_change` (a later export with a new column is never fatal).
///
/// For a source that keeps no raw rows (`storesRows` false: every source but `keep_raw` and
/// `kind: raw` ones) it stores no record: it counts them, keeps the rejects and the file's
/// metadata, and compares the file's columns with the source's previous file for
/// `etl_schema_change`. Every file gets its columns listed in `etl_file_metadata`
/// (`columns`): normalize maps them before reading the file (again, for a corrected
/// re-export's taken-back tickets, even when the source keeps raw rows).
///
/// An employee (pulse) survey keeps only its answer items and the response id, team,
/// submission time and completion (`SurveyColumns.keptForEmployees`): the respondent's
/// identity columns never reach the warehouse, and their names (not values) are listed in
/// `etl_file_metadata` as `dropped_identity_column/<name>`.
///
/// On PostgreSQL a raw table holds each record as one `jsonb` document (`record`, the
/// vendor's column names as keys) beside `_row_id`, `_file_id` and `_record_no`: export
/// headers are often longer than PostgreSQL's 63-byte identifiers and wider than its
/// 1 600 columns, and `record->>'Ticket ID'` is how its users query such data. Records and
/// rejects go in by COPY, a batch at a time. The columns a new file adds are found against
/// the `columns` lists of the source's earlier files (both engines list every file's).
final class RawTableWriter: RecordSink {
    private let database: any WarehouseConnection
    /// The same connection when the warehouse is SQLite (its prepared-statement paths).
    private let sqlite: Database?
    private let table: String
    private let source: String
    private let fileID: Int64
    private let filePath: String
    private let runID: Int64
    private var insert: Statement?
    /// The file's rejects, made at the first one.
    private var rejects: RejectLog?
    private(set) var written = 0
    /// The rowid range of this file's rows (contiguous: one writer, one transaction).
    private(set) var firstRowID: Int64?
    private(set) var lastRowID: Int64?
    private(set) var rejected = 0
    private var columnCount = 0
    /// Whether records go into `raw_<source>`; when false they are only counted.
    private let storesRows: Bool
    /// The file's columns as the reader last gave them (every name, in position order).
    private(set) var fileColumns: [String] = []

    /// The pulse source whose identity columns are dropped; nil keeps every column.
    private let employeeSurvey: SourceConfig?
    /// For an employee survey: the record position of each stored column.
    private var storedPositions: [Int]?
    private var dropped: Set<String> = []
    /// Qualtrics ImportIds heard before the columns (they tell answers from the rest).
    private var importIDs: [String: String] = [:]
    /// Extract rejects of this source keep no raw value (it may be a whole row holding a
    /// name or an e-mail): an employee survey, or any source under pseudonymisation.
    private let withholdRawValues: Bool

    /// PostgreSQL: records waiting for their COPY.
    private var pendingRecords: [[SQLValue]] = []
    /// PostgreSQL: the spelling each column (by `ColumnName.key`) had in the first file of the
    /// source that named it — the document key, as a SQLite raw table keeps its first column
    /// name: a later export spelling `Q1` as `q1` lands under the same key, not beside it.
    private var knownColumns: [ColumnName.Key: String]?
    /// PostgreSQL: the document key of each stored column.
    private var documentKeys: [String] = []
    /// The names stored for each record, in order (the file's, less a pulse survey's identities).
    private var storedNames: [String] = []
    static let copyBatch = 2_000

    init(database: any WarehouseConnection, source: SourceConfig, fileID: Int64, filePath: String, runID: Int64, pseudonymising: Bool = false) {
        self.database = database
        sqlite = database as? Database
        storesRows = source.storesRawRows
        self.table = WarehouseCatalog.rawTable(source: source.name)
        self.source = source.name
        employeeSurvey = SurveyColumns.isEmployeeSurvey(source) ? source : nil
        withholdRawValues = pseudonymising || SurveyColumns.isEmployeeSurvey(source)
        self.fileID = fileID
        self.filePath = filePath
        self.runID = runID
    }

    /// Whether `raw_<source>` existed before this file (only then is a new column a schema change).
    private var tableExistedBefore: Bool?

    /// SQLite's default limit is 2000 columns per table; two are the lineage columns, and a
    /// few stay free for later exports' new columns.
    static let maximumColumns = 1990

    func columns(_ all: [String]) throws {
        fileColumns = all
        var names = all
        if let employeeSurvey {
            // Dropped whether or not rows are stored: the columns listed for normalize (which
            // reads the file again) are these, so it never reads an identity column either.
            let kept = SurveyColumns(source: employeeSurvey, columns: all, importIDs: importIDs).keptForEmployees
            storedPositions = all.indices.filter { kept.contains(all[$0]) }
            names = all.filter { kept.contains($0) }
            for name in all where !kept.contains(name) && dropped.insert(name).inserted {
                try metadata("dropped_identity_column/" + name, "employee survey: not an answer, team or response field; never stored")
            }
        }
        storedNames = names
        guard storesRows else { return }
        guard let sqlite else {
            try preparePostgresTable(names)
            return
        }
        let exists = try sqlite.tableExists(table)
        if tableExistedBefore == nil { tableExistedBefore = exists }
        // Data columns only (the two lineage columns are not counted).
        // Column identity is ColumnName's (SQLite's own rule on cleaned names): what this
        // says exists, SQLite finds, and what it adds, SQLite accepts.
        let existing = exists ? Set(try sqlite.columns(of: table).map { ColumnName.key($0) })
            .subtracting([ColumnName.key("_file_id"), ColumnName.key("_record_no")]) : []
        let added = names.filter { !existing.contains(ColumnName.key($0)) }
        guard existing.count + added.count <= RawTableWriter.maximumColumns else {
            throw ExtractError.malformed(path: filePath, line: 1, column: nil,
                                         message: "\(names.count) columns (raw_\(source) would have \(existing.count + added.count))",
                                         expected: "at most \(RawTableWriter.maximumColumns) columns per source")
        }
        if !exists {
            try RawStore.create(table, columns: names, database: sqlite)
        } else {
            for name in added {
                try RawStore.addColumn(name, to: table, database: sqlite)
                if tableExistedBefore == true { try schemaChange(table, name) }
            }
        }
        let inserter = try BulkInserter(database: sqlite, table: table, columns: ["_file_id", "_record_no"] + names)
        insert = inserter.statement
        columnCount = names.count
    }

    /// PostgreSQL: the raw table of documents, made when missing; the names no earlier file
    /// of the source had are recorded as schema changes (once the table existed before).
    private func preparePostgresTable(_ names: [String]) throws {
        let exists = try database.relationExists(table)
        if tableExistedBefore == nil { tableExistedBefore = exists }
        guard names.count <= RawTableWriter.maximumColumns else {
            throw ExtractError.malformed(path: filePath, line: 1, column: nil, message: "\(names.count) columns",
                                         expected: "at most \(RawTableWriter.maximumColumns) columns per source")
        }
        if !exists { try RawStore.createDocuments(table, database: database) }
        var known = knownColumns ?? [:]
        if knownColumns == nil, tableExistedBefore == true {
            let lists = try FileMetadata(database).history(source: source, key: FileColumns.metadataKey, before: fileID)
            for name in lists.flatMap({ $0.flatMap(FileColumns.decode) ?? [] }) where known[ColumnName.key(name)] == nil {
                known[ColumnName.key(name)] = name
            }
        }
        for name in names where known[ColumnName.key(name)] == nil {
            if tableExistedBefore == true { try schemaChange(table, name) }
            known[ColumnName.key(name)] = name
        }
        knownColumns = known
        documentKeys = names.map { known[ColumnName.key($0)] ?? $0 }
        columnCount = names.count
    }

    private func schemaChange(_ tableName: String, _ column: String) throws {
        try SchemaChangeLog.record(runID: runID, source: source, table: tableName, column: column, file: fileID, database: database)
    }

    func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        guard storesRows else {
            written += 1
            return true
        }
        guard let sqlite else { return try postgresRecord(number, values) }
        guard let insert else { return false }
        try insert.bind(.integer(fileID), at: 1)
        try insert.bind(.integer(Int64(number)), at: 2)
        // Every parameter is bound on every row: bindings persist across rows. Bytes that
        // outlive this call (a CSV record's buffer) are bound without a copy; others are copied.
        let noCopy = values.bytesOutliveTheCall
        for column in 0..<columnCount {
            let index = storedPositions?[column] ?? column
            if index < values.count {
                try values.withValue(index) { bytes in
                    if let bytes {
                        if noCopy {
                            try insert.bindTextNoCopy(bytes, at: Int32(column + 3))
                        } else {
                            try insert.bindText(bytes, at: Int32(column + 3))
                        }
                    } else {
                        try insert.bind(.null, at: Int32(column + 3))
                    }
                }
            } else {
                try insert.bind(.null, at: Int32(column + 3))
            }
        }
        defer { insert.reset() }
        try insert.step()
        let rowid = sqlite.lastInsertRowID
        if firstRowID == nil { firstRowID = rowid }
        lastRowID = rowid
        written += 1
        return true
    }

    /// PostgreSQL: one record as a JSON document of its stored columns. A value PostgreSQL
    /// cannot hold (a NUL character, bytes that are not UTF-8) rejects its record, named.
    private func postgresRecord<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        var document = "{"
        for column in 0..<columnCount {
            let index = storedPositions?[column] ?? column
            if column > 0 { document += "," }
            document += JSONText.quote(documentKeys[column]) + ":"
            // nil: no value (JSON null, a short record); .some(nil): bytes that are not UTF-8.
            let text: String?? = index < values.count ? values.withValue(index) { bytes -> String?? in
                guard let bytes else { return nil }
                return .some(String(validating: bytes, as: UTF8.self))
            } : nil
            switch text {
            case .none:
                document += "null"
            case .some(.none):
                try reject(number, field: storedNames[column], rawValue: nil, reason: "the value is not UTF-8 text, which a PostgreSQL warehouse stores only as UTF-8")
                return true
            case .some(.some(let value)) where value.utf8.contains(0):
                try reject(number, field: storedNames[column], rawValue: nil, reason: "the value holds a NUL character, which PostgreSQL text cannot store")
                return true
            case .some(.some(let value)):
                document += JSONText.quote(value)
            }
        }
        document += "}"
        pendingRecords.append([.integer(fileID), .integer(Int64(number)), .text(document)])
        if pendingRecords.count >= RawTableWriter.copyBatch { try flush() }
        written += 1
        return true
    }

    /// Sends the records (PostgreSQL) and rejects waiting for their COPY.
    func flush() throws {
        if let connection = database as? PostgresConnection, !pendingRecords.isEmpty {
            let rows = pendingRecords
            pendingRecords.removeAll(keepingCapacity: true)
            try connection.copy(into: table, columns: RawStore.documentColumns) { writer in
                for row in rows { try writer.write(row) }
            }
        }
        try rejects?.finish()
    }

    /// Ends the file: sends what waits (PostgreSQL) and lists the file's columns
    /// (`columns`, a JSON array in position order — the kept ones, for a pulse survey).
    /// For a source whose rows are not stored, records the columns the
    /// source's previous file lacked in `etl_schema_change` (raw tables record theirs as they grow).
    func finish() throws {
        try flush()
        try metadata(FileColumns.metadataKey, FileColumns.encode(storedNames))
        guard !storesRows else { return }
        let previous = try FileMetadata(database).latest(source: source, key: FileColumns.metadataKey, before: fileID)
        guard let previous, let known = FileColumns.decode(previous) else { return }
        let keys = Set(known.map { ColumnName.key($0) })
        for name in storedNames where !keys.contains(ColumnName.key(name)) {
            try SchemaChangeLog.record(runID: runID, source: source, table: "archive", column: name, file: fileID, database: database)
        }
    }

    func metadata(_ key: String, _ value: String?) throws {
        if employeeSurvey != nil, key.hasPrefix("import_id/"), let value { importIDs[String(key.dropFirst(10))] = value }
        try FileMetadata(database).set(fileID, key, value)
    }

    func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {
        if rejects == nil {
            rejects = try RejectLog(database, runID: runID, stage: .extract, source: source, fileID: fileID, path: filePath)
        }
        try rejects?.add(recordNo: Int64(number), field: field, raw: withholdRawValues ? nil : rawValue, reason: reason)
        rejected += 1
    }
}
