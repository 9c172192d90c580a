import Foundation
@testable import Normalize
import Warehouse
import XCTest

/// The hand-over between normalize's reading thread and its writing thread: every row and
/// reject arrives once, in record order, with its values; either side's failure reaches the
/// caller without a hang.
final class StagingPipeTests: XCTestCase {
    private struct Planted: Error, Equatable { let at: Int }

    /// A record the reader sends: a reject every seventh, else a row of `width` values of
    /// every kind, text of varying length (empty included).
    private static func values(_ record: Int, width: Int) -> [SQLValue] {
        (0..<width).map { slot in
            switch (record + slot) % 4 {
            case 0: return .null
            case 1: return .integer(Int64(record * 31 + slot))
            case 2: return .real(Double(record) / 8 + Double(slot))
            default: return .text(String(repeating: "é\(slot)", count: (record * 7 + slot) % 40))
            }
        }
    }

    /// Reads `count` records through the pipe (failing at `failAt` if set), and collects what
    /// the writer sees (failing at its `writerFailAt`-th entry if set).
    /// What the writer saw: each record's row as PostgreSQL's COPY text the batch encodes
    /// from its own bytes, or its reject's reason.
    private func pass(count: Int, width: Int, failAt: Int? = nil, writerFailAt: Int? = nil) throws -> [(Int64, [UInt8]?, String?)] {
        var seen: [(Int64, [UInt8]?, String?)] = []
        try StagingPipe.run(width: width, read: { pipe in
            var batch = try pipe.takeEmpty()
            for record in 1...max(1, count) where count > 0 {
                if record == failAt { throw Planted(at: record) }
                if record % 7 == 0 {
                    batch.append(recordNo: Int64(record), RowFailure(field: "f", raw: "r\(record)", reason: "planted \(record)"))
                } else {
                    // The reader's values point into a buffer valid for this record only: the
                    // batch must copy them.
                    let owned = Self.values(record, width: width)
                    let buffers: [UnsafeMutableBufferPointer<UInt8>] = owned.map { value in
                        guard case .text(let t) = value else { return UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 0) }
                        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: t.utf8.count)
                        _ = buffer.initialize(from: t.utf8)
                        return buffer
                    }
                    let slots: [SlotValue] = owned.indices.map { index in
                        switch owned[index] {
                        case .null: return .null
                        case .integer(let v): return .integer(v)
                        case .real(let v): return .real(v)
                        case .text: return .bytes(UnsafeBufferPointer(buffers[index]))
                        }
                    }
                    batch.append(recordNo: Int64(record), slots)
                    for buffer in buffers {
                        buffer.update(repeating: 0x21)
                        buffer.deallocate()
                    }
                }
                if batch.isFull {
                    pipe.send(batch)
                    batch = try pipe.takeEmpty()
                }
            }
            pipe.send(batch)
        }, write: { batch in
            for entry in batch.entries {
                if let writerFailAt, seen.count + 1 == writerFailAt { throw Planted(at: -writerFailAt) }
                switch entry {
                case .row(let recordNo, let first):
                    var row = CopyRows()
                    batch.withBytes { batch.encode(first, width: width, bytes: $0, into: &row) }
                    row.endRow()
                    seen.append((recordNo, row.bytes, nil))
                case .reject(let recordNo, let failure): seen.append((recordNo, nil, failure.reason))
                }
            }
        })
        return seen
    }

    func testEveryRecordArrivesOnceInOrderWithItsValues() throws {
        // Sizes around the batch capacity (1024): none, one, a batch less one, exactly one,
        // one more, and many batches (more than the four that circulate).
        for count in [0, 1, StagedBatch.capacity - 1, StagedBatch.capacity, StagedBatch.capacity + 1, 9 * StagedBatch.capacity + 5] {
            let width = 5
            let seen = try pass(count: count, width: width)
            XCTAssertEqual(seen.map(\.0), (0..<count).map { Int64($0 + 1) }, "records out of order or lost for \(count)")
            for (recordNo, values, reason) in seen {
                let record = Int(recordNo)
                if record % 7 == 0 {
                    XCTAssertNil(values)
                    XCTAssertEqual(reason, "planted \(record)")
                } else {
                    var expected = CopyRows()
                    expected.append(Self.values(record, width: width))
                    XCTAssertEqual(values, expected.bytes, "record \(record) of \(count)")
                }
            }
        }
    }

    func testTheReadersErrorArrivesAfterTheRowsBeforeIt() {
        var caught: Error?
        XCTAssertThrowsError(try pass(count: 5000, width: 3, failAt: 3001)) { caught = $0 }
        XCTAssertEqual(caught as? Planted, Planted(at: 3001))
    }

    func testTheWritersErrorStopsTheReaderAndIsTheOneThrown() {
        // The writer fails early while the reader still has many batches to fill: the reader
        // must be cancelled (else it would wait for an empty batch for ever) and its
        // cancellation must not hide the writer's error.
        var caught: Error?
        XCTAssertThrowsError(try pass(count: 50 * StagedBatch.capacity, width: 3, writerFailAt: 10)) { caught = $0 }
        XCTAssertEqual(caught as? Planted, Planted(at: -10))
    }
}
