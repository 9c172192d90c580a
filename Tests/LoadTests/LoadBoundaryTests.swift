import Foundation
import XCTest

/// The warehouse boundary (issue 17): the load stage orders the fact store's steps and
/// writes no SQL of its own; every statement on staging and facts lives in Warehouse/Facts.
final class LoadBoundaryTests: XCTestCase {
    func testTheLoadStageWritesNoSQL() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Sources/Load")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        XCTAssertFalse(files.isEmpty, "no sources found in \(folder.path)")
        let statement = try NSRegularExpression(pattern: #"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TEMP\s+)?(TABLE|INDEX)|DROP\s+TABLE|TRUNCATE)\b"#)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                let found = statement.firstMatch(in: code, range: NSRange(code.startIndex..., in: code))
                XCTAssertNil(found, "Sources/Load/\(file):\(number + 1) builds SQL: \(line.trimmingCharacters(in: .whitespaces)); expected it in Warehouse/Facts")
            }
        }
        // The check itself finds what it looks for.
        let probe = #"try database.count("SELECT count(*) FROM stg_ticket")"#
        XCTAssertNotNil(statement.firstMatch(in: probe, range: NSRange(probe.startIndex..., in: probe)))
    }
}
