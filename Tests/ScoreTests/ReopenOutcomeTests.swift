import AmbassadorCore
import Foundation
import Generate
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// REOPEN is timed from the event log only where the log records reopens; a log of other
/// events (messages, assignments) must not silence the export's reopen count.
final class ReopenOutcomeTests: XCTestCase {
    func testALogWithoutReopenEventsFallsBackToTheExportsReopenCount() throws {
        let directory = TestSupport.temporaryDirectory()
        var settings = GeneratorSettings(outDir: directory, teams: 4, tickets: 1_500, months: 2, seed: 13)
        settings.ticketEventLog = true
        _ = try Generator(settings: settings).run()
        // The export says which tickets were reopened (its Reopens column) ...
        var reopenedInExport = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory + "/tickets") where name.hasSuffix(".csv") {
            let lines = try String(contentsOfFile: directory + "/tickets/" + name, encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
            let reopens = try XCTUnwrap(header.firstIndex(of: "Reopens"))
            for line in lines.dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                if Int(fields[reopens]) ?? 0 > 0 { reopenedInExport.insert(String(fields[0])) }
            }
        }
        XCTAssertGreaterThan(reopenedInExport.count, 20)
        // ... and the event log is cut down to what many logs hold: no reopen lines.
        let events = directory + "/tickets/events"
        for name in try FileManager.default.contentsOfDirectory(atPath: events) {
            let text = try String(contentsOfFile: events + "/" + name, encoding: .utf8)
            TestSupport.write(text.split(separator: "\n").filter { !$0.contains(",Reopened,") }.joined(separator: "\n") + "\n", to: events + "/" + name)
        }
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        XCTAssertEqual(try PlantedEffectTests.run(config).exitCode, 0)
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM fact_ticket_event"), 1_000, "the log was loaded")
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket_event WHERE event = 'reopened'"), 0)
        let rows = try database.query("SELECT ticket_id, reopen FROM fact_ticket_outcome WHERE reopen IS NOT NULL") { ($0.text(0) ?? "", $0.int(1)) }
        XCTAssertGreaterThan(rows.count, 500)
        for (ticket, reopen) in rows {
            XCTAssertEqual(reopen == 1, reopenedInExport.contains(ticket), "ticket \(ticket): REOPEN follows the export's count")
        }
    }
}
