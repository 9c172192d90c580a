import Foundation
import TestSupport
import Warehouse
import XCTest

/// Issue 15.4: a bad row must not move results silently — roster defects through the binary.
final class BadRowTests: XCTestCase {
    private func roster(_ ids: ClosedRange<Int>, team: (Int) -> String = { "T\($0 % 4)" }) -> String {
        "Employee ID,Name,Department\n" + ids.map { "E\($0),Person \($0),\(team($0))\n" }.joined()
    }

    private func pipeline(_ directory: String) {
        TestSupport.write("""
            warehouse: var/w.sqlite
            reject_threshold: 0.5
            sources:
              roster: {kind: hr_roster, inbox: hr/*.csv}
            """, to: directory + "/p.yml")
    }

    private func load(_ directory: String) throws -> TestSupport.Result {
        try TestSupport.run(["run", "--pipeline", "p.yml", "--run-date", "2026-11-22"], in: directory)
    }

    func testARosterThatDropsMostOfTheWorkforceIsHeldUntilConfirmed() throws {
        let directory = TestSupport.temporaryDirectory()
        pipeline(directory)
        TestSupport.write(roster(1...113), to: directory + "/hr/roster_2026-10-01.csv")
        XCTAssertEqual(try load(directory).status, 0)
        // Cut off at a line boundary: 11 of 113 rows.
        TestSupport.write(roster(1...11), to: directory + "/hr/roster_2026-11-01.csv")
        let held = try load(directory)
        XCTAssertEqual(held.status, 65, held.stderr)
        XCTAssertTrue(held.stderr.contains("drops 102 of the 113 employees active on 2026-10-01 (90%), more than validation.max_roster_drop (20%)"), held.stderr)
        XCTAssertTrue(held.stderr.contains("ambassador confirm"), held.stderr)
        let warehouse = directory + "/var/w.sqlite"
        XCTAssertEqual(try WarehouseDump.count(warehouse, "dim_employee"), 113, "no one became a leaver")
        XCTAssertEqual(try Database(path: warehouse, readOnly: true).count("SELECT count(*) FROM dim_employee WHERE status = 'left'"), 0)
        // The next night still holds it (the file is known and failed) and still says so in status.
        let status = try TestSupport.run(["status", "--pipeline", "p.yml"], in: directory)
        XCTAssertTrue(status.stdout.contains("failed"), status.stdout)
        // Confirmed, the drop is real: 102 leavers.
        XCTAssertEqual(try TestSupport.run(["confirm", "nothing_held.csv", "--pipeline", "p.yml"], in: directory).status, 64)
        let confirm = try TestSupport.run(["confirm", "hr/roster_2026-11-01.csv", "--pipeline", "p.yml"], in: directory)
        XCTAssertEqual(confirm.status, 0, confirm.stderr)
        XCTAssertEqual(try load(directory).status, 0)
        XCTAssertEqual(try Database(path: warehouse, readOnly: true).count(
            "SELECT count(*) FROM dim_employee WHERE status = 'left' AND is_current = 1"), 102)
    }

    func testAnEmployeeTwiceInOneSnapshotIsQuarantinedNamingTheFirstRow() throws {
        let directory = TestSupport.temporaryDirectory()
        pipeline(directory)
        TestSupport.write(roster(1...5) + "E3,Person 3,Elsewhere\n", to: directory + "/hr/roster_2026-10-01.csv")
        XCTAssertEqual(try load(directory).status, 0)
        let database = try Database(path: directory + "/var/w.sqlite", readOnly: true)
        XCTAssertEqual(try database.query("SELECT record_no, field, raw_value, reason FROM etl_reject") {
            "\($0.int(0))|\($0.text(1) ?? "")|\($0.text(2) ?? "")|\($0.text(3) ?? "")"
        }, ["7|employee_id|E3|employee E3 appears again in this snapshot (first at record 4, which is kept); expected one row per employee"])
        XCTAssertEqual(try database.scalar("SELECT team_id FROM dim_employee WHERE employee_id = 'E3'").stringValue, "T3")
    }

    func testTwoExportsJoinedIntoOneFileLoseNoRowAndKeepNoByteOrderMark() throws {
        let directory = TestSupport.temporaryDirectory()
        pipeline(directory)
        // The second export's header, with its byte-order mark, in the middle; and a mark at
        // the start of a data row's key.
        let joined = "\u{FEFF}" + roster(1...3) + "\u{FEFF}" + roster(4...5) + "\u{FEFF}E6,Person 6,T2\n"
        TestSupport.write(joined, to: directory + "/hr/roster_2026-10-01.csv")
        XCTAssertEqual(try load(directory).status, 0)
        let database = try Database(path: directory + "/var/w.sqlite", readOnly: true)
        XCTAssertEqual(try database.query("SELECT employee_id FROM dim_employee ORDER BY 1") { $0.text(0) ?? "" },
                       ["E1", "E2", "E3", "E4", "E5", "E6"])
        XCTAssertEqual(try database.query("SELECT record_no, reason FROM etl_reject") { "\($0.int(0))|\($0.text(1) ?? "")" },
                       ["5|the header row again inside the data (two exports joined into one file?); expected a data row"])
    }
}
