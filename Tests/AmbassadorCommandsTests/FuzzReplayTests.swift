import Foundation
import TestSupport
import XCTest

/// Every input the fuzzer ever broke a reader with (Tests/Fuzz/crashes), and the fixtures it
/// starts from, replayed through the readers with the fuzzer's checks, on every `make test`.
final class FuzzReplayTests: XCTestCase {
    var replayer: String { (TestSupport.binary as NSString).deletingLastPathComponent + "/ambassador-fuzz" }

    func testSavedCrashesAndSeedsPassTheFuzzersChecks() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: replayer), "\(replayer) is built by swift build --build-tests")
        let crashes = TestSupport.packageRoot + "/Tests/Fuzz/crashes"
        let saved = (try? FileManager.default.contentsOfDirectory(atPath: crashes)) ?? []
        let scratch = TestSupport.temporaryDirectory()
        // Hand-made edge inputs the fuzzer would take a while to find.
        let edges: [(String, [UInt8])] = [
            ("csv", Array("a,A,a\n1,2,3\n".utf8)), ("csv", [0xFF, 0xFE, 0x41, 0x00]), ("csv", Array("\"\n".utf8)),
            ("csv", Array(String(repeating: ",", count: 5000).utf8)), ("json", Array(String(repeating: "{\"a\":", count: 600).utf8)),
            ("json", Array("[{\"a\":1},{\"A\":2},{\"a/b\":3,\"a\":{\"b\":4}}]".utf8)), ("xml", Array("<a><b>1</b><B>2</B><b>3</b></a>".utf8)),
            ("xml", Array("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>".utf8)),
        ]
        var byFormat: [String: [String]] = [:]
        for (index, edge) in edges.enumerated() {
            let path = "\(scratch)/edge\(index).\(edge.0)"
            TestSupport.write(edge.1, to: path)
            byFormat[edge.0, default: []].append(path)
        }
        for name in saved where !name.hasPrefix(".") {
            let format = String(name.prefix { $0 != "-" })
            byFormat[format, default: []].append(crashes + "/" + name)
        }
        let fixtures = TestSupport.fixtures
        for format in ["csv", "json", "xml"] {
            let found = FileManager.default.enumerator(atPath: fixtures)?.compactMap { $0 as? String }.filter { $0.hasSuffix("." + format) } ?? []
            byFormat[format, default: []] += found.sorted().map { fixtures + "/" + $0 }
        }
        for (format, files) in byFormat.sorted(by: { $0.key < $1.key }) {
            let result = try TestSupport.run([format] + files, executable: replayer)
            XCTAssertEqual(result.status, 0, "\(format): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("replayed \(files.count) input(s)"), result.stdout)
        }
        XCTAssertGreaterThan(byFormat["csv"]?.count ?? 0, 20)
    }
}
