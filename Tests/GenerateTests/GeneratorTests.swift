import AmbassadorCore
import Foundation
import TestSupport
import XCTest
@testable import Generate

final class GeneratorTests: XCTestCase {
    private func generate(seed: UInt64, scenario: Scenario = .realistic) throws -> (String, GeneratedCounts) {
        let directory = TestSupport.temporaryDirectory()
        let settings = GeneratorSettings(outDir: directory, teams: 5, tickets: 2000, months: 3, seed: seed, scenario: scenario, agentsPerTeam: 3)
        return (directory, try Generator(settings: settings).run())
    }

    private func files(_ directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[name] = FileManager.default.contents(atPath: directory + "/" + name)
            }
        }
        return result
    }

    func testTheSameSeedGivesByteIdenticalFilesAndAnotherSeedDoesNot() throws {
        let (a, _) = try generate(seed: 42)
        let (b, _) = try generate(seed: 42)
        let (c, _) = try generate(seed: 43)
        let filesA = try files(a), filesB = try files(b), filesC = try files(c)
        XCTAssertEqual(Set(filesA.keys), ["hr/roster_2026-01-01.csv", "hr/roster_2026-02-01.csv", "hr/roster_2026-03-01.csv",
                                           "tickets/tickets_2026-01-01.csv", "tickets/tickets_2026-02-01.csv",
                                           "tickets/tickets_2026-03-01.csv", "surveys/csat_2026-01-01.csv", "surveys/csat_2026-02-01.csv",
                                           "surveys/csat_2026-03-01.csv", "surveys/pulse_2026-01-31.csv", "surveys/pulse_2026-02-28.csv",
                                           "surveys/pulse_2026-03-31.csv", "customers/events_2026-01-31.csv",
                                           "customers/events_2026-02-28.csv", "customers/events_2026-03-31.csv",
                                           "surveys/relationship_2026-03-31.csv", "truth.json", "pipeline.yml"])
        for (name, data) in filesA where name != "pipeline.yml" {
            XCTAssertEqual(data, filesB[name], name)
        }
        XCTAssertNotEqual(filesA["tickets/tickets_2026-01-01.csv"], filesC["tickets/tickets_2026-01-01.csv"])
    }

    func testTruthCountsMatchTheFilesWritten() throws {
        let (directory, counts) = try generate(seed: 9)
        func dataLines(_ folder: String) throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder).reduce(0) { total, name in
                let text = try String(contentsOfFile: directory + "/" + folder + "/" + name, encoding: .utf8)
                return total + text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).count - 1
            }
        }
        XCTAssertEqual(try dataLines("tickets"), counts.tickets)
        XCTAssertEqual(try dataLines("hr"), counts.rosterRows)
        XCTAssertEqual(try dataLines("customers"), counts.customerEvents)
        // Qualtrics files have three header rows, SurveyMonkey's two (one counted above as the header).
        let surveyFiles = try FileManager.default.contentsOfDirectory(atPath: directory + "/surveys")
        let monkey = surveyFiles.filter { $0.hasPrefix("relationship_") }.count
        XCTAssertEqual(try dataLines("surveys") - 2 * (surveyFiles.count - monkey) - monkey,
                       counts.pulseResponses + counts.csatResponses + counts.relationshipResponses)
        XCTAssertGreaterThan(counts.relationshipResponses, 0)
        XCTAssertGreaterThan(counts.pulseResponses, 0)
        XCTAssertGreaterThan(counts.csatResponses, 0)
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json"))) as? [String: Any]
        let truthCounts = truth?["counts"] as? [String: Any]
        XCTAssertEqual(truthCounts?["tickets"] as? Int, counts.tickets)
        XCTAssertEqual(truth?["seed"] as? Int, 9)
        XCTAssertEqual((truth?["team_latent"] as? [Any])?.count, 5)
        XCTAssertEqual((truth?["effects"] as? [String: Any])?["repeat_team_per_sd"] as? Double, -0.06)
        // About 2000 tickets, of which a plausible share are repeat contacts.
        XCTAssertEqual(Double(counts.tickets), 2000, accuracy: 150)
        let repeatShare = Double(counts.repeatTickets) / Double(counts.tickets)
        XCTAssertTrue((0.08...0.2).contains(repeatShare), "repeat share \(repeatShare)")
    }

    func testTheRosterLooksLikeAnHRExport() throws {
        let (directory, _) = try generate(seed: 3)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: directory + "/hr/roster_2026-01-01.csv"))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("Employee ID,Name,Email,Department,Manager ID,"))
        XCTAssertTrue(text.contains("\r\n") && text.contains(",0000-00-00,"), "CRLF and a zero date for no termination")
    }
}

