import TestSupport
import XCTest

/// The warehouse boundary (issue 17): the score stage computes scores and fits models; what
/// it reads and writes goes through the stores in Warehouse/Scores, and it builds no SQL.
final class ScoreBoundaryTests: XCTestCase {
    func testTheScoreStageWritesNoSQL() throws {
        let scan = try SQLBoundary.statements(inModule: "Score")
        XCTAssertGreaterThan(scan.files, 5, "too few sources found in Sources/Score")
        XCTAssertEqual(scan.lines, [], "the score stage builds SQL; expected it in Warehouse/Scores")
        // The check finds the kinds of statement the stage used to build.
        for line in [#"try database.run("DELETE FROM score_agent_period WHERE period = ?", [.text(period)])"#,
                     #"CREATE TEMP TABLE ticket_rating AS"#, #"CREATE UNIQUE INDEX x ON ticket_rating (ticket_id)"#,
                     #"if database.engine == .postgresql { try database.execute("ANALYZE \(table)") }"#,
                     #"INSERT INTO linkage_team (outcome, team_id) VALUES (?, ?)"#] {
            XCTAssertTrue(SQLBoundary.buildsSQL(line), line)
        }
    }

    /// The warehouse module holds the SQL the stage no longer builds: every score table is
    /// written from Warehouse/Scores.
    func testEveryScoreTableIsWrittenByAStoreInWarehouseScores() throws {
        let scan = try SQLBoundary.statements(inModule: "Warehouse/Scores")
        let text = scan.lines.joined(separator: "\n")
        for table in ["fact_ticket_outcome", "score_team_period", "score_customer_period", "score_agent_period", "score_state",
                      "linkage_estimate", "linkage_segment_lift", "linkage_team", "linkage_predictive"] {
            XCTAssertTrue(text.contains("INSERT INTO \(table)"), "no store in Warehouse/Scores writes \(table)")
        }
    }
}
