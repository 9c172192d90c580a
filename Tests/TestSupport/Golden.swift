import Foundation
import XCTest

extension TestSupport {
    /// Set to `1` to re-record every golden file a test compares against (then read the diff
    /// in git before committing it: a golden file is an expectation, not a recording).
    public static let recordGoldenVariable = "AMBASSADOR_RECORD_GOLDEN"

    /// Compares `actual` with the committed golden file `Golden/<name>` beside the test file
    /// that calls it. On a difference it fails naming the first differing line (expected and
    /// actual) and leaves the whole actual text beside the golden file as `<name>.actual` for
    /// `diff`; with `AMBASSADOR_RECORD_GOLDEN=1` it writes the golden file instead and fails,
    /// so a recording never passes unseen.
    public static func assertGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Golden")
        let path = folder.appendingPathComponent(name).path
        let actualPath = path + ".actual"
        try? FileManager.default.removeItem(atPath: actualPath)
        if ProcessInfo.processInfo.environment[recordGoldenVariable] == "1" {
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try actual.write(toFile: path, atomically: true, encoding: .utf8)
                XCTFail("recorded \(path); run again without \(recordGoldenVariable) and read the change with git diff", file: file, line: line)
            } catch {
                XCTFail("cannot record \(path): \(error)", file: file, line: line)
            }
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            XCTFail("\(path): no golden file; expected one committed (record it with \(recordGoldenVariable)=1 and check it by hand)",
                    file: file, line: line)
            return
        }
        guard actual != expected else { return }
        try? actual.write(toFile: actualPath, atomically: true, encoding: .utf8)
        let want = expected.components(separatedBy: "\n")
        let got = actual.components(separatedBy: "\n")
        let first = zip(want, got).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(want.count, got.count)
        let shown = { (lines: [String]) in first < lines.count ? "'" + lines[first] + "'" : "(end of text)" }
        XCTFail("""
            \(name) differs from its golden file at line \(first + 1): expected \(shown(want)), got \(shown(got)) \
            (\(want.count) lines expected, \(got.count) got); the whole text is in \(actualPath) — `diff \(path) \(actualPath)`. \
            If the change is intended, re-record with \(recordGoldenVariable)=1 and review the diff.
            """, file: file, line: line)
    }
}
