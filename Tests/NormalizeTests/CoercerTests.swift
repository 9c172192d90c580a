import AmbassadorCore
import XCTest
@testable import Normalize

final class CoercerTests: XCTestCase {
    private let utc = try? Coercer(timeZone: "UTC")

    private func ts(_ raw: String, zone: String = "UTC") throws -> Coerced {
        try Coercer(timeZone: zone).timestamp(raw)
    }

    func testTimestampsInTheFormatsRealExportsUse() throws {
        XCTAssertEqual(try ts("2026-11-22T17:03:00Z"), .value("2026-11-22T17:03:00Z"))
        XCTAssertEqual(try ts("2026-11-22T17:03:00.123Z"), .value("2026-11-22T17:03:00Z"))
        XCTAssertEqual(try ts("2026-11-22T22:33:00+05:30"), .value("2026-11-22T17:03:00Z"))
        XCTAssertEqual(try ts("2012-09-06 12:18:55 -0800"), .value("2012-09-06T20:18:55Z"))
        XCTAssertEqual(try ts("2012-09-06T12:18:55-08"), .value("2012-09-06T20:18:55Z"))
        XCTAssertEqual(try ts("4/21/2025 13:48"), .value("2025-04-21T13:48:00Z"))
        XCTAssertEqual(try ts("4/21/2025 1:48 PM"), .value("2025-04-21T13:48:00Z"))
        XCTAssertEqual(try ts("21-04-2025 13:48"), .value("2025-04-21T13:48:00Z"))
        XCTAssertEqual(try ts("1700000000"), .value("2023-11-14T22:13:20Z"))
        XCTAssertEqual(try ts("1700000000123"), .value("2023-11-14T22:13:20Z"))
        XCTAssertEqual(try ts("2026-03-01"), .value("2026-03-01T00:00:00Z"))
        XCTAssertEqual(try ts("0000-00-00 00:00:00"), .null)
        // Two-digit years, as a spreadsheet or a Qualtrics export displays them (issue 14.1).
        XCTAssertEqual(try ts("6/16/25 11:25"), .value("2025-06-16T11:25:00Z"))
        XCTAssertEqual(try ts("12/31/99 23:59"), .value("1999-12-31T23:59:00Z"))
        XCTAssertEqual(try ts("1/2/68 00:00"), .value("2068-01-02T00:00:00Z"))
        guard case .invalid = try ts("16-06-25 11:25") else { return XCTFail("a two-digit year with dashes is ambiguous: refused") }
    }

    func testNaiveTimestampsAreReadInThePipelineZoneAcrossDST() throws {
        // New York: EST (-5) in January, EDT (-4) in July.
        XCTAssertEqual(try ts("2026-01-15 09:00", zone: "America/New_York"), .value("2026-01-15T14:00:00Z"))
        XCTAssertEqual(try ts("2026-07-15 09:00", zone: "America/New_York"), .value("2026-07-15T13:00:00Z"))
        XCTAssertEqual(try ts("2026-07-15T09:00:00Z", zone: "America/New_York"), .value("2026-07-15T09:00:00Z"),
                       "an explicit offset wins over the pipeline zone")
        XCTAssertEqual(try ts("2026-11-22 10:00", zone: "Asia/Kolkata"), .value("2026-11-22T04:30:00Z"))
    }

    func testBadTimestampsSayWhatWasExpected() throws {
        for raw in ["yesterday", "2026-13-01 10:00", "2026-11-22 25:00", "2026-11-22T10:00:00+99:00", "12345"] {
            guard case .invalid(let reason) = try ts(raw) else { return XCTFail("\(raw) was accepted") }
            XCTAssertTrue(reason.contains("expected"), reason)
        }
    }

    func testDatesAndNoDateMarkers() throws {
        let coercer = try XCTUnwrap(utc)
        XCTAssertEqual(coercer.date("2026-02-28"), .value("2026-02-28"))
        XCTAssertEqual(coercer.date("2/3/2024"), .value("2024-02-03"), "slashes are month first (US exports)")
        XCTAssertEqual(coercer.date("03.02.2024"), .value("2024-02-03"), "dots are day first")
        XCTAssertEqual(coercer.date("2024/02/03"), .value("2024-02-03"))
        XCTAssertEqual(coercer.date("0000-00-00"), .null)
        XCTAssertEqual(coercer.date("2026-02-29"), .invalid("not a date; expected YYYY-MM-DD, M/D/YYYY or DD-MM-YYYY"))
    }

