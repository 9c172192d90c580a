import AmbassadorCommands
import TestSupport
import XCTest

/// `--help` of the command and of every registered subcommand, as the built binary prints it
/// at 100 columns, against golden files: a changed option, default or wording shows up in
/// review as a diff of `Golden/help/*.txt`.
final class HelpTests: XCTestCase {
    func testEveryHelpTextMatchesItsGoldenFile() throws {
        let names = Ambassador.subcommandNames
        let top = try TestSupport.run(["--help"], environment: ["COLUMNS": "100"])
        XCTAssertEqual(top.status, 0, top.stderr)
        TestSupport.assertGolden(top.stdout, "help/ambassador.txt")
        for name in names {
            // The top-level help lists every subcommand the library registers.
            XCTAssertTrue(top.stdout.contains("  \(name) "), "`ambassador --help` does not list \(name)")
            let help = try TestSupport.run([name, "--help"], environment: ["COLUMNS": "100"])
            XCTAssertEqual(help.status, 0, "\(name): \(help.stderr)")
            TestSupport.assertGolden(help.stdout, "help/\(name).txt")
        }
        // Nothing stale: a golden file per registered command and no other.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/help").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".txt") }
        XCTAssertEqual(Set(files), Set((["ambassador"] + names).map { $0 + ".txt" }))
    }
}
