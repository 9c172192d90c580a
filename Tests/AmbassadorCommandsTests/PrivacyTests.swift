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
        var folders = [home + "/var", home + "/out"]
        for folder in [home + "/var", home + "/out"] {
            for name in try FileManager.default.subpathsOfDirectory(atPath: folder) {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory)
                if isDirectory.boolValue { folders.append(folder + "/" + name) } else { written.append(folder + "/" + name) }
            }
        }
        XCTAssertTrue(written.contains { $0.hasSuffix("/runs/latest.json") }, "the run results are checked too")
        XCTAssertTrue(written.contains { $0.hasSuffix("warehouse.sqlite") } && written.contains { $0.hasSuffix("report.html") })
        for path in written {
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
            XCTAssertNil(bytes.range(of: Data(key.utf8)), "\(path) holds the key")
            let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            XCTAssertEqual(mode & 0o077, 0, "\(path) is readable by others: \(String(mode, radix: 8))")
        }
        for folder in folders {
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int) ?? 0, 0o700, folder)
        }
        // Names and e-mails never reach the canonical tables or the reports.
        let database = try Database(path: home + "/var/warehouse.sqlite", readOnly: true)
        let names = try database.query("SELECT DISTINCT name FROM dim_employee") { $0.text(0) ?? "" }
        XCTAssertFalse(names.isEmpty)
        XCTAssertTrue(names.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }, "\(names.prefix(3))")
        for path in written where path.contains("/out/") || path.contains("/runs/") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for secret in secrets where !secret.isEmpty { XCTAssertFalse(text.contains(secret), "\(path) names \(secret)") }
        }
    }
}