    func testIdsKeepLeadingZerosAndEmailsAreLowerCased() throws {
        let coercer = try XCTUnwrap(utc)
        XCTAssertEqual(coercer.coerce("02116", as: .identifier), .value("02116"))
        XCTAssertEqual(coercer.coerce("Ada.Lovelace@Example.COM", as: .email), .value("ada.lovelace@example.com"))
        if case .invalid = coercer.coerce("not an email", as: .email) {} else { XCTFail("accepted a non-address") }
        XCTAssertEqual(coercer.coerce("3.0", as: .integer), .integer(3))
        XCTAssertEqual(coercer.coerce("Yes", as: .boolean), .integer(1))
        XCTAssertEqual(coercer.coerce("On Leave", as: .employeeStatus), .value("leave"))
        XCTAssertEqual(coercer.coerce("Inactive", as: .employeeStatus), .value("terminated"))
    }

    /// Numbers in the notation of the source's locale: grouped thousands and a decimal point
    /// by default, `1.234,50` with `decimal_separator: ','`; anything ambiguous is refused
    /// with the notation expected, never read as another number.
    func testNumbersWithLocaleSeparators() throws {
        let point = try XCTUnwrap(utc)
        let comma = try Coercer(timeZone: "UTC", decimalSeparator: ",")
        for (raw, expected) in [("1234.50", 1234.5), ("1,234.50", 1234.5), ("$1,234.50", 1234.5), ("-$12.5", -12.5), ("$-12.5", -12.5),
                                ("12.50 €", 12.5), ("1 234 567.8", 1_234_567.8), ("1'234.5", 1234.5), (".5", 0.5), ("5.", 5), ("1e3", 1000),
                                ("+7", 7), ("£0.99", 0.99)] {
            XCTAssertEqual(point.coerce(raw, as: .decimal), .real(expected), raw)
        }
        for (raw, expected) in [("1.234,50", 1234.5), ("1234,5", 1234.5), ("1 234,50 €", 1234.5), ("€ 1.234.567,89", 1_234_567.89),
                                ("-0,75", -0.75), ("1\u{00A0}234,5", 1234.5), ("1\u{202F}234,5", 1234.5), ("12", 12)] {
            XCTAssertEqual(comma.coerce(raw, as: .decimal), .real(expected), raw)
        }
        for raw in ["1,5", "12,34.5", "1,2345", "abc", "1.2.3", "--5", "1e", "NaN", "inf", "5 apples"] {
            guard case .invalid(let reason) = point.coerce(raw, as: .decimal) else { return XCTFail("accepted '\(raw)' with a decimal point") }
            XCTAssertTrue(reason.contains("decimal_separator"), reason)
        }
        for raw in ["1.5", "1,234.50", "12.34,5"] {
            guard case .invalid(let reason) = comma.coerce(raw, as: .decimal) else { return XCTFail("accepted '\(raw)' with a decimal comma") }
            XCTAssertTrue(reason.contains("1.234,50"), reason)
        }
        XCTAssertEqual(comma.coerce("1.234", as: .integer), .integer(1234))
        XCTAssertEqual(point.coerce("1,234", as: .integer), .integer(1234))
        if case .invalid = point.coerce("1,5", as: .integer) {} else { XCTFail("read 1,5 as a whole number") }
    }

    func testUnknownTimeZoneIsAConfigurationError() {
        XCTAssertThrowsError(try Coercer(timeZone: "Mars/Olympus")) { error in
            XCTAssertEqual(error as? NormalizeError, .unknownTimeZone(name: "Mars/Olympus"))
        }
    }

    func testHeaderKeysIgnoreCaseAndPunctuation() {
        XCTAssertEqual(CanonicalField.key("Employee ID"), CanonicalField.key("employee_id"))
        XCTAssertEqual(CanonicalField.key("E-mail"), "email")
    }
}
