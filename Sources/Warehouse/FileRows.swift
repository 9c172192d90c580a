/// What one file contributed to the raw and staging layers, and the bookkeeping about it
/// (which tickets it holds, its rejects, its metadata): forgotten together when the file is
/// read again (`--reprocess`, a backfill) or a corrected re-export supersedes it. Its facts are
/// not touched here: load takes them back (`TicketMerge`, `EventMerge`, `SurveyMerge`).
package enum FileRows {
    /// The staging layer's tables, by name, from the catalog.
    package static let stagingTables = WarehouseCatalog.entries.filter { $0.value.layer == "staging" }.map(\.key).sorted()

    /// Removes what the file `fileID` of `source` contributed to the raw and staging layers,
    /// its rejects, its metadata and the record of which tickets it holds, in the caller's
    /// transaction.
    package static func forget(fileID: Int64, source: String, database: any WarehouseConnection) throws {
        let raw = WarehouseCatalog.rawTable(source: source)
        if try database.relationExists(raw) {
            try RawStore.delete(fileID: fileID, from: raw, database: database)
        }
        try unstage(fileID: fileID, database: database)
        try database.run("DELETE FROM etl_ticket_file WHERE file_id = ?", [.integer(fileID)])
        try RejectLog.forget(file: fileID, database: database)
        try database.run("DELETE FROM etl_file_metadata WHERE file_id = ?", [.integer(fileID)])
    }

    /// Removes the file's staged rows from every staging table the catalog lists (a staging
    /// table added later is cleared too; `file_id` leads each one's key), in the caller's
    /// transaction.
    package static func unstage(fileID: Int64, database: any WarehouseConnection) throws {
        for table in stagingTables {
            try database.run("DELETE FROM \(table) WHERE file_id = ?", [.integer(fileID)])
        }
    }
}
