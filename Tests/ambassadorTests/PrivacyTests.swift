import Foundation
import Generate
import TestSupport
import Warehouse
import XCTest

/// pipelines/nightly.yml on generated exports: pseudonymisation is on, the key is written
/// nowhere, no name or e-mail reaches a log line, and every file is private.
final class PrivacyTests: XCTestCase {
    func testANightlyRunLeaksNoNameEmailOrKey() throws {
        let inbox = TestSupport.temporaryDirectory("inbox")
        let home = TestSupport.temporaryDirectory("home")
        _ = try Generator(settings: GeneratorSettings(outDir: inbox, teams: 6, tickets: 1_500, months: 3, dirt: 0.02)).run()
        let key = "k3y-\(UUID().uuidString)-never-stored"
        let environment = ["AMBASSADOR_INBOX": inbox, "AMBASSADOR_HOME": home, "AMBASSADOR_PSEUDONYM_KEY": key]
        var logs = ""
        for format in ["text", "json"] {
            let result = try TestSupport.run(["run", "--pipeline", TestSupport.packageRoot + "/pipelines/nightly.yml", "--log-format", format],
                                             environment: environment)
            XCTAssertTrue([0, 65].contains(result.status), result.stderr)
            logs += result.stdout + result.stderr
        }
        XCTAssertTrue(logs.contains("rejected"), "the dirt produced log lines about rows, so the check is not vacuous")
        // Every name and e-mail in the exports.
        var secrets = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: inbox + "/hr") {
            let text = try String(contentsOfFile: inbox + "/hr/" + file, encoding: .utf8)
            for line in text.split(separator: "\r\n").dropFirst() {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if fields.count > 2 { secrets.insert(fields[1]); secrets.insert(fields[2]) }
            }
        }
        XCTAssertGreaterThan(secrets.count, 50)
        for secret in secrets where !secret.isEmpty {
            XCTAssertFalse(logs.contains(secret), "a log line names \(secret)")
        }
        XCTAssertFalse(logs.contains("@example"), "no e-mail of any kind in the logs")
        XCTAssertFalse(logs.contains(key))
        // The key is in no file the run wrote: warehouse (and its WAL), reports.
        var written: [String] = []
        for folder in [home + "/var", home + "/out"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) { written.append(folder + "/" + name) }
        }
        XCTAssertTrue(written.contains { $0.hasSuffix("warehouse.sqlite") } && written.contains { $0.hasSuffix("report.html") })
        for path in written {
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
            XCTAssertNil(bytes.range(of: Data(key.utf8)), "\(path) holds the key")
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            XCTAssertEqual(mode & 0o077, 0, "\(path) is readable by others: \(String(mode, radix: 8))")
        }
        for folder in [home + "/var", home + "/out"] {
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int) ?? 0, 0o700, folder)
        }
        // Names and e-mails never reach the canonical tables or the reports.
        let database = try Database(path: home + "/var/warehouse.sqlite", readOnly: true)
        let names = try database.query("SELECT DISTINCT name FROM dim_employee") { $0.text(0) ?? "" }
        XCTAssertFalse(names.isEmpty)
        XCTAssertTrue(names.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }, "\(names.prefix(3))")
        for path in written where path.contains("/out/") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for secret in secrets where !secret.isEmpty { XCTAssertFalse(text.contains(secret), "\(path) names \(secret)") }
        }
    }
}
