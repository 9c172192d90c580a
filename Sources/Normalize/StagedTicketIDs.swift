import AmbassadorCore
import Warehouse

/// What load needs to know about a ticket file's ids to spare it the grouped pass over the
/// file's staged rows (`TicketMerge.checkHolders`): that no id is staged twice — seen
/// strictly increasing, shorter before longer and then byte by byte, the order numeric ids
/// come in, which a repeated id cannot be — and the lowest and highest id byte by byte (the
/// order of `fact_ticket`'s key on both engines), so that one probe of the key between them
/// tells whether any is held already; and how many rows it staged, which load then need not
/// count. Noted as the rows pass, in constant memory, and kept in the file's metadata only when
/// every id was ASCII and the order held.
struct StagedTicketIDs {
    private let slot: Int?
    /// The last id noted, and the first of the run of ids of its length.
    private var previous: [UInt8] = []
    private var firstOfLength: [UInt8] = []
    /// Byte order's lowest and highest of the runs closed so far: within a run of one length the
    /// ids rise byte by byte, so each run's first and last are its lowest and highest.
    private var lowest: [UInt8]?
    private var highest: [UInt8]?
    private var rows = 0
    private var increasing = true

    init(plan: FieldPlan, entity: CanonicalEntity, collecting: Bool) {
        slot = collecting && entity.table == TicketMerge.staging ? plan.outputFields.firstIndex { $0.name == "ticket_id" } : nil
    }

    /// Notes the ticket id of a staged row (nothing more once the order is broken): one
    /// comparison with the id before and a copy, on the reading thread's path.
    mutating func note(_ values: [SlotValue]) {
        guard let slot, increasing else { return }
        guard case .bytes(let id) = values[slot], !id.isEmpty, !id.contains(where: { $0 >= 0x80 }) else {
            increasing = false
            return
        }
        if rows > 0 {
            if id.count == previous.count {
                guard previous.withUnsafeBufferPointer({ Self.precedes($0, id) }) else {
                    increasing = false
                    return
                }
            } else if id.count > previous.count {
                closeRun()
                Self.copy(id, into: &firstOfLength)
            } else {
                increasing = false
                return
            }
        } else {
            Self.copy(id, into: &firstOfLength)
        }
        Self.copy(id, into: &previous)
        rows += 1
    }

    /// Folds the run of ids of the last length into the lowest and highest.
    private mutating func closeRun() {
        if lowest.map({ firstOfLength.lexicographicallyPrecedes($0) }) ?? true { lowest = firstOfLength }
        if highest.map({ $0.lexicographicallyPrecedes(previous) }) ?? true { highest = previous }
    }

    /// `a` before `b` byte by byte (the same length).
    private static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0..<a.count where a[index] != b[index] { return a[index] < b[index] }
        return false
    }

    private static func copy(_ id: UnsafeBufferPointer<UInt8>, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: id)
    }

    /// Records the span in the file's metadata when the ids were seen distinct.
    func write(fileID: Int64, database: any WarehouseConnection) throws {
        guard slot != nil, increasing, rows > 0 else { return }
        var span = self
        span.closeRun()
        guard let lowest = span.lowest, let highest = span.highest else { return }
        let metadata = FileMetadata(database)
        try metadata.set(fileID, TicketMerge.distinctIDsLowest, String(decoding: lowest, as: UTF8.self))
        try metadata.set(fileID, TicketMerge.distinctIDsHighest, String(decoding: highest, as: UTF8.self))
        try metadata.set(fileID, TicketMerge.distinctIDsRows, String(rows))
    }
}
