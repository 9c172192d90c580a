import Warehouse

/// The files a corrected re-export replaced.
enum Superseded {
    /// The ids of the files `fileID` superseded, as an SQL list, or nil when there are none.
    static func predecessors(of fileID: Int64, database: any WarehouseConnection) throws -> String? {
        let ids = try database.rows(
            "SELECT file_id FROM etl_source_file WHERE superseded_by = ? AND status = 'superseded'", [.integer(fileID)]) { $0.int64(0) }
        return ids.isEmpty ? nil : ids.map(String.init).joined(separator: ", ")
    }
}
