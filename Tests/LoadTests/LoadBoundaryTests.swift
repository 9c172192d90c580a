import TestSupport
import XCTest

/// The warehouse boundary (issue 17): the load stage orders the fact store's steps and
/// writes no SQL of its own; every statement on staging and facts lives in Warehouse/Facts.
final class LoadBoundaryTests: XCTestCase {
    func testTheLoadStageWritesNoSQL() throws {
        let scan = try SQLBoundary.statements(inModule: "Load")
        XCTAssertGreaterThan(scan.files, 0, "no sources found in Sources/Load")
        XCTAssertEqual(scan.lines, [], "the load stage builds SQL; expected it in Warehouse/Facts")
        // The check itself finds what it looks for.
        XCTAssertTrue(SQLBoundary.buildsSQL(#"try database.count("SELECT count(*) FROM stg_ticket")"#))
        XCTAssertFalse(SQLBoundary.buildsSQL(#"try FactStore.stagedRows(in: table, files: ids, database: database)"#))
    }
}
