import AmbassadorCore
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// The row normalizer: each field coerced by its type, vendor words mapped, and a row that
/// breaks a rule quarantined with the rule it broke — file, line, field, raw value.
final class RowNormalizerTests: XCTestCase {
    /// `validation.ranges`, `answer_ranges` and `accepted`: a count, an amount, a survey answer
    /// or a code outside what the pipeline allows is quarantined; everything else is staged.
    func testRangesAndAcceptedValuesQuarantineTheRowsThatBreakThem() throws {
        let harness = try StageHarness()
        harness.config.rejectThreshold = 0.6
        var validation = ValidationConfig()
        validation.ranges = ["reassignments": 0...20, "amount": 0...100_000]
        validation.answerRanges = [.init(pattern: "Q1", range: 1...5), .init(pattern: "Q2_*", range: 0...10)]
        validation.accepted = ["status": ["new", "open", "pending", "hold", "solved", "closed"], "priority": ["low", "normal", "high", "urgent"]]
        harness.config.validation = validation
        var csat = harness.source("csat", .survey, folder: "csat")
        csat.respondent = .customer
        try harness.normalize([harness.source("tickets", .tickets, folder: "tickets"), harness.source("events", .customerEvents, folder: "events"), csat], files: [
            ("tickets/tickets_2026-01-02.csv", """
                Ticket ID,Created At,Status,Priority,Reassignments
                1,2026-01-02T10:00:00Z,Solved,high,0
                2,2026-01-02T11:00:00Z,Cancelled,low,1
                3,2026-01-02T12:00:00Z,open,low,21
                4,2026-01-02T13:00:00Z,open,,2

                """),
            ("events/events_2026-01-05.csv", "Customer ID,Event,Date,Amount\nC1,renewal,2026-01-05,1200\nC2,purchase,2026-01-05,-5\n"),
            ("csat/csat_2026-01-07.csv", """
                ResponseId,Ticket ID,EndDate,Q1,Q2_1
                R_1,1,2026-01-07T10:00:00Z,4,9
                R_2,1,2026-01-07T10:00:00Z,Strongly agree,-99
                R_3,3,2026-01-07T10:00:00Z,7,9
                R_4,4,2026-01-07T10:00:00Z,3,11

                """),
        ])
        XCTAssertEqual(try harness.rows("SELECT ticket_id, status, coalesce(priority, '') FROM stg_ticket ORDER BY 1"), ["1|solved|high", "4|open|"])
        XCTAssertEqual(try harness.rows("SELECT customer_id FROM stg_customer_event"), ["C1"])
        XCTAssertEqual(try harness.rows("SELECT response_id FROM stg_survey_response ORDER BY 1"), ["R_1", "R_2"])
        XCTAssertEqual(try harness.rows("""
            SELECT a.item, coalesce(a.numeric_value, 'null'), a.answered FROM stg_survey_answer a
            JOIN stg_survey_response r ON r.file_id = a.file_id AND r.record_no = a.record_no WHERE r.response_id = 'R_2' ORDER BY a.item
            """), ["Q1|5.0|1", "Q2_1|null|0"], "a label inside the range and -99 (not answered) pass")
        let expected = [
            "csat 4 Q1 7: 7 is outside the range 1–5 set for Q1 in validation.answer_ranges",
            "csat 5 Q2_1 11: 11 is outside the range 0–10 set for Q2_* in validation.answer_ranges",
            "events 3 amount -5: -5 is outside the range 0–100000 set in validation.ranges.amount; expected a value from 0 to 100000",
            "tickets 3 status canceled: 'canceled' is not an accepted status (validation.accepted.status); expected one of: new, open, pending, hold, solved, closed",
            "tickets 4 reassignments 21: 21 is outside the range 0–20 set in validation.ranges.reassignments",
        ]
        let rejects = try harness.rejects()
        XCTAssertEqual(rejects.count, expected.count, "\(rejects)")
        for (reject, prefix) in zip(rejects, expected) {
            XCTAssertTrue(reject.hasPrefix(prefix), "\(reject)\n  should start with: \(prefix)")
        }
    }

