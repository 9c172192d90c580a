/// A corrected re-export takes back every ticket its predecessors brought into `fact_ticket`;
/// a taken-back ticket that another loaded file also holds must come back with that file's
/// version. Loaded files keep no staged rows, so normalize stages those tickets again from
/// the files `etl_ticket_file` names, for load to merge them back.
package enum TicketGiveBack {
    /// For the file `fileID` (a correction): each loaded file holding a ticket that a
    /// superseded predecessor of `fileID` brought into the facts, with those tickets.
    package static func holders(of fileID: Int64, database: any WarehouseConnection) throws -> [(file: Int64, tickets: Set<String>)] {
        let rows = try database.rows("""
            SELECT t.file_id, t.ticket_id FROM etl_ticket_file t JOIN etl_source_file f ON f.file_id = t.file_id
            WHERE f.status = \(Manifest.FileState.loaded.sql) AND t.ticket_id IN (
                SELECT ticket_id FROM fact_ticket WHERE _file_id IN (
                    SELECT file_id FROM etl_source_file WHERE \(Manifest.supersededBy)))
            ORDER BY t.file_id
            """, [.integer(fileID)]) { ($0.int64(0), $0.text(1) ?? "") }
        var grouped: [(file: Int64, tickets: Set<String>)] = []
        for (file, ticket) in rows {
            if grouped.last?.file != file { grouped.append((file, [])) }
            grouped[grouped.count - 1].tickets.insert(ticket)
        }
        return grouped
    }

    /// The tickets file `fileID` has staged (`stg_ticket`) now.
    package static func stagedTickets(of fileID: Int64, database: any WarehouseConnection) throws -> Set<String> {
        Set(try database.rows("SELECT DISTINCT ticket_id FROM stg_ticket WHERE file_id = ?", [.integer(fileID)]) { $0.text(0) ?? "" })
    }
}
