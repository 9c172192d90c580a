import Foundation
import Warehouse

/// One file's normalized rows (and its rejects) on their way from the thread that reads,
/// maps and coerces them to the thread that writes them: the two halves of staging overlap on
/// two cores. Measured on the 1 M-ticket bench, reading and coercing was about half of
/// normalize and writing SQLite the other half.
///
/// A batch holds entries in record order — a row (its values copied out of the read buffer
/// into `bytes`) or a reject — so the writer sees exactly the sequence a single thread would.
final class StagedBatch {
    enum Cell {
        case null
        case integer(Int64)
        case real(Double)
        /// `count` bytes of `bytes` from `start`.
        case text(start: Int, count: Int)
    }

    enum Entry {
        /// A staged row: its values are `cells[firstCell ..< firstCell + width]`.
        case row(recordNo: Int64, firstCell: Int)
        case reject(recordNo: Int64, RowFailure)
    }

    /// Rows (and rejects) a batch holds before it is handed over: large enough that the
    /// hand-over costs nothing per row, small enough to stay in the cache.
    static let capacity = 1024

    private(set) var entries: [Entry] = []
    private(set) var cells: [Cell] = []
    private(set) var bytes: [UInt8] = []
    /// Agent ids first seen in this batch's rows (load's one pass maps them before writing).
    private(set) var newAgents: [[UInt8]] = []

    var isFull: Bool { entries.count >= StagedBatch.capacity }

    init(width: Int) {
        entries.reserveCapacity(StagedBatch.capacity)
        cells.reserveCapacity(StagedBatch.capacity * width)
        bytes.reserveCapacity(StagedBatch.capacity * 128)
    }

    /// Copies a row's values (which point into buffers valid for this record only).
    func append(recordNo: Int64, _ values: [SlotValue]) {
        entries.append(.row(recordNo: recordNo, firstCell: cells.count))
        for value in values {
            switch value {
            case .null: cells.append(.null)
            case .integer(let v): cells.append(.integer(v))
            case .real(let v): cells.append(.real(v))
            case .bytes(let b):
                cells.append(.text(start: bytes.count, count: b.count))
                bytes.append(contentsOf: b)
            }
        }
    }

    func noteAgent(_ id: [UInt8]) {
        newAgents.append(id)
    }

    func append(recordNo: Int64, _ failure: RowFailure) {
        entries.append(.reject(recordNo: recordNo, failure))
    }

    func clear() {
        entries.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        newAgents.removeAll()
    }

    /// Binds row values `cells[first ..< first + width]` to parameters `parameter …`;
    /// `bytes` is this batch's storage, which stays put while the caller steps.
    func bind(_ first: Int, width: Int, bytes: UnsafeBufferPointer<UInt8>, to statement: Statement, from parameter: Int32) throws {
        for slot in 0..<width {
            let index = parameter + Int32(slot)
            switch cells[first + slot] {
            case .null: try statement.bind(.null, at: index)
            case .integer(let v): try statement.bind(.integer(v), at: index)
            case .real(let v): try statement.bind(.real(v), at: index)
            case .text(let start, let count):
                try statement.bindTextNoCopy(UnsafeBufferPointer(rebasing: bytes[start ..< start + count]), at: index)
            }
        }
    }

    /// The text of row value `cells[first + slot]` (nil for no slot, or a value not text).
    func text(_ first: Int, slot: Int?, bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard let slot, case .text(let start, let count) = cells[first + slot] else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[start ..< start + count])
    }

    /// Encodes row values `cells[first ..< first + width]` into PostgreSQL's COPY text; `bytes`
    /// is this batch's storage, as for `bind`.
    func encode(_ first: Int, width: Int, bytes: UnsafeBufferPointer<UInt8>, into row: inout CopyRows) {
        for slot in 0..<width {
            switch cells[first + slot] {
            case .null: row.appendNull()
            case .integer(let v): row.appendInteger(v)
            case .real(let v): row.append(.real(v))
            case .text(let start, let count): row.appendText(UnsafeBufferPointer(rebasing: bytes[start ..< start + count]))
            }
        }
    }

    /// Runs `body` with this batch's bytes in place.
    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try bytes.withUnsafeBufferPointer(body)
    }
}

/// The hand-over between the reading thread (the producer) and the writing thread (the
/// consumer, which owns the warehouse connection): a few batches circulate, full ones to the
/// writer and emptied ones back. Either side's failure stops the other: the reader's error
/// reaches the writer after the rows before it; the writer's error cancels the reader at its
/// next batch.
final class StagingPipe: @unchecked Sendable {
    /// Thrown inside the reader once the writer has given up (never reaches a caller).
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var empty: [StagedBatch]
    private var full: [StagedBatch] = []
    private var finished = false
    private var failure: Error?
    private var cancelled = false

    init(width: Int, batches: Int = 4) {
        empty = (0..<batches).map { _ in StagedBatch(width: width) }
    }

    // MARK: the reader

    /// An emptied batch to fill; throws `Cancelled` once the writer has stopped.
    func takeEmpty() throws -> StagedBatch {
        condition.lock()
        defer { condition.unlock() }
        while empty.isEmpty && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        return empty.removeLast()
    }

    func send(_ batch: StagedBatch) {
        condition.lock()
        full.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// The reader is done: `error` is what stopped it, if anything.
    func finish(_ error: Error?) {
        condition.lock()
        finished = true
        if !(error is Cancelled) { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    // MARK: the writer

    /// The next full batch, in the order sent; nil once the reader finished and all are
    /// taken (`readerFailure` then says whether it finished well).
    func receive() -> StagedBatch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty && !finished { condition.wait() }
        return full.isEmpty ? nil : full.removeFirst()
    }

    func recycle(_ batch: StagedBatch) {
        batch.clear()
        condition.lock()
        empty.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    /// The writer stops: the reader throws at its next batch.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    var readerFailure: Error? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Runs `read` on a thread of its own — it fills batches through `takeEmpty`/`send` —
    /// while the calling thread hands each full batch to `write`, in order. Returns once both
    /// are done; rethrows the writer's error, else the reader's.
    /// `read` escapes to the reading thread, which may hold it until the thread object is
    /// gone — after this call returns (the thread signals that it is done before it ends).
    static func run(width: Int, read: @escaping (StagingPipe) throws -> Void, write: (StagedBatch) throws -> Void) throws {
        let pipe = StagingPipe(width: width)
        let job = ReadJob(read: read)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try job.read(pipe)
                pipe.finish(nil)
            } catch {
                pipe.finish(error)
            }
            done.signal()
        }
        thread.start()
        do {
            while let batch = pipe.receive() {
                try write(batch)
                pipe.recycle(batch)
            }
        } catch {
            pipe.cancel()
            done.wait()
            throw error
        }
        done.wait()
        if let failure = pipe.readerFailure { throw failure }
    }
}

/// The reader's closure, handed to its thread: the caller touches nothing it captures until
/// the thread says it is done.
private struct ReadJob: @unchecked Sendable {
    let read: (StagingPipe) throws -> Void
}
