import AmbassadorCore
import Extract
import Warehouse

/// What normalize needs of `raw_<source>` beyond `RawStore`: the source's raw columns.
enum RawRows {
    /// The source's raw columns, in the order files first named them: the table's columns on
    /// SQLite; on PostgreSQL (one document per record) the `columns` lists of the source's
    /// files that were not failed. Empty when the source keeps no raw rows.
    static func columns(source: String, rawTable: String, database: any WarehouseConnection) throws -> [String] {
        guard try database.relationExists(rawTable) else { return [] }
        if let sqlite = database as? Database {
            return try sqlite.columns(of: rawTable).filter { $0 != "_file_id" && $0 != "_record_no" }
        }
        let lists = try FileMetadata(database).history(source: source, key: FileColumns.metadataKey)
        var seen: Set<ColumnName.Key> = []
        var ordered: [String] = []
        for list in lists {
            for name in list.flatMap(FileColumns.decode) ?? [] where seen.insert(ColumnName.key(name)).inserted {
                ordered.append(name)
            }
        }
        return ordered
    }

}

/// One file's records as a normalizer reads them, row by row as `raw_<source>` would give
/// them (`_record_no`, then the named columns): its raw rows while they are there (a
/// `keep_raw` source), else the file itself — archived, or the inbox file when nothing is
/// archived (a pulse survey, pseudonymisation) — read once in a stream.
struct FileRecords {
    enum Origin {
        case rawRows(rawTable: String, firstRowID: Int64, lastRowID: Int64)
        /// The bytes to read, and the file's columns as extract listed them.
        case file(readPath: String, columns: [String])
    }

    let fileID: Int64
    /// The file's path (in the inbox), for messages.
    let path: String
    let sha256: String
    /// How many records extract counted in the file.
    let records: Int
    let origin: Origin
    let source: SourceConfig

    /// The file's own columns when it is read from the file; nil for raw rows (the raw
    /// table's columns then).
    var fileColumns: [String]? {
        if case .file(_, let columns) = origin { return columns }
        return nil
    }

    func forEach(columns: [String?], database: any WarehouseConnection, progress: ProgressReporter,
                 _ body: (any WarehouseRow) throws -> Void) throws {
        switch origin {
        case .rawRows(let rawTable, let first, let last):
            try RawStore.rows(of: RawStore.FileRows(fileID: fileID, firstRowID: first, lastRowID: last), columns: columns, table: rawTable,
                              database: database, body)
        case .file(let readPath, _):
            try withoutActuallyEscaping(body) { body in
                try FileRecords.read(readPath, path: path, sha256: sha256, records: records, source: source, planColumns: columns,
                                     progress: progress) { number, feed in try body(FeedRow(number: number, feed: feed)) }
            }
        }
    }

    /// Reads `readPath` once, handing each record to `body`, while the other core hashes the
    /// same bytes to prove they are the ones extract registered; then checks that it read as
    /// many records as extract counted. Either failure throws (the file's transaction is
    /// rolled back by the caller).
    static func read(_ readPath: String, path: String, sha256: String, records: Int, source: SourceConfig, planColumns: [String?],
                     progress: ProgressReporter, body: @escaping (Int, FileRecordFeed) throws -> Void) throws {
        let digest = BackgroundDigest(path: readPath)
        let reader = try SourceRegistry.source(format: source.format, encoding: source.encoding, delimiter: source.delimiter,
                                               record: source.record, path: readPath)
        let feed = FileRecordFeed(planColumns: planColumns, body: body)
        try reader.read(readPath, into: feed, progress: progress)
        let found = try digest.wait()
        guard found.hex == sha256 else {
            throw ExtractError.notTheRegisteredFile(path: readPath, expected: sha256, found: found.hex)
        }
        guard feed.records == records else {
            throw NormalizeError.notStaged(path: path, reason: "read \(feed.records) records, but extract counted \(records) in the same bytes")
        }
    }
}
