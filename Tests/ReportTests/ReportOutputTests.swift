import AmbassadorCore
import Foundation
import Generate
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline
@testable import Report

/// The report on a fixed generated dataset: golden files, the anonymity rule in every
/// output, and a real headless browser.
final class ReportOutputTests: XCTestCase {
    static let tinyTeam = "Tiny Team"
    /// The tiny team's three respondents, nine answers each (company, value proposition, customer legs).
    static let tinyAnswers: [[Int]] = [[5, 5, 5, 5, 5, 5, 5, 5, 5], [4, 4, 4, 4, 4, 4, 5, 5, 5], [2, 4, 4, 4, 4, 4, 4, 4, 4]]
    nonisolated(unsafe) static var built: (config: PipelineConfig, out: String)?

    /// 20 teams, 6 000 tickets, seed 5, plus a pulse file with a team of three respondents.
    static func dataset() throws -> (config: PipelineConfig, out: String) {
        if let built { return built }
        let directory = TestSupport.temporaryDirectory("report-dataset")
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 20, tickets: 6_000, months: 4, seed: 5)).run()
        let template = try String(contentsOfFile: directory + "/surveys/pulse_2026-03-31.csv", encoding: .utf8)
        var lines = template.split(separator: "\n", omittingEmptySubsequences: false).prefix(3).map(String.init)
        let labels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
        for (index, answers) in tinyAnswers.enumerated() {
            lines.append("R_tiny\(index),2026-03-31 09:0\(index):00,tiny\(index)@example.com,\(tinyTeam)," + answers.map { labels[$0 - 1] }.joined(separator: ","))
        }
        TestSupport.write(lines.joined(separator: "\n") + "\n", to: directory + "/surveys/pulse_tiny_2026-03-31.csv")
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        let summary = try runner.run(PipelineStep.all, options: RunOptions(command: "test", arguments: [], runDate: CivilDate(daysSinceEpoch: 20_599),
                                                                           now: { "2026-11-22T00:00:00Z" }))
        XCTAssertEqual(summary.exitCode, 0)
        built = (config, config.report.outDir)
        return (config, config.report.outDir)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    func testMarkdownReportMatchesItsGoldenFile() throws {
        let (_, out) = try Self.dataset()
        TestSupport.assertGolden(try read(out + "/report.md"), "report.md")
    }

    /// The HTML's structure: sections in order, and the number of tables and charts in each.
    func testHTMLStructureMatchesItsGoldenFile() throws {
        let (_, out) = try Self.dataset()
        let html = try read(out + "/report.html")
        var structure: [String] = []
        let sections = html.components(separatedBy: "<h2 id=\"").dropFirst()
        for section in sections {
            let id = section.prefix { $0 != "\"" }
            let tables = section.components(separatedBy: "<table").count - 1
            let charts = section.components(separatedBy: "<svg").count - 1
            structure.append("\(id): \(tables) table(s), \(charts) chart(s)")
        }
        TestSupport.assertGolden(structure.joined(separator: "\n") + "\n", "report-structure.txt")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        // Self-contained: nothing is fetched from anywhere.
        for forbidden in ["<script", "<link", "src=", "@import", "url(", "https://", "http://www.w3.org/1999"] {
            XCTAssertFalse(html.contains(forbidden), "report.html contains \(forbidden)")
        }
        XCTAssertEqual(html.components(separatedBy: "http://").count - 1, html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1,
                       "the only URLs are SVG namespace names")
        XCTAssertFalse(html.contains("NaN") || html.contains("inf<") || html.contains(">nan"))
    }

    /// `number` in `text` as a whole number: not part of a longer one, nor negated.
    static func containsNumber(_ text: String, _ number: String) -> Bool {
        var search = text[...]
        while let range = search.range(of: number) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : " "
            if !(before.isNumber || before == "." || before == "-" || before == "−") && !after.isNumber { return true }
            search = text[range.upperBound...]
        }
        return false
    }

    /// No team under the threshold and no individual answer appears anywhere in out/; the
    /// period totals leave nothing to subtract (complementary suppression).
    func testATeamUnderTheThresholdCannotBeSeenOrRecoveredInAnyOutput() throws {
        let (config, out) = try Self.dataset()
        var legs: [[Double]] = []
        for answers in Self.tinyAnswers {
            var means: [Double] = []
            for leg in 0..<3 {
                let sum = answers[(leg * 3)..<(leg * 3 + 3)].reduce(0, +)
                means.append(Double(sum) / 3)
            }
            legs.append(means)
        }
        var legScores: [Double] = []
        for leg in 0..<3 {
            let mean: Double = legs.map { $0[leg] }.reduce(0, +) / 3
            legScores.append(25 * (mean - 1))
        }
        let respondentMeans: [Double] = legs.map { $0.reduce(0, +) / 3 }
        let index: Double = 25 * (respondentMeans.reduce(0, +) / 3 - 1)
        let database = try Database(path: config.warehouse, readOnly: true)
        XCTAssertEqual(try database.count("SELECT count(*) FROM score_team_period WHERE team_id = ? AND suppressed = 1", [.text(Self.tinyTeam)]), 1,
                       "the tiny team was measured and suppressed")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(Set(files), ["report.html", "report.md", "team_scores.csv", "linkage_estimates.csv"])
        // A published team may have the very same figure (answers on a 1–5 scale give few
        // distinct means); that figure is then that team's, and tells nothing of the tiny one.
        var publishedFigures = Set<String>()
        try database.forEach("""
            SELECT ambassador_index, company, value_proposition, customer, net_ambassadorship FROM score_team_period WHERE suppressed = 0
            """) { row in
            for column in 0..<5 where !row.isNull(Int32(column)) {
                for digits in [3, 6] { publishedFigures.insert(fixedPoint(row.double(Int32(column)), digits)) }
            }
        }
        for name in files {
            let text = try read(out + "/" + name)
            for value in [index] + legScores {
                for digits in [3, 6] where !publishedFigures.contains(fixedPoint(value, digits)) {
                    XCTAssertFalse(Self.containsNumber(text, fixedPoint(value, digits)), "\(name) shows the suppressed team's \(fixedPoint(value, digits))")
                }
            }
            for email in ["tiny0@example.com", "tiny1@example.com", "R_tiny0"] { XCTAssertFalse(text.contains(email), "\(name) names a respondent") }
            // Wherever the team appears, its row says it is not shown and carries no figure.
            // (CSV lines end in CRLF, one Character in Swift: split on any line break.)
            for line in text.split(whereSeparator: \.isNewline) where line.contains(Self.tinyTeam) {
                XCTAssertTrue(line.contains("fewer than"), "\(name): \(line)")
                for value in [index] + legScores { XCTAssertFalse(line.contains(fixedPoint(value, 1)), "\(name): \(line)") }
            }
        }
        // Complementary suppression: the period's totals are over the published teams only.
        let published = try database.query("""
            SELECT sum(respondents), sum(ambassador_index * respondents) / sum(respondents) FROM score_team_period
            WHERE period = '2026-03' AND suppressed = 0
            """) { ($0.int(0), $0.double(1)) }.first
        let total = try database.count("SELECT sum(respondents) FROM score_team_period WHERE period = '2026-03'")
        let html = try read(out + "/report.html")
        // The period table of the ambassadorship section (other sections have period rows too).
        let section = html.components(separatedBy: "<h2 id=\"ambassadorship\">").last ?? ""
        let row = try XCTUnwrap(section.split(separator: "\n").first { $0.hasPrefix("<tr><td>2026-03</td>") })
        XCTAssertTrue(row.contains(">\(published?.0 ?? -1)<"), "respondents shown are the published teams' sum: \(row)")
        XCTAssertFalse(row.contains(">\(total)<"), "the total including hidden teams is never printed: \(row)")
        XCTAssertTrue(row.contains(">\(fixedPoint(published?.1 ?? .nan, 1))<"), "the mean is over the published teams: \(row)")
    }

    func testCSVExtractsOpenInExcelAndCannotInjectFormulas() throws {
        let (_, out) = try Self.dataset()
        for name in ["team_scores.csv", "linkage_estimates.csv"] {
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: out + "/" + name))
            XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "\(name) starts with a UTF-8 BOM")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            XCTAssertGreaterThan(lines.count, 5)
            let width = lines[0].split(separator: ",").count
            for line in lines where !line.contains("\"") {
                XCTAssertEqual(line.split(separator: ",", omittingEmptySubsequences: false).count, width, "\(name): \(line)")
                for cell in line.split(separator: ",") where cell.first.map({ "=+@".contains($0) }) ?? false {
                    XCTFail("\(name): a cell starts with a formula character: \(cell)")
                }
            }
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/report.html")
        XCTAssertEqual((attributes[.posixPermissions] as? Int) ?? 0, 0o600)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) ?? 0, 0o700)
    }

    /// Debian's chromium renders the report headless: no console message (the page has a
    /// Content-Security-Policy that forbids every request, so a request would be one), and
    /// a PNG screenshot.
    func testTheReportRendersInAHeadlessBrowserWithoutConsoleErrorsOrRequests() throws {
        let (_, out) = try Self.dataset()
        let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let chromium = try XCTUnwrap(browser, "chromium is missing: `make deps` installs Debian's chromium")
        let png = TestSupport.temporaryDirectory() + "/report.png"
        let profile = TestSupport.temporaryDirectory() + "/profile"
        let result = try TestSupport.run(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + profile,
                                          "--enable-logging=stderr", "--v=0", "--window-size=1200,4000", "--screenshot=" + png,
                                          "file://" + out + "/report.html"], executable: chromium)
        XCTAssertEqual(result.status, 0, result.stderr)
        let console = result.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        XCTAssertEqual(console, [], "console messages from the report")
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: png))
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(bytes.count, 20_000, "a rendered page, not a blank one")
        // The control: a page that tries a request does produce a console message.
        let probe = TestSupport.temporaryDirectory() + "/probe.html"
        let report = try read(out + "/report.html")
        TestSupport.write(report.replacingOccurrences(of: "</body>", with: "<img src=\"http://127.0.0.1:9/x.png\"></body>"), to: probe)
        let control = try TestSupport.run(["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile, "--enable-logging=stderr",
                                           "--v=0", "--screenshot=" + png, "file://" + probe], executable: chromium)
        XCTAssertTrue(control.stderr.contains(":CONSOLE"), "the check would see a request")
    }
}

