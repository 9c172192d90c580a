import AmbassadorCore
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// Survey exports: one staged response per record, one answer per item; an employee
/// (pulse) survey keeps no respondent and no ticket.
final class SurveyNormalizerTests: XCTestCase {
    func testPulseAnswersAreReadAndTheRespondentIsNeverStaged() throws {
        let harness = try StageHarness()
        var pulse = harness.source("pulse", .survey, folder: "pulse", format: .qualtricsCSV)
        pulse.respondent = .employee
        try harness.normalize([pulse], files: [("pulse/pulse_2026-03-01.csv", """
            ResponseId,RecordedDate,RecipientEmail,ExternalReference,Team,Q1_1,Q1_2,Q1_3
            Response ID,Recorded Date,Recipient Email,External Reference,Team,I am proud of this company,I believe in what we sell,I go out of my way for customers
            {"ImportId":"_recordId"},{"ImportId":"recordedDate"},{"ImportId":"recipientEmail"},{"ImportId":"externalDataReference"},{"ImportId":"Team"},{"ImportId":"QID1_1"},{"ImportId":"QID1_2"},{"ImportId":"QID1_3"}
            R_1,2026-03-01 10:00:00,ada@example.com,T-77,Support 01,Strongly agree,4,-99
            R_2,2026-03-01 11:00:00,ben@example.com,T-78,Support 01,Disagree,,Neither agree nor disagree

            """)])
        // Labels become 1–5, -99 is seen but not answered, an empty cell is no answer at all.
        XCTAssertEqual(try harness.rows("""
            SELECT r.response_id, r.respondent_kind, coalesce(r.respondent_id, '-'), coalesce(r.ticket_id, '-'), r.team_id, a.item,
                   coalesce(a.numeric_value, ''), a.answered
            FROM stg_survey_response r JOIN stg_survey_answer a ON a.file_id = r.file_id AND a.record_no = r.record_no
            ORDER BY r.response_id, a.item
            """), [
            "R_1|employee|-|-|Support 01|Q1_1|5.0|1", "R_1|employee|-|-|Support 01|Q1_2|4.0|1", "R_1|employee|-|-|Support 01|Q1_3||0",
            "R_2|employee|-|-|Support 01|Q1_1|2.0|1", "R_2|employee|-|-|Support 01|Q1_3|3.0|1",
        ])
        let staged = try harness.rows("SELECT * FROM stg_survey_response") + (try harness.rows("SELECT * FROM stg_survey_answer"))
        XCTAssertFalse(staged.joined().contains("ada@example.com") || staged.joined().contains("T-77"), "a pulse respondent is never staged")
        XCTAssertEqual(try harness.rejects(), [])
    }

    /// A customer survey keeps its seen-but-not-answered (-99) items: 63 is the number of
    /// `<QID…>-99</QID…>` elements in the Qualtrics XML export (counted with grep).
    func testACustomerSurveyKeepsSeenButNotAnsweredItems() throws {
        let harness = try StageHarness()
        var csat = harness.source("csatxml", .survey, folder: "csatxml", format: .qualtricsXML)
        csat.respondent = .customer
        let xml = try String(contentsOfFile: TestSupport.fixtures + "/surveys/sp_qualtrics_xml_export_Responses.xml", encoding: .utf8)
        try harness.normalize([csat], files: [("csatxml/responses_2019-08-20.xml", xml)])
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM stg_survey_response"), 4)
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM stg_survey_answer WHERE answered = 0"), 63)
    }
}
