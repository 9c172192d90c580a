import AmbassadorCore
import TestSupport
import Warehouse
@testable import Load

/// Load tests start from staged rows, as normalize leaves them: a roster source and a ticket
/// source (and more where a test adds them), files registered in the manifest as normalized.
extension StageHarness {
    static func load(_ name: String = #function) throws -> StageHarness {
        try StageHarness(name, sources: [
            SourceConfig(name: "roster", kind: .hrRoster, inbox: "/nowhere/hr/*.csv"),
            SourceConfig(name: "tickets", kind: .tickets, inbox: "/nowhere/tickets/*.csv"),
        ])
    }

    /// One roster snapshot: `E1,Ada,A,2025-06-01,101` per row (id, name, team, hire date, agent id).
    @discardableResult
    func stageRoster(_ snapshot: String, _ rows: [String], source: String = "roster") throws -> Int64 {
        let file = try addFile(source: source, path: "hr/roster_\(snapshot).csv", partition: snapshot)
        for (number, row) in rows.enumerated() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            try stage(.employee, fileID: file, recordNo: number + 2, source: source, [
                "employee_id": .text(f[0]), "name": .text(f[1]), "team": .text(f[2]), "role": .text("Agent"),
                "hire_date": .text(f[3]), "agent_ids": .text(f[4]), "snapshot_date": .text(snapshot), "status": .text("active"),
            ])
        }
        return file
    }

    /// One ticket file: `id,created,updated,status,assignee` per row (empty = NULL).
    @discardableResult
    func stageTickets(_ path: String, _ rows: [String], source: String = "tickets", supersedes: Int64? = nil) throws -> Int64 {
        let file = try addFile(source: source, path: path, supersedes: supersedes)
        try stageTickets(file: file, rows, source: source)
        return file
    }

    /// Stages rows of file `file` (already in the manifest): as normalize stages a loaded
    /// file's tickets again to give them back to a correction.
    func stageTickets(file: Int64, _ rows: [String], source: String = "tickets", firstRecord: Int = 2) throws {
        for (number, row) in rows.enumerated() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func value(_ i: Int) -> SQLValue { i < f.count && !f[i].isEmpty ? .text(f[i]) : .null }
            try stage(.ticket, fileID: file, recordNo: number + firstRecord, source: source, [
                "ticket_id": value(0), "created_at": value(1), "updated_at": value(2), "status": value(3),
                "first_assignee_id": value(4), "assignee_id": value(4),
                "resolved_at": f.count > 3 && ["solved", "closed"].contains(f[3]) ? value(2) : .null,
            ])
        }
    }

    /// Runs the load stage as a run would (after normalize).
    @discardableResult
    func runLoad() throws -> [StageCounts] {
        try LoadStage.run(database: database, context: context)
    }
}
