import AmbassadorCore
import Foundation
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// The run results file stays small however many distinct rejects a run has.
final class RunResultsTests: XCTestCase {
    func testManyDistinctRejectReasonsAreCappedAndCounted() throws {
        let directory = TestSupport.temporaryDirectory()
        // 150 tickets created after the run date, each at another minute (the reason names
        // the value: a distinct reason each), and 10 good ones.
        var lines = ["Ticket ID,Created At"]
        for i in 1...150 { lines.append("\(i),2026-03-01T\(String(format: "%02d", i / 60)):\(String(format: "%02d", i % 60)):00Z") }
        for i in 151...160 { lines.append("\(i),2026-01-02T10:00:00Z") }
        TestSupport.write(lines.joined(separator: "\n") + "\n", to: directory + "/tickets/t_2026-01-02.csv")
        TestSupport.write("warehouse: w.sqlite\nreject_threshold: 1\nsources:\n  tickets: {kind: tickets, inbox: tickets/*.csv}\n", to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        let summary = try runner.run([.extract, .normalize, .load], options: RunOptions(
            command: "test", arguments: [], runDate: CivilDate(year: 2026, month: 2, day: 1) ?? CivilDate(daysSinceEpoch: 0),
            now: { "2026-02-01T00:00:00Z" }))
        let database = try Database(path: config.warehouse, readOnly: true)
        let rejected = try database.count("SELECT count(*) FROM etl_reject WHERE run_id = ?", [.integer(summary.runID)])
        let groups = try database.count("SELECT count(DISTINCT reason) FROM etl_reject WHERE run_id = ?", [.integer(summary.runID)])
        XCTAssertEqual(rejected, 150)
        XCTAssertGreaterThan(groups, RunResults.listedRejectGroups, "the file makes more groups than are listed")
        let object = try XCTUnwrap(RunResults.object(database: database, runID: summary.runID))
        let listed = try XCTUnwrap(object["rejects"] as? [[String: Any]])
        let rest = try XCTUnwrap(object["rejects_not_listed"] as? [String: Int])
        XCTAssertEqual(listed.count, RunResults.listedRejectGroups)
        XCTAssertEqual(rest["groups"], groups - RunResults.listedRejectGroups)
        XCTAssertEqual(listed.reduce(0) { $0 + (($1["rows"] as? Int) ?? 0) } + (rest["rows"] ?? 0), 150)
    }
}