extension GeneratorTests {
    /// The event log plants FOLLOWUP: a first assignee's follow-up message after the solve is
    /// more likely the higher their ambassadorship, so across teams the follow-up share rises
    /// with the team's latent level (truth.json), and every counted follow-up is in the log.
    func testTheEventLogPlantsFollowUpsThatRiseWithAmbassadorship() throws {
        let directory = TestSupport.temporaryDirectory()
        var settings = GeneratorSettings(outDir: directory, teams: 30, tickets: 40_000, months: 2, seed: 31, agentsPerTeam: 15)
        settings.ticketEventLog = true
        let counts = try Generator(settings: settings).run()
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/truth.json"))) as? [String: Any]
        let latent = try XCTUnwrap(truth?["team_latent"] as? [Double])
        // Agent id → team index, from the first roster (teams are named "Support 01"…).
        let roster = try String(contentsOfFile: directory + "/hr/roster_2026-01-01.csv", encoding: .utf8)
        var teamOf: [String: Int] = [:]
        for line in roster.split(separator: "\r\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if let number = Int(fields[3].split(separator: " ").last ?? "") { teamOf[String(fields[10])] = number - 1 }
        }
        var solved = [Double](repeating: 0, count: latent.count), followUps = [Double](repeating: 0, count: latent.count)
        var events = 0, followUpLines = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory + "/tickets/events") {
            let text = try String(contentsOfFile: directory + "/tickets/events/" + name, encoding: .utf8)
            var lastEvent: [String: String] = [:], firstAgent: [String: String] = [:]
            for line in text.split(separator: "\n").dropFirst() {
                events += 1
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let (ticket, event, actor) = (fields[0], fields[2], fields[3])
                if event == "Assigned" { firstAgent[ticket] = actor }
                if let team = firstAgent[ticket].flatMap({ teamOf[$0] }) {
                    if event == "Solved", lastEvent[ticket] != "Solved" { solved[team] += 1 }
                    if event == "Agent Reply", lastEvent[ticket] == "Solved" { followUps[team] += 1; followUpLines += 1 }
                }
                lastEvent[ticket] = event
            }
        }
        XCTAssertEqual(events, counts.ticketEvents)
        XCTAssertGreaterThan(counts.followUpMessages, 500)
        // Only follow-ups by agents hired after the first roster go uncounted here.
        XCTAssertEqual(Double(followUpLines), Double(counts.followUpMessages), accuracy: Double(counts.followUpMessages) * 0.2)
        let rates = zip(followUps, solved).map { $0.1 > 0 ? $0.0 / $0.1 : 0 }
        let meanRate = rates.reduce(0, +) / Double(rates.count), meanLatent = latent.reduce(0, +) / Double(latent.count)
        let covariance = zip(rates, latent).reduce(0) { $0 + ($1.0 - meanRate) * ($1.1 - meanLatent) }
        let spread = (rates.reduce(0) { $0 + ($1 - meanRate) * ($1 - meanRate) } * latent.reduce(0) { $0 + ($1 - meanLatent) * ($1 - meanLatent) }).squareRoot()
        XCTAssertGreaterThan(covariance / spread, 0.6, "team follow-up share vs team latent ambassadorship")
    }
}