/// Issue 15.2: a pulse respondent's identity is never stored with answers, and with
/// pseudonymisation on no clear name or e-mail is anywhere the run writes.
extension PrivacyTests {
    /// Every text value of every table, one string per value.
    fileprivate func everyValue(_ path: String) throws -> [String] {
        let database = try Database(path: path, readOnly: true)
        let tables = try database.query("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.text(0) ?? "" }
        var values: [String] = []
        for table in tables {
            try database.forEach("SELECT * FROM \(Database.quote(table))", []) { row in
                for column in 0..<row.columnCount { if let text = row.text(column) { values.append(text) } }
            }
        }
        return values
    }

    /// The planted strings found in the bytes of `path` (a file or every file below a folder).
    fileprivate func planted(_ strings: Set<String>, inFilesAt path: String) -> [String] {
        var files: [String] = []
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            files = (FileManager.default.subpaths(atPath: path) ?? []).map { path + "/" + $0 }
        } else {
            files = [path]
        }
        var found: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for string in strings where data.range(of: Data(string.utf8)) != nil { found.append("\(file): \(string)") }
        }
        return found
    }

    /// Without raw rows (the default: normalize reads the inbox file, which is never
    /// archived for a pulse survey, and maps only the kept columns) and with `keep_raw`
    /// (raw_pulse holds the kept columns only).
    func testAPulseRespondentsIdentityIsNeverStoredAndTheAnswersLoad() throws {
        for keepRaw in [false, true] {
            let directory = TestSupport.temporaryDirectory()
            // A Qualtrics pulse with every kind of identity column it can carry, embedded data
            // among them, and a ragged row (an extract reject) holding an e-mail.
            TestSupport.write("""
                ResponseId,RecordedDate,IPAddress,RecipientLastName,RecipientFirstName,RecipientEmail,ExternalReference,LocationLatitude,EmployeeID,Team,Q1_1,Q1_2
                Response ID,Recorded Date,IP Address,Recipient Last Name,Recipient First Name,Recipient Email,External Data Reference,Location Latitude,EmployeeID,Team,I am proud,I believe
                {"ImportId":"_recordId"},{"ImportId":"recordedDate"},{"ImportId":"ipAddress"},{"ImportId":"recipientLastName"},{"ImportId":"recipientFirstName"},{"ImportId":"recipientEmail"},{"ImportId":"externalDataReference"},{"ImportId":"locationLatitude"},{"ImportId":"EmployeeID"},{"ImportId":"Team"},{"ImportId":"QID1_1"},{"ImportId":"QID1_2"}
                R_1,2026-03-01 10:00:00,203.0.113.7,Lovelace,Ada,ada.lovelace@example.com,EXT-ADA,51.5072,E777,Support 01,Agree,5
                R_2,2026-03-01 11:00:00,198.51.100.9,Babbage,Charles,charles.babbage@example.com,EXT-CB,51.5073,E778,Support 01,Disagree,2
                R_3,2026-03-01 12:00:00,192.0.2.1,Hopper,Grace,grace.hopper@example.com

                """, to: directory + "/pulse/pulse_2026-03-01.csv")
            TestSupport.write("""
                warehouse: var/w.sqlite
                reject_threshold: 0.5
                sources:
                  pulse: {kind: survey, respondent: employee, format: qualtrics_csv, inbox: pulse/*.csv, keep_raw: \(keepRaw)}
                """, to: directory + "/p.yml")
            let result = try TestSupport.run(["run", "--pipeline", "p.yml", "--run-date", "2026-11-22"], in: directory)
            let identity: Set<String> = ["203.0.113.7", "198.51.100.9", "192.0.2.1", "Lovelace", "Babbage", "Hopper", "Grace",
                                         "ada.lovelace@example.com", "charles.babbage@example.com", "grace.hopper@example.com",
                                         "EXT-ADA", "EXT-CB", "51.5072", "E777", "E778"]
            let warehouse = directory + "/var/w.sqlite"
            let values = try everyValue(warehouse)
            XCTAssertEqual(values.filter { value in identity.contains { value.contains($0) } }, [], "no identity in any table (keep_raw: \(keepRaw))")
            XCTAssertEqual(planted(identity, inFilesAt: directory + "/var"), [], "nor in the warehouse's files (keep_raw: \(keepRaw))")
            XCTAssertEqual(identity.filter { result.stdout.contains($0) || result.stderr.contains($0) }, [], "nor in the logs")
            let database = try Database(path: warehouse, readOnly: true)
            let kept = ["ResponseId", "RecordedDate", "Team", "Q1_1", "Q1_2"]
            XCTAssertEqual(try database.scalar("SELECT value FROM etl_file_metadata WHERE key = 'columns'").stringValue,
                           "[" + kept.map { "\"\($0)\"" }.joined(separator: ",") + "]", "the columns normalize may read")
            if keepRaw {
                XCTAssertEqual(try database.columns(of: "raw_pulse"), ["_file_id", "_record_no"] + kept)
                XCTAssertEqual(try database.count("SELECT count(*) FROM raw_pulse"), 2)
            } else {
                XCTAssertFalse(try database.tableExists("raw_pulse"), "no raw rows: the inbox file is read again")
            }
            XCTAssertEqual(try database.query("SELECT key FROM etl_file_metadata WHERE key LIKE 'dropped_identity_column/%' ORDER BY key") { $0.text(0) ?? "" },
                           ["EmployeeID", "ExternalReference", "IPAddress", "LocationLatitude", "RecipientEmail", "RecipientFirstName",
                            "RecipientLastName"].map { "dropped_identity_column/" + $0 })
            // The answers and the team are kept: two responses of two items each.
            XCTAssertEqual(try database.query("""
                SELECT r.response_id, r.team_id, a.item, a.numeric_value FROM fact_survey_response r
                JOIN fact_survey_answer a USING (source, response_id) ORDER BY 1, 3
                """) { "\($0.text(0) ?? "")|\($0.text(1) ?? "")|\($0.text(2) ?? "")|\($0.double(3))" },
                ["R_1|Support 01|Q1_1|4.0", "R_1|Support 01|Q1_2|5.0", "R_2|Support 01|Q1_1|2.0", "R_2|Support 01|Q1_2|2.0"], "keep_raw: \(keepRaw)")
            XCTAssertEqual(try database.count("SELECT count(*) FROM etl_reject WHERE source = 'pulse' AND stage = 'extract' AND raw_value IS NULL"), 1,
                           "the ragged row is quarantined, its raw value withheld")
        }
    }

    func testWithPseudonymisationNoClearNameOrEmailIsAnywhereTheRunWritesAndAgentsStillResolve() throws {
        let directory = TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/samples", toPath: directory + "/samples")
        try FileManager.default.copyItem(atPath: TestSupport.packageRoot + "/pipelines", toPath: directory + "/pipelines")
        // Every clear name and e-mail of the rosters, read from the files themselves.
        let (found, emailOf) = try TestSupport.rosterIdentities(in: directory + "/samples/hr")
        var identities = found
        let rosters = try FileManager.default.contentsOfDirectory(atPath: directory + "/samples/hr").sorted()
        XCTAssertGreaterThan(identities.count, 200)
        // A ticket system that names agents by e-mail (in another case than the roster), and a
        // roster row whose e-mail is invalid (its reject must not keep it).
        let agents = ["E00001", "E00002"].compactMap { id in emailOf[id].map { (id, $0) } }
        XCTAssertEqual(agents.count, 2)
        var tickets = "Ticket ID,Requester ID,Created At,Updated At,Solved At,Status,Priority,Via,Category,First Assignee ID,Assignee ID,Reassignments,Reopens,Escalated\n"
        for (index, agent) in agents.enumerated() {
            tickets += "EM\(index),customer.\(index)@example.org,2026-03-02T10:00:00Z,2026-03-02T12:00:00Z,2026-03-02T11:00:00Z,solved,normal,email,billing,"
                + "\(agent.1.uppercased()),\(agent.1),0,0,false\n"
        }
        TestSupport.write(tickets, to: directory + "/samples/tickets/by_email_2026-03-02.csv")
        let lastRoster = try String(contentsOfFile: directory + "/samples/hr/" + (rosters.last ?? ""), encoding: .utf8)
        TestSupport.write(lastRoster + "E99999,Ignatius Quill,ignatius quill@example.com,Support 01,,Agent,Lisbon,1/1/2025,0000-00-00,Active,\n",
                          to: directory + "/samples/hr/roster_2026-06-02.csv")
        identities.formUnion(["Ignatius Quill", "ignatius quill@example.com", "customer.0@example.org", "customer.1@example.org"])
        let pipeline = try String(contentsOfFile: directory + "/pipelines/sample.yml", encoding: .utf8)
        TestSupport.write(pipeline + "\nprivacy:\n  pseudonymise: [name, email]\n  key_env: TEST_PRIVACY_KEY\n", to: directory + "/pipelines/sample.yml")
        let result = try TestSupport.run(["run", "--pipeline", "pipelines/sample.yml", "--run-date", "2026-11-22"], in: directory,
                                         environment: ["TEST_PRIVACY_KEY": "a key only this test knows, long enough"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let warehouse = directory + "/var/warehouse.sqlite"
        let values = try everyValue(warehouse)
        XCTAssertGreaterThan(values.count, 100_000)
        let clear = values.filter { identities.contains($0) || $0.contains("@example.") }
        XCTAssertEqual(Array(clear.prefix(5)), [], "\(clear.count) clear names or e-mails in the tables")
        XCTAssertEqual(planted(identities, inFilesAt: directory + "/var"), [], "none in the warehouse file or its WAL")
        XCTAssertEqual(planted(identities, inFilesAt: directory + "/out"), [], "none in the report or its extracts")
        XCTAssertEqual(identities.filter { result.stdout.contains($0) || result.stderr.contains($0) }, [], "none in the logs")
        let database = try Database(path: warehouse, readOnly: true)
        // Tickets that named their agents by e-mail still resolve to them.
        XCTAssertEqual(try database.query("SELECT ticket_id, first_assignee_employee_id FROM fact_ticket WHERE ticket_id LIKE 'EM%' ORDER BY 1") {
            "\($0.text(0) ?? "")|\($0.text(1) ?? "-")"
        }, ["EM0|E00001", "EM1|E00002"])
        // The bad roster row is quarantined, its value withheld.
        XCTAssertEqual(try database.query("SELECT field, coalesce(raw_value, '-') FROM etl_reject WHERE source = 'roster'") { "\($0.text(0) ?? "")|\($0.text(1) ?? "")" },
                       ["email|-"])
    }
}

extension PrivacyTests {
    /// A customer respondent named by an id (not an e-mail) is stored the same way with
    /// pseudonymisation on as off — lower-cased — so turning privacy on does not change which
    /// customer a response belongs to; one named by e-mail is hashed, whatever its case.
    func testACustomerRespondentIdIsStoredAlikeWithPseudonymisationOnAndOff() throws {
        var stored: [[String]] = []
        var texts: [[String]] = []
        for privacy in ["", "privacy:\n  pseudonymise: [email]\n  key_env: TEST_PRIVACY_KEY\n"] {
            let directory = TestSupport.temporaryDirectory()
            TestSupport.write("""
                Response ID,Customer,Submitted At,Q1,Q2
                R1,CUST-7,2026-03-01 10:00:00,4,fine
                R2,Ada@Example.com,2026-03-01 11:00:00,5,"Write to <Ada@Example.com>, or ada@example.com."
                R3,ada@example.com,2026-03-01 12:00:00,3,

                """, to: directory + "/csat/csat_2026-03-01.csv")
            TestSupport.write("""
                warehouse: var/w.sqlite
                sources:
                  csat: {kind: survey, respondent: customer, format: csv, inbox: csat/*.csv, fields: {respondent_id: Customer}}
                \(privacy)
                """, to: directory + "/p.yml")
            let result = try TestSupport.run(["run", "--pipeline", "p.yml", "--run-date", "2026-11-22"], in: directory,
                                             environment: ["TEST_PRIVACY_KEY": "a key only this test knows, long enough"])
            XCTAssertTrue([0, 65].contains(result.status), result.stderr)
            let database = try Database(path: directory + "/var/w.sqlite", readOnly: true)
            stored.append(try database.query("SELECT respondent_id FROM fact_survey_response ORDER BY response_id") { $0.text(0) ?? "-" })
            texts.append(try database.query("SELECT text_value FROM fact_survey_answer WHERE item = 'Q2' ORDER BY response_id") { $0.text(0) ?? "-" })
        }
        XCTAssertEqual(stored[0], ["cust-7", "ada@example.com", "ada@example.com"])
        XCTAssertEqual(stored[1].first, "cust-7", "an id that is not an e-mail is kept as without pseudonymisation")
        XCTAssertEqual(stored[1].count, 3)
        XCTAssertEqual(stored[1][1], stored[1][2], "one e-mail in two cases is one pseudonym")
        XCTAssertTrue(stored[1][1].count == 32 && stored[1][1].allSatisfy(\.isHexDigit), stored[1][1])
        // A text answer keeps its words; an e-mail address in it becomes the address's pseudonym.
        XCTAssertEqual(texts[0], ["fine", "Write to <Ada@Example.com>, or ada@example.com."])
        XCTAssertEqual(texts[1], ["fine", "Write to <\(stored[1][1])>, or \(stored[1][1])."])
    }
}
