import AmbassadorCore
import Foundation

/// Writes one ticket file's rows straight into `fact_ticket` as they are read (SQLite), with
/// no staged copy: the one pass from file to fact. Each row is attributed as the merge
/// attributes it: its agents' employees come from `temp.agent_employee`, filled by the same
/// SQL (`TicketMerge.addAgents`), and its team by the same expression
/// (`TicketMerge.directInsert`).
///
/// It holds only for a **fresh** file: none of its tickets is in `fact_ticket` yet and none is
/// in two of its records. Then a plain insert per row is exactly what the merge would do. The
/// first row whose ticket is held already changes nothing and throws `NotFresh`. The caller
/// then rolls back its transaction and merges the file the staged way, which compares
/// `updated_at`, keeps another source's tickets and notes tickets held twice
/// (`TicketMerge.checkHolders`).
package final class TicketFactWriter {
    /// A row whose ticket `fact_ticket` holds already (or an earlier record of the file does).
    package struct NotFresh: Error, CustomStringConvertible {
        package let recordNo: Int64
        package var description: String {
            "record \(recordNo): its ticket is held already (in fact_ticket, or by an earlier record of the file); a file read in one pass must be fresh"
        }
    }

    /// An agent id as mapped: its employee and that employee's latest version, as text that
    /// stays put until the writer is gone (bound without a copy for each row).
    private struct Agent {
        let id: UnsafeBufferPointer<UInt8>
        let employee: UnsafeBufferPointer<UInt8>?, from: UnsafeBufferPointer<UInt8>?, to: UnsafeBufferPointer<UInt8>?,
            team: UnsafeBufferPointer<UInt8>?
    }

    private let database: Database
    private let statement: Statement
    /// The parameter of the first field; the fields follow in the order given.
    package let firstFieldParameter = Int32(TicketMerge.directFirstField)
    /// The mapped agents by a hash of their id's bytes: a row's agent is found without a copy.
    private var agents: [UInt64: [Agent]] = [:]
    /// The memory the agents' texts are kept in.
    private var storage: [UnsafeMutableBufferPointer<UInt8>] = []
    package private(set) var written = 0

    /// A writer for `fields` (canonical ticket columns, in the order rows bind them) of file
    /// `fileID` of `source`, attributing with employee history `version`; nil on an engine
    /// other than SQLite, which stages its rows (PostgreSQL's COPY is its fast path).
    package init?(database connection: any WarehouseConnection, fields: [String], fileID: Int64, source: String, version: Int64) throws {
        guard let database = connection as? Database else { return nil }
        self.database = database
        try TicketMerge.startAgentMap(database: database)
        statement = try database.prepare(TicketMerge.directInsert(fields: fields))
        // Bindings are kept between rows: the file, source and version once, the rest per row.
        try statement.bind(.integer(fileID), at: 1)
        try statement.bind(.text(source), at: 3)
        try statement.bind(.integer(version), at: firstFieldParameter + Int32(fields.count))
    }

    deinit {
        for buffer in storage { buffer.deallocate() }
    }

    /// `text` copied into memory the writer keeps.
    private func keep(_ text: String?) -> UnsafeBufferPointer<UInt8>? {
        guard let text else { return nil }
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        storage.append(buffer)
        return UnsafeBufferPointer(rebasing: buffer[0 ..< bytes.count])
    }

    /// Agent ids mapped in one statement: SQLite lists at most 500 terms in one compound
    /// SELECT (SQLITE_MAX_COMPOUND_SELECT), and a batch of rows may name more new agents.
    private static let agentsPerStatement = 500

    /// Maps agent ids not seen before (the caller sends each once, before the first row that
    /// names it) to their employees.
    package func addAgents(_ ids: [[UInt8]]) throws {
        for start in stride(from: 0, to: ids.count, by: TicketFactWriter.agentsPerStatement) {
            try addAgents(texts: ids[start ..< min(start + TicketFactWriter.agentsPerStatement, ids.count)]
                .map { String(decoding: $0, as: UTF8.self) })
        }
    }

    private func addAgents(texts: [String]) throws {
        let marks = Array(repeating: "SELECT ? AS id", count: texts.count).joined(separator: " UNION ALL ")
        try TicketMerge.addAgents(marks, texts.map { .text($0) }, database: database)
        let list = Array(repeating: "?", count: texts.count).joined(separator: ", ")
        try database.forEach("""
            SELECT external_id, employee_id, latest_from, latest_to, latest_team FROM temp.agent_employee WHERE external_id IN (\(list))
            """, texts.map { .text($0) }) { row in
            guard let id = keep(row.text(0)) else { return }
            agents[FNV1a64.hash(id), default: []].append(Agent(id: id, employee: keep(row.text(1)), from: keep(row.text(2)), to: keep(row.text(3)),
                                                              team: keep(row.text(4))))
        }
    }

    private func agent(_ id: UnsafeBufferPointer<UInt8>?) -> Agent? {
        guard let id, !id.isEmpty else { return nil }
        return agents[FNV1a64.hash(id)]?.first { FNV1a64.sameBytes($0.id, id) }
    }

    private func bindText(_ text: UnsafeBufferPointer<UInt8>?, at index: Int32) throws {
        if let text { try statement.bindTextNoCopy(text, at: index) } else { try statement.bind(.null, at: index) }
    }

    /// Writes record `recordNo`, whose fields `bind` binds from `firstFieldParameter` on (all
    /// of them: bindings are kept from the previous row); `firstAssignee` and `assignee` are
    /// its agent ids. Throws `NotFresh` when its ticket is held already.
    package func insert(recordNo: Int64, firstAssignee: UnsafeBufferPointer<UInt8>?, assignee: UnsafeBufferPointer<UInt8>?,
                        binding bind: (Statement) throws -> Void) throws {
        defer { statement.reset() }
        try statement.bind(.integer(recordNo), at: 2)
        let first = agent(firstAssignee)
        try bindText(first?.employee, at: 4)
        try bindText(first?.from, at: 5)
        try bindText(first?.to, at: 6)
        try bindText(first?.team, at: 7)
        try bindText(agent(assignee)?.employee, at: 8)
        try bind(statement)
        try statement.step()
        guard database.changes == 1 else { throw NotFresh(recordNo: recordNo) }
        written += 1
    }
}