    /// `decimal_separator: ','` reads `1.234,50` as 1234.5; without it such amounts are
    /// quarantined saying which setting reads them, and the file fails as a whole.
    func testDecimalCommaAmountsAreReadWhenTheSourceSaysSo() throws {
        let harness = try StageHarness()
        let german = "Kundennummer;Ereignis;Datum;Betrag\nC1;Renewal;05.01.2026;1.234,50\nC2;Purchase;06.01.2026;12,5\nC3;Purchase;07.01.2026;\"1 000,00 €\"\nC4;Cancelled;08.01.2026;\n"
        let fields = ["customer_id": "Kundennummer", "event": "Ereignis", "occurred_at": "Datum", "amount": "Betrag"]
        var de = harness.source("de", .customerEvents, folder: "de")
        de.decimalSeparator = ","
        de.fields = fields
        var plain = harness.source("plain", .customerEvents, folder: "plain")
        plain.fields = fields
        let counts = try harness.normalize([de, plain], files: [("de/events_2026-01-31.csv", german), ("plain/events_2026-01-31.csv", german)])
        XCTAssertEqual(try harness.rows("SELECT customer_id, coalesce(amount, '∅') FROM stg_customer_event WHERE source = 'de' ORDER BY 1"),
                       ["C1|1234.5", "C2|12.5", "C3|1000.0", "C4|∅"])
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM stg_customer_event WHERE source = 'plain'"), 0)
        XCTAssertTrue(counts.contains { $0.source == "plain" && $0.filesFailed == 1 }, "\(counts)")
        let rejects = try harness.rejects()
        XCTAssertEqual(rejects.map { String($0.prefix { $0 != ":" }) }, ["plain 2 amount 1.234,50", "plain 3 amount 12,5", "plain 4 amount 1 000,00 €"])
        XCTAssertTrue(rejects.allSatisfy { $0.contains("decimal_separator") }, "\(rejects)")
    }

    /// `validation.earliest_date` and `max_days_after_run_date`: a date outside them is
    /// quarantined with the rule — in plain rows, survey responses and audits alike.
    func testImplausibleDatesAreQuarantinedWithTheRule() throws {
        let harness = try StageHarness()
        harness.runDate = CivilDate(year: 2026, month: 11, day: 22) ?? harness.runDate
        harness.config.validation = ValidationConfig(earliest: CivilDate(year: 2001, month: 1, day: 1), maxDaysAfterRunDate: 1)
        var tickets = "Ticket ID,Created At\n"
        for i in 1...40 { tickets += "\(i),2026-03-0\(i % 9 + 1)T10:00:00Z\n" }
        tickets += "41,2031-01-05T10:00:00Z\n42,1999-12-31T23:00:00Z\n"
        var survey = "Response ID,Recorded Date,Q1\n"
        for i in 1...30 { survey += "R\(i),2026-03-0\(i % 9 + 1) 10:00:00,4\n" }
        survey += "R31,2031-01-05 10:00:00,5\n"
        var audits = "{\"audits\": ["
        for i in 1...30 { audits += "{\"ticket_id\": \(i), \"created_at\": \"2026-03-05T10:00:00Z\", \"author_id\": 1, \"events\": [{\"type\": \"Comment\", \"public\": true}]}," }
        audits += "{\"ticket_id\": 31, \"created_at\": \"1999-01-01T00:00:00Z\", \"author_id\": 1, \"events\": [{\"type\": \"Comment\", \"public\": true}]}]}"
        var surveys = harness.source("surveys", .survey, folder: "surveys")
        surveys.respondent = .customer
        try harness.normalize([harness.source("tickets", .tickets, folder: "tickets"), surveys,
                               harness.source("audits", .ticketEvents, folder: "audits", format: .zendeskJSON)],
                              files: [("tickets/t.csv", tickets), ("surveys/s.csv", survey), ("audits/a.json", audits)])
        let rejects = try harness.rejects()
        XCTAssertEqual(rejects.count, 4, "\(rejects)")
        let expected = [
            "audits 31 occurred_at 1999-01-01T00:00:00Z: 1999-01-01T00:00:00Z is before the earliest plausible date 2001-01-01",
            "surveys 32 submitted_at 2031-01-05 10:00:00: 2031-01-05T10:00:00Z is after 2026-11-23",
            "tickets 42 created_at 2031-01-05T10:00:00Z: 2031-01-05T10:00:00Z is after 2026-11-23",
            "tickets 43 created_at 1999-12-31T23:00:00Z: 1999-12-31T23:00:00Z is before the earliest plausible date 2001-01-01",
        ]
        for (reject, prefix) in zip(rejects, expected) {
            XCTAssertTrue(reject.hasPrefix(prefix), "\(reject)\n  should start with: \(prefix)")
        }
        XCTAssertEqual(try harness.database.count("SELECT count(*) FROM stg_ticket"), 40)
    }
}
