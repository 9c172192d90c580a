import XCTest
@testable import Score

/// The linkage keeps one `Ticket` per outcome ticket — millions at scale — so its size is a
/// memory budget (issue 18: the score stage ≤ 1 GB at 10 M tickets), and the six outcomes
/// packed in two bytes must keep each value apart.
final class LinkageLayoutTests: XCTestCase {
    func testAnOutcomeTicketTakesFiftySixBytes() {
        XCTAssertEqual(MemoryLayout<LinkageData.Ticket>.stride, 56)
        XCTAssertEqual(MemoryLayout<LinkageData.Outcomes6>.size, 2)
    }

    func testEveryCombinationOfSixOutcomesReadsBackAsWritten() {
        let values: [Double?] = [nil, 0, 1]
        for combination in 0..<729 {
            var expected: [Double?] = []
            var rest = combination
            for _ in 0..<6 { expected.append(values[rest % 3]); rest /= 3 }
            var outcomes = LinkageData.Outcomes6()
            // Written in a scrambled order, each over a value written before it.
            for k in [3, 0, 5, 1, 4, 2] { outcomes[k] = 1 }
            for k in [2, 5, 0, 4, 1, 3] { outcomes[k] = expected[k] }
            XCTAssertEqual((0..<6).map { outcomes[$0] }, expected, "combination \(combination)")
        }
    }
}
