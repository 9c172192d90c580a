import Crypto
import Foundation
import TestSupport
import Warehouse
import XCTest

/// The nightly job on the bundled samples, against `Golden/samples-warehouse.txt`: every row of
/// the dimensions, scores and linkage tables (sorted), and for each large fact table its row
/// count, a SHA-256 of its sorted rows and a profile of every column (NULLs, distinct values,
/// least and greatest). A change anywhere from extract to linkage shows up as a diff to review.
final class SamplesGoldenTests: XCTestCase {
    static let fullTables = ["dim_employee", "dim_team", "dim_agent_identity", "dim_survey_item", "score_team_period",
                             "score_agent_period", "linkage_estimate", "linkage_segment_lift", "linkage_team", "linkage_predictive"]
    static let profiledTables = ["dim_customer", "fact_ticket", "fact_ticket_event", "fact_customer_event", "fact_survey_response",
                                 "fact_survey_answer", "fact_ticket_outcome"]

    func testTheSamplesWarehouseMatchesItsGoldenFile() throws {
        let directory = TestSupport.temporaryDirectory()
        let warehouse = directory + "/w.sqlite"
        let result = try TestSupport.run(["run", "--pipeline", TestSupport.packageRoot + "/pipelines/sample.yml", "--warehouse", warehouse,
                                          "--run-date", "2026-08-01", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        TestSupport.assertGolden(try Self.describe(warehouse), "samples-warehouse.txt")
    }

    static func describe(_ warehouse: String) throws -> String {
        var out = ""
        let dump = try WarehouseDump.dump(warehouse, tables: fullTables + profiledTables)
        let database = try Database(path: warehouse, readOnly: true)
        for table in fullTables {
            let rows = dump[table] ?? []
            out += "## \(table): \(rows.count) rows\n" + (try database.columns(of: table)).joined(separator: "|") + "\n"
            out += rows.map { $0 + "\n" }.joined() + "\n"
        }
        for table in profiledTables {
            let rows = dump[table] ?? []
            let digest = SHA256.hash(data: Data(rows.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
            out += "## \(table): \(rows.count) rows, sha256 of the sorted rows \(digest)\n"
            for column in try database.columns(of: table) where !["employee_key", "event_key"].contains(column) {
                let quoted = Database.quote(column)
                let profile = try database.query(
                    "SELECT count(*) - count(\(quoted)), count(DISTINCT \(quoted)), min(\(quoted)), max(\(quoted)) FROM \(Database.quote(table))") { row in
                    (0..<row.columnCount).map { row.value($0).stringValue ?? "∅" }.joined(separator: "|")
                }
                out += "  \(column): " + profile.joined() + "\n"
            }
            out += "\n"
        }
        return out
    }
}
