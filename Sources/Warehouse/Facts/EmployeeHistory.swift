import AmbassadorCore

/// Builds `dim_employee` (SCD type 2) from every staged roster snapshot.
///
/// History is rebuilt from all snapshots each time a roster arrives, so a roster delivered
/// late lands in the right place, and a rerun gives the same rows. A change of team,
/// manager, role, status or hire date (a rehire, or a correction) opens a new version —
/// from the new hire date when it falls after the previous version's last snapshot, else
/// from the snapshot that shows it; name, e-mail and location follow the latest snapshot
/// of the version. An employee missing from a later snapshot is closed and
/// gets a `left` version; a rehire opens a new version.
package enum EmployeeHistory {
    /// The staging table its merges read.
    package static let staging = "stg_employee"

    struct Snapshot {
        let date: String
        let name: String?, email: String?, team: String?, manager: String?, role: String?, location: String?
        let hire: String?, termination: String?, status: String, agents: String?
        let fileID: Int64

        var tracked: [String?] { [team, manager, role, status, hire] }
    }

    /// FNV-1a over everything the rebuild writes: the same rosters give the same value. Each
    /// value's text (NUL for none) is followed by the unit separator 0x1F.
    struct Fingerprint {
        private var hasher = FNV1a64()
        var value: UInt64 { hasher.value }

        mutating func add(_ values: [SQLValue]) {
            for item in values {
                hasher.add((item.stringValue ?? "\u{0}").utf8)
                hasher.add(byte: 0x1F)
            }
        }
    }

    /// Rebuilds `dim_employee`, `dim_team` and `dim_agent_identity`; returns the versions
    /// written and a fingerprint of the history (the version tickets are attributed with).
    package static func rebuild(database: any WarehouseConnection, sources: [String]) throws -> (versions: Int, fingerprint: Int64) {
        guard !sources.isEmpty else { return (0, 0) }
        var fingerprint = Fingerprint()
        let marks = Array(repeating: "?", count: sources.count).joined(separator: ", ")
        let sourceValues = sources.map { SQLValue.text($0) }
        let live = "f.status IN (\(Manifest.FileState.sqlList([.normalized, .loaded]))) AND s.source IN (\(marks))"
        let snapshotDates = try database.rows(
            "SELECT DISTINCT s.snapshot_date FROM stg_employee s JOIN etl_source_file f ON f.file_id = s.file_id WHERE \(live) ORDER BY 1",
            sourceValues) { $0.text(0) ?? "" }
        try database.execute("DELETE FROM dim_employee; DELETE FROM dim_team; DELETE FROM dim_agent_identity WHERE system IN ('agent', 'email');")
        let insert = try TableWriter(database, table: "dim_employee", columns: [
            "employee_id", "name", "email", "team_id", "manager_id", "role", "location", "hire_date", "termination_date",
            "status", "valid_from", "valid_to", "is_current", "source_file_id",
        ])
        // The last employee to claim an id keeps it (as the rows come, by employee id).
        func identity(_ values: [SQLValue]) throws {
            try database.run("""
                INSERT INTO dim_agent_identity (system, external_id, employee_id) VALUES (?, ?, ?)
                ON CONFLICT (system, external_id) DO UPDATE SET employee_id = excluded.employee_id
                """, values)
        }
        var teams: [String: (first: String, last: String)] = [:]
        var currentID: String? = nil
        var snapshots: [Snapshot] = []

        func flush() throws {
            guard let id = currentID, !snapshots.isEmpty else { return }
            try writeVersions(id: id, snapshots: snapshots, allDates: snapshotDates, insert: insert, fingerprint: &fingerprint)
            for snapshot in snapshots {
                if let team = snapshot.team {
                    let seen = teams[team]
                    teams[team] = (min(seen?.first ?? snapshot.date, snapshot.date), max(seen?.last ?? snapshot.date, snapshot.date))
                }
            }
            if let latest = snapshots.last {
                for agent in (latest.agents ?? "").split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " || $0 == "|" }) {
                    try identity([.text("agent"), .text(String(agent)), .text(id)])
                    fingerprint.add([.text("agent"), .text(String(agent)), .text(id)])
                }
                if let email = latest.email {
                    try identity([.text("email"), .text(email), .text(id)])
                    fingerprint.add([.text("email"), .text(email), .text(id)])
                }
            }
        }

        try database.stream("""
            SELECT s.employee_id, s.snapshot_date, s.name, s.email, s.team, s.manager_id, s.role, s.location,
                   s.hire_date, s.termination_date, s.status, s.agent_ids, s.file_id
            FROM stg_employee s JOIN etl_source_file f ON f.file_id = s.file_id
            WHERE \(live)
            ORDER BY s.employee_id, s.snapshot_date, s.file_id, s.record_no
            """, sourceValues) { row in
            let id = row.text(0) ?? ""
            if id != currentID {
                try flush()
                currentID = id
                snapshots.removeAll(keepingCapacity: true)
            }
            let snapshot = Snapshot(
                date: row.text(1) ?? "", name: row.text(2), email: row.text(3), team: row.text(4), manager: row.text(5),
                role: row.text(6), location: row.text(7), hire: row.text(8), termination: row.text(9),
                status: row.text(10) ?? EmployeeStatus.active.rawValue, agents: row.text(11), fileID: row.int64(12))
            // Two rows for one employee in one snapshot: the later row wins.
            if snapshots.last?.date == snapshot.date { snapshots.removeLast() }
            snapshots.append(snapshot)
        }
        try flush()
        try insert.finish()
        for (team, seen) in teams.sorted(by: { $0.key < $1.key }) {
            try database.run("INSERT INTO dim_team (team_id, name, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                             [.text(team), .text(team), .text(seen.first), .text(seen.last)])
        }
        return (insert.rowsWritten, Int64(bitPattern: fingerprint.value))
    }

    /// Writes the versions of one employee from their snapshots (sorted by date).
    private static func writeVersions(id: String, snapshots: [Snapshot], allDates: [String], insert: TableWriter,
                                      fingerprint: inout Fingerprint) throws {
        struct Version {
            var from: String
            var snapshot: Snapshot
            var status: String
        }
        var versions: [Version] = []
        var dateIndex = allDates.firstIndex(of: snapshots[0].date) ?? 0
        for snapshot in snapshots {
            let position = allDates.firstIndex(of: snapshot.date) ?? dateIndex
            if let last = versions.last, position > dateIndex + 1, last.status != EmployeeStatus.terminated.rawValue {
                // Absent from the snapshots in between: the employee left, then came back.
                versions.append(Version(from: allDates[dateIndex + 1], snapshot: last.snapshot, status: EmployeeStatus.left.rawValue))
            }
            dateIndex = position
            if let last = versions.last, last.snapshot.tracked == snapshot.tracked, last.status == snapshot.status {
                versions[versions.count - 1].snapshot = snapshot
                continue
            }
            var from = snapshot.date
            if versions.isEmpty, let hire = snapshot.hire, hire < from {
                from = hire
            } else if let previous = versions.last, let hire = snapshot.hire, hire != previous.snapshot.hire,
                      hire > max(previous.from, previous.snapshot.date), hire < from {
                // Rehired (or the date corrected) between snapshots: the new version starts then.
                from = hire
            }
            versions.append(Version(from: from, snapshot: snapshot, status: snapshot.status))
        }
        if let last = versions.last, dateIndex + 1 < allDates.count, last.status != EmployeeStatus.terminated.rawValue, last.status != EmployeeStatus.left.rawValue {
            versions.append(Version(from: allDates[dateIndex + 1], snapshot: last.snapshot, status: EmployeeStatus.left.rawValue))
        }
        for (index, version) in versions.enumerated() {
            let next = index + 1 < versions.count ? versions[index + 1].from : nil
            let s = version.snapshot
            // Off the roster, an employee is in no team: their tickets are not the team's.
            let team = version.status == EmployeeStatus.left.rawValue ? nil : s.team
            let row: [SQLValue] = [
                .text(id), SQLValue(s.name), SQLValue(s.email), SQLValue(team), SQLValue(s.manager), SQLValue(s.role),
                SQLValue(s.location), SQLValue(s.hire), SQLValue(s.termination), .text(version.status),
                .text(version.from), SQLValue(next), .integer(next == nil ? 1 : 0), .integer(s.fileID),
            ]
            try insert.insert(row)
            // The source file is lineage, not history: the same rows from a re-read file are the same history.
            fingerprint.add(Array(row.dropLast()))
        }
    }
}
