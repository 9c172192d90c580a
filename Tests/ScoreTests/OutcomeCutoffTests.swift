import AmbassadorCore
import Foundation
import Generate
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline
@testable import Score

/// Issue 15.4: the data cut-off that decides which outcome windows are complete is robust to a
/// single outlying timestamp — one that passes validation because it is before the run date.
final class OutcomeCutoffTests: XCTestCase {
    private func scored(withOutlier: Bool) throws -> (outcomes: [String], estimates: [String], cutoffs: String) {
        let directory = TestSupport.temporaryDirectory(withOutlier ? "outlier" : "clean")
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 6, tickets: 1_500, months: 3, seed: 4)).run()
        if withOutlier {
            let header = try String(contentsOfFile: directory + "/tickets/tickets_2026-01-01.csv", encoding: .utf8)
                .split(separator: "\n").first.map(String.init) ?? ""
            let columns = header.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            // One ticket of a new customer, opened in March and last updated in November: months
            // after every other ticket, yet before the run date.
            let values = columns.map { column -> String in
                switch column {
                case "Ticket ID": return "OUTLIER-1"
                case "Requester ID": return "C-OUTLIER"
                case "Created At": return "2026-03-10T09:00:00Z"
                case "Updated At": return "2026-11-20T09:00:00Z"
                case "Status": return "open"
                default: return ""
                }
            }
            TestSupport.write(header + "\n" + values.joined(separator: ",") + "\n", to: directory + "/tickets/tickets_2026-03-10.csv")
        }
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        XCTAssertEqual(try PlantedEffectTests.run(config).exitCode, 0)
        let database = try Database(path: config.warehouse, readOnly: true)
        let outcomes = try database.query("""
            SELECT ticket_id, repeat, reopen, escalate, churn, renew, referral FROM fact_ticket_outcome ORDER BY ticket_id
            """) { row in (0..<7).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|") }
        let estimates = try database.query("SELECT outcome, model, predictor, estimate, tickets FROM linkage_estimate ORDER BY 1, 2, 3") { row in
            (0..<5).map { row.value(Int32($0)).stringValue ?? "∅" }.joined(separator: "|")
        }
        let cutoffs = try Outcomes.cutoffs(database: database)
        return (outcomes, estimates, "\(cutoffs.tickets ?? "-") \(cutoffs.ticketOutlier ?? "-")")
    }

    func testOneTicketFarAheadOfTheRestMovesNoOutcomeAndNoEstimate() throws {
        let clean = try scored(withOutlier: false)
        let outlier = try scored(withOutlier: true)
        XCTAssertGreaterThan(clean.outcomes.count, 1_000)
        XCTAssertTrue(clean.outcomes.contains { $0.contains("∅") }, "some windows are incomplete at the cut-off, so the test can see a move")
        XCTAssertEqual(outlier.outcomes, clean.outcomes)
        XCTAssertEqual(outlier.estimates, clean.estimates)
        XCTAssertTrue(outlier.cutoffs.hasSuffix(" 2026-11-20T09:00:00Z"), outlier.cutoffs)
        XCTAssertEqual(outlier.cutoffs.prefix(10), clean.cutoffs.prefix(10), "the cut-off stays with the bulk of the data")
    }
}
