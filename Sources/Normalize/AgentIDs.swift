import AmbassadorCore
import Warehouse

/// The distinct agent ids (first assignee, assignee) of the ticket rows a file stages, gathered
/// as they pass — a few hundred for a file of a million tickets — and written beside them
/// (`stg_ticket_agent`) once the file is read.
struct AgentIDs {
    private let slots: [Int]
    /// The ids by a hash of their bytes: a row's id is found without copying it.
    private var seen: [UInt64: [[UInt8]]] = [:]

    init(plan: FieldPlan, entity: CanonicalEntity, collecting: Bool) {
        slots = collecting && entity.table == TicketMerge.staging
            ? plan.outputFields.indices.filter { TicketMerge.agentFields.contains(plan.outputFields[$0].name) }
            : []
    }

    /// Notes the agent ids of a staged row; `new` receives each id the first time it is seen.
    mutating func note(_ values: [SlotValue], new: ([UInt8]) -> Void = { _ in }) {
        for slot in slots {
            guard case .bytes(let id) = values[slot], !id.isEmpty else { continue }
            // Rows name the same agents over and over: look up before copying the bytes.
            let hash = FNV1a64.hash(id)
            if seen[hash]?.contains(where: { known in known.withUnsafeBufferPointer { FNV1a64.sameBytes($0, id) } }) != true {
                let copy = Array(id)
                seen[hash, default: []].append(copy)
                new(copy)
            }
        }
    }

    /// Writes the list. The staged values are text the file's reader already decoded (bytes
    /// that were not UTF-8 arrive as the characters its fallback read them as), so each id
    /// is listed as the bytes it was staged with.
    func write(fileID: Int64, database: any WarehouseConnection) throws {
        guard !slots.isEmpty, !seen.isEmpty else { return }
        let writer = try TableWriter(database, table: TicketMerge.agentTable, columns: ["file_id", "agent_id"])
        for id in seen.values.joined().sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try writer.insert([.integer(fileID), .text(String(decoding: id, as: UTF8.self))])
        }
        try writer.finish()
    }
}
