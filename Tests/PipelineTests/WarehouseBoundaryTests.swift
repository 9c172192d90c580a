import TestSupport
import XCTest

/// The warehouse boundary (issue 17): SQL lives in the Warehouse module. Stages, commands,
/// `trace` and the report talk to its stores (Facts, Scores, Operations, Raw, Lineage) and
/// build no statement of their own. (The benchmark tool's yardsticks — `.import`, `\copy`, a
/// keyed insert in the shell — are SQL by nature and are not scanned.)
final class WarehouseBoundaryTests: XCTestCase {
    func testOnlyTheWarehouseModuleBuildsSQL() throws {
        var files = 0
        for module in ["AmbassadorCore", "AmbassadorCommands", "Extract", "Generate", "Load", "Normalize", "Pipeline", "Report", "Score",
                       "Vendors", "ambassador"] {
            let scan = try SQLBoundary.statements(inModule: module)
            files += scan.files
            for line in scan.lines { XCTFail("\(line): expected this statement behind a store in Sources/Warehouse") }
        }
        XCTAssertGreaterThan(files, 50, "too few sources found")
        // The scan finds what it looks for, and passes a store's call by.
        XCTAssertTrue(SQLBoundary.buildsSQL(#"let rows = try database.rows("SELECT stage, reason FROM etl_reject WHERE field = ?", [])"#))
        XCTAssertTrue(SQLBoundary.buildsSQL(#"try database.execute("PRAGMA secure_delete=ON")"#))
        XCTAssertFalse(SQLBoundary.buildsSQL(#"let rejects = try Lineage.rejects(field: "ticket_id", value: key, database: database)"#))
    }
}
