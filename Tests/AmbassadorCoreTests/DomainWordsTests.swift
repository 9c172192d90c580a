import XCTest
@testable import AmbassadorCore

/// The domain's enums print (and parse) as pipeline files and the warehouse spell them.
final class DomainWordsTests: XCTestCase {
    func testEveryWordPrintsAsItsStoredSpelling() {
        func check<T: RawRepresentable & CaseIterable & CustomStringConvertible>(_ type: T.Type) where T.RawValue == String {
            for word in T.allCases {
                XCTAssertEqual("\(word)", word.rawValue, "\(T.self)")
                XCTAssertEqual(T(rawValue: "\(word)")?.rawValue, word.rawValue)
            }
        }
        check(SourceFormat.self)
        check(Respondent.self)
        check(SourceKind.self)
        check(TicketEvent.self)
        check(CustomerEvent.self)
        check(EmployeeStatus.self)
        check(Outcome.self)
        // The spellings themselves, as pipeline files write them.
        XCTAssertEqual("\(SourceFormat.servicenowJSON)", "servicenow_json")
        XCTAssertEqual("\(SourceKind.hrRoster)", "hr_roster")
        XCTAssertEqual("\(TicketEvent.agentMessage)", "agent_message")
    }

    func testFormatNamesAreUniqueAndLowerSnakeCase() {
        let names = SourceFormat.allCases.map(\.rawValue)
        XCTAssertEqual(Set(names).count, names.count)
        for name in names { XCTAssertTrue(name.allSatisfy { $0.isLowercase || $0 == "_" }, name) }
    }
}
