import TestSupport
import XCTest

/// The warehouse boundary (issue 17): SQL lives in the Warehouse module; stages, commands and
/// the report talk to its stores. The files that still build their own SQL are listed here,
/// each with what it is, so that the list can only shrink: a file not on it that builds SQL
/// fails, and so does a listed file that no longer does.
final class WarehouseBoundaryTests: XCTestCase {
    /// Still to move behind a store (the raw layer's writer and readers, and `trace`'s
    /// lineage queries), by file.
    static let stillToMove: Set<String> = [
        "Sources/Extract/RawTableWriter.swift",      // raw tables' DDL (created and widened as files arrive)
        "Sources/Normalize/NormalizeStage.swift",    // raw and staging reads of a file (sys_id lists, replaced tickets)
        "Sources/Normalize/RawRows.swift",           // the raw rows of a file, read and dropped
        "Sources/Pipeline/LinkageTrace.swift",       // `trace linkage_estimate`: an estimate's lineage
        "Sources/Pipeline/RowTrace.swift",           // `trace <table> <key>`: a row's lineage
    ]

    func testOnlyTheWarehouseModuleBuildsSQL() throws {
        var building = Set<String>()
        var files = 0
        for module in ["AmbassadorCore", "AmbassadorCommands", "Extract", "Generate", "Load", "Normalize", "Pipeline", "Report", "Score",
                       "Vendors", "ambassador"] {
            let scan = try SQLBoundary.statements(inModule: module)
            files += scan.files
            for line in scan.lines {
                let file = String(line.prefix { $0 != ":" })
                if !Self.stillToMove.contains(file) { XCTFail("\(line): expected this statement behind a store in Sources/Warehouse") }
                building.insert(file)
            }
        }
        XCTAssertGreaterThan(files, 50, "too few sources found")
        for file in Self.stillToMove.subtracting(building).sorted() {
            XCTFail("\(file) builds no SQL any more: take it off the list")
        }
    }
}