extension ReportOutputTests {
    /// Issue 15.5: the report files are replaced as one set — a new folder takes out/'s place
    /// in one step — keeping what else the user keeps in out/ and leaving no temporary file.
    func testTheReportIsReplacedAsOneSetInOneStep() throws {
        let parent = TestSupport.temporaryDirectory()
        let out = parent + "/out"
        try ReportStage.writeSet([("report.html", "old html"), ("report.md", "old md")], to: out)
        TestSupport.write("a screenshot", to: out + "/report.png")
        let before = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: out)[.systemFileNumber] as? Int)
        try ReportStage.writeSet([("report.html", "new html"), ("report.md", "new md")], to: out)
        let after = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: out)[.systemFileNumber] as? Int)
        XCTAssertNotEqual(before, after, "out/ is a new folder, switched in, not files renamed one by one")
        XCTAssertEqual(try String(contentsOfFile: out + "/report.html", encoding: .utf8), "new html")
        XCTAssertEqual(try String(contentsOfFile: out + "/report.md", encoding: .utf8), "new md")
        XCTAssertEqual(try String(contentsOfFile: out + "/report.png", encoding: .utf8), "a screenshot", "the user's file is kept")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["out"], "no set left beside it")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).sorted(), ["report.html", "report.md", "report.png"])
        let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) ?? 0
        XCTAssertEqual(mode, 0o700)
        // A set a killed run left beside out/ is cleared by the next one.
        try FileManager.default.createDirectory(atPath: parent + "/out.set-99999", withIntermediateDirectories: false)
        try ReportStage.writeSet([("report.html", "third")], to: out)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), ["out"])
    }
}
