import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// `privacy.pseudonymise`: names and e-mails leave normalize as keyed hashes — stable for a
/// key, different for another — and the key is never written.
final class PseudonymizerTests: XCTestCase {
    func testNamesAndEmailsArePseudonymisedStablyAndTheKeyIsNeverStored() throws {
        let roster = "Employee ID,Name,Email,Department\nE1,Zoë Müller,Zoe.Muller@Example.com,A\nE2,Ben Ito,ben.ito@example.com,B\n"
        let key = "correct horse battery staple"
        var pseudonyms: [[String]] = []
        for (index, runKey) in [key, key, "another key of some length"].enumerated() {
            let harness = try StageHarness("privacy\(index)")
            harness.config.privacy = PrivacyConfig(pseudonymise: ["name", "email"], key: Array(runKey.utf8), keySource: "test")
            var source = harness.source("roster", .hrRoster, folder: "hr")
            source.partition = .fileName
            try harness.normalize([source], files: [("hr/roster_2026-01-01.csv", roster)])
            let rows = try harness.database.query("SELECT name, email FROM stg_employee ORDER BY employee_id") { [$0.text(0) ?? "", $0.text(1) ?? ""] }
            XCTAssertEqual(rows.count, 2)
            for value in rows.flatMap({ $0 }) {
                XCTAssertTrue(value.count == 32 && value.allSatisfy(\.isHexDigit), value)
            }
            pseudonyms.append(rows.flatMap { $0 })
            let staged = try harness.rows("SELECT * FROM stg_employee").joined(separator: "\n")
            XCTAssertFalse(staged.contains("Zoë") || staged.lowercased().contains("zoe.muller"), "no clear name or e-mail in staging")
            let file = try Data(contentsOf: URL(fileURLWithPath: harness.config.warehouse))
            XCTAssertNil(file.range(of: Data(runKey.utf8)), "the key is not in the warehouse")
        }
        XCTAssertEqual(pseudonyms[0], pseudonyms[1], "the same key gives the same pseudonyms, run after run")
        XCTAssertNotEqual(pseudonyms[0], pseudonyms[2], "another key gives other pseudonyms")
        XCTAssertEqual(Set(pseudonyms[0]).count, 4)
        // The e-mail is canonicalised before hashing: its case does not change the pseudonym.
        let pseudonymizer = try XCTUnwrap(Pseudonymizer(PrivacyConfig(pseudonymise: ["email"], key: Array(key.utf8))))
        let upper = pseudonymizer.identity("Zoe.Muller@Example.com", field: "respondent_id")
        XCTAssertEqual(upper, pseudonymizer.identity("zoe.muller@example.com", field: "respondent_id"))
        XCTAssertNotEqual(upper, "Zoe.Muller@Example.com")
    }
}
