
/// The files a corrected re-export replaced.
package enum Superseded {
    /// The ids of the files `fileID` superseded, as an SQL list, or nil when there are none.
    package static func predecessors(of fileID: Int64, database: any WarehouseConnection) throws -> String? {
        let ids = try Manifest(database).superseded(by: fileID)
        return ids.isEmpty ? nil : ids.map(String.init).joined(separator: ", ")
    }
}
