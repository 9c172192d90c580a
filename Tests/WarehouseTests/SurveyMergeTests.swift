import AmbassadorCore
import TestSupport
import Warehouse
import XCTest

/// The survey merge on both engines: rows go into the facts in key order, and a response (or
/// an answer) a file holds twice ends as its last record whatever the order of the keys.
final class SurveyMergeTests: XCTestCase {
    /// One file's staged responses, records out of key order: R_m twice (records 1 and 5, its
    /// answer to q1 changed), R_z, R_a, and R_b with a second item.
    func stageFile(_ database: any WarehouseConnection) throws -> Int64 {
        try database.run("INSERT INTO etl_run (command, arguments, run_date, started_at, status) VALUES ('test', '', '2026-11-30', 'now', 'running')")
        try database.run("""
            INSERT INTO etl_source_file (source, path, sha256, size, status) VALUES ('csat', 'csat.csv', 'x', 1, 'normalized')
            """)
        let file = try database.scalar("SELECT max(file_id) FROM etl_source_file").intValue ?? 0
        let responses: [(record: Int64, id: String, team: String)] = [(1, "R_m", "first"), (2, "R_z", "z"), (3, "R_a", "a"), (4, "R_b", "b"), (5, "R_m", "last")]
        for r in responses {
            try database.run("""
                INSERT INTO stg_survey_response (file_id, record_no, source, response_id, respondent_kind, team_id) VALUES (?, ?, 'csat', ?, 'customer', ?)
                """, [.integer(Int64(file)), .integer(r.record), .text(r.id), .text(r.team)])
        }
        let answers: [(record: Int64, item: String, value: Double)] = [(1, "q1", 1), (2, "q1", 2), (3, "q1", 3), (4, "q1", 4), (5, "q1", 5), (4, "q2", 7)]
        for a in answers {
            try database.run("""
                INSERT INTO stg_survey_answer (file_id, record_no, item, numeric_value, answered) VALUES (?, ?, ?, ?, 1)
                """, [.integer(Int64(file)), .integer(a.record), .text(a.item), .real(a.value)])
        }
        return Int64(file)
    }

    func check(_ database: any WarehouseConnection) throws {
        let file = try stageFile(database)
        XCTAssertGreaterThan(try SurveyMerge.merge(fileID: file, database: database), 0)
        let responses = try database.rows("SELECT response_id, team_id, _record_no FROM fact_survey_response ORDER BY response_id", []) {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.int(2))"
        }
        XCTAssertEqual(responses, ["R_a a 3", "R_b b 4", "R_m last 5", "R_z z 2"], "\(database.engine): R_m is its last record")
        let answers = try database.rows("SELECT response_id, item, numeric_value FROM fact_survey_answer ORDER BY response_id, item", []) {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.double(2))"
        }
        XCTAssertEqual(answers, ["R_a q1 3.0", "R_b q1 4.0", "R_b q2 7.0", "R_m q1 5.0", "R_z q1 2.0"], "\(database.engine)")
        // The same file merged again changes nothing.
        _ = try SurveyMerge.merge(fileID: file, database: database)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_survey_answer"), 5)
        XCTAssertEqual(try database.scalar("SELECT numeric_value FROM fact_survey_answer WHERE response_id = 'R_m'"), .real(5))
    }

    func testARepeatedResponseEndsAsItsLastRecordOnBothEngines() throws {
        let (connections, drop) = try PostgresSupport.migratedEngines()
        defer { drop() }
        for database in connections { try check(database) }
    }
}
