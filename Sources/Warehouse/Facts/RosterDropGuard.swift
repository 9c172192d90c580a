/// Holds back a roster snapshot that drops a large share of the workforce at once.
///
/// A roster export cut off at a line boundary (11 of 113 rows) is a valid file and would mark
/// everyone missing from it as a leaver. Before employee history is rebuilt, each new snapshot
/// is compared with the snapshot before it: when more than `validation.max_roster_drop` of the
/// employees active there are missing (and at least `minimumDrop` of them: in a team of
/// three, one leaver is a third), the file is marked failed with a message and a
/// `roster_drop_held` note in `etl_file_metadata`, and stays out of the history until
/// `ambassador confirm FILE` says the drop is real.
package enum RosterDropGuard {
    package static let heldKey = "roster_drop_held"
    package static let confirmedKey = "roster_drop_confirmed"
    /// The fewest missing employees that can hold a snapshot back.
    package static let minimumDrop = 5

    /// Holds the pending roster files whose drop is too large; returns a message for each.
    package static func hold(database: any WarehouseConnection, sources: [String], maxDrop: Double) throws -> [String] {
        let marks = Array(repeating: "?", count: sources.count).joined(separator: ", ")
        let values = sources.map { SQLValue.text($0) }
        let pending = try database.rows("""
            SELECT f.file_id, f.path, (SELECT min(snapshot_date) FROM stg_employee s WHERE s.file_id = f.file_id)
            FROM etl_source_file f
            WHERE f.status = \(Manifest.FileState.normalized.sql) AND f.source IN (\(marks))
              AND NOT EXISTS (SELECT 1 FROM etl_file_metadata m WHERE m.file_id = f.file_id AND m.key = '\(confirmedKey)')
            ORDER BY f.file_id
            """, values) { ($0.int64(0), $0.text(1) ?? "", $0.text(2)) }
        var messages: [String] = []
        for (fileID, path, snapshot) in pending {
            guard let snapshot else { continue }
            // The latest earlier snapshot among the files that count (loaded, or pending and not this one).
            let live = "f.status IN (\(Manifest.FileState.sqlList([.normalized, .loaded]))) AND f.source IN (\(marks))"
            guard let previous = try database.scalar("""
                SELECT max(s.snapshot_date) FROM stg_employee s JOIN etl_source_file f ON f.file_id = s.file_id
                WHERE \(live) AND s.snapshot_date < ?
                """, values + [.text(snapshot)]).stringValue else { continue }
            let before = try database.count("""
                SELECT count(DISTINCT s.employee_id) FROM stg_employee s JOIN etl_source_file f ON f.file_id = s.file_id
                WHERE \(live) AND s.snapshot_date = ? AND coalesce(s.status, 'active') = 'active'
                """, values + [.text(previous)])
            guard before > 0 else { continue }
            let missing = try database.count("""
                SELECT count(DISTINCT s.employee_id) FROM stg_employee s JOIN etl_source_file f ON f.file_id = s.file_id
                WHERE \(live) AND s.snapshot_date = ? AND coalesce(s.status, 'active') = 'active'
                  AND NOT EXISTS (SELECT 1 FROM stg_employee n WHERE n.file_id = ? AND n.employee_id = s.employee_id)
                """, values + [.text(previous), .integer(fileID)])
            let share = Double(missing) / Double(before)
            guard share > maxDrop, missing >= minimumDrop else { continue }
            let message = "\(path): the snapshot of \(snapshot) drops \(missing) of the \(before) employees active on \(previous) "
                + "(\(Int((share * 100).rounded()))%), more than validation.max_roster_drop (\(Int((maxDrop * 100).rounded()))%); "
                + "held back, expected a complete roster — if the drop is real, run `ambassador confirm \(path)` and load again"
            try database.transaction {
                try Manifest(database).fail(fileID, reason: message)
                try FileMetadata(database).set(fileID, heldKey, message)
            }
            messages.append(message)
        }
        return messages
    }

    /// Releases the held roster file(s) at `path`: they count again, confirmed, on the next
    /// load. Returns the files released (0: nothing of that path is held).
    package static func confirm(database: any WarehouseConnection, path: String) throws -> Int {
        try database.transaction {
            let held = try database.rows("""
                SELECT f.file_id FROM etl_source_file f JOIN etl_file_metadata m ON m.file_id = f.file_id AND m.key = '\(heldKey)'
                WHERE f.path = ? AND f.status = \(Manifest.FileState.failed.sql)
                """, [.text(path)]) { $0.int64(0) }
            for fileID in held {
                try Manifest(database).restore(fileID)
                try FileMetadata(database).remove(fileID, heldKey)
                try FileMetadata(database).set(fileID, confirmedKey, "confirmed")
            }
            return held.count
        }
    }
}
