import Foundation
import Generate
import TestSupport
import Warehouse
import XCTest

/// Issue 15.5: SIGTERM (cron, systemd) or SIGINT (Ctrl-C) stops a run at the next commit
/// boundary; the run is recorded as interrupted and exits 128 + the signal; a rerun finishes
/// the job and ends in the warehouse an uninterrupted run gives.
final class SignalTests: XCTestCase {
    func testATerminatedRunStopsAtACommitBoundaryIsRecordedAndARerunFinishesIt() throws {
        let reference = TestSupport.temporaryDirectory("reference")
        let directory = TestSupport.temporaryDirectory("signalled")
        for target in [reference, directory] {
            _ = try Generator(settings: GeneratorSettings(outDir: target, teams: 4, tickets: 600, months: 3, seed: 5)).run()
        }
        XCTAssertEqual(try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-11-22"], in: reference).status, 0)

        for (signal, code) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130))] {
            let warehouse = directory + "/var/warehouse.sqlite"
            let runsBefore = (try? Database(path: warehouse, readOnly: true).count("SELECT count(*) FROM etl_run")) ?? 0
            let running = try TestSupport.start(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-11-22"], in: directory,
                                                environment: ["AMBASSADOR_PAUSE_AT": "extract.file.committed:20"])
            // Wait until this run has committed its first file and sleeps there.
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if let count = try? Database(path: warehouse, readOnly: true).count(
                    "SELECT count(*) FROM etl_source_file WHERE run_id = (SELECT max(run_id) FROM etl_run) AND (SELECT count(*) FROM etl_run) > ?",
                    [.integer(Int64(runsBefore))]), count > 0 { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let started = Date()
            kill(running.process.processIdentifier, signal)
            let result = TestSupport.finish(running)
            XCTAssertFalse(result.signaled, "the handler ran: the process was not killed by the signal")
            XCTAssertEqual(result.status, code, result.stderr)
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "it stopped at the next boundary, not after the pause")
            XCTAssertTrue(result.stderr.contains("interrupted by \(signal == SIGTERM ? "SIGTERM" : "SIGINT")"), result.stderr)
            let database = try Database(path: warehouse, readOnly: true)
            XCTAssertEqual(try database.scalar("SELECT status || ' ' || exit_code FROM etl_run ORDER BY run_id DESC LIMIT 1").stringValue,
                           "interrupted \(code)")
            XCTAssertEqual(try database.count("SELECT count(*) FROM etl_run WHERE status = 'running'"), 0)
        }
        let rerun = try TestSupport.run(["run", "--pipeline", "pipeline.yml", "--run-date", "2026-11-22"], in: directory)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(try WarehouseDump.dump(directory + "/var/warehouse.sqlite"), try WarehouseDump.dump(reference + "/var/warehouse.sqlite"))
    }
}
