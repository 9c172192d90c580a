import TestSupport
import XCTest
@testable import Pipeline

final class WarehouseLockTests: XCTestCase {
    func testASecondHolderIsRefusedAndTold() throws {
        let warehouse = TestSupport.temporaryDirectory() + "/var/w.sqlite"
        let first = WarehouseLock(warehouse: warehouse)
        try first.acquire(command: "run", startedAt: "2026-11-22T01:00:00Z")
        let second = WarehouseLock(warehouse: warehouse)
        XCTAssertThrowsError(try second.acquire(command: "backfill", startedAt: "2026-11-22T01:00:05Z")) { error in
            XCTAssertEqual(error as? PipelineError,
                           .lockHeld(lockPath: warehouse + ".lock", pid: getpid(), startedAt: "2026-11-22T01:00:00Z", command: "run"))
            XCTAssertEqual((error as? PipelineError)?.exitCode, 75)
        }
        first.release()
        XCTAssertNoThrow(try second.acquire(command: "backfill", startedAt: "2026-11-22T01:00:06Z"))
    }
}
