import Foundation
import XCTest
@testable import Score

/// The interval's ends are searched as state machines (`IntervalEnd`) so that both share each
/// walk of the rows. They must try the same nulls and land on the same ends as the search
/// they replaced: outward from the estimate by doubling steps while the test does not reject
/// (no end after 12 doublings), then bisection to a thousandth of the scale (at most 40 steps).
final class IntervalEndTests: XCTestCase {
    /// The search one end at a time, as SCORING.md §3 describes it; records every null tried.
    private func sequential(estimate: Double, direction: Double, scale: Double, alpha: Double,
                            pValue: (Double) -> Double, tried: inout [Double]) -> Double? {
        func test(_ b: Double) -> Double { tried.append(b); return pValue(b) }
        var inside = estimate, step = 2 * scale
        var outside = estimate + direction * step
        var expansions = 0
        while test(outside) > alpha {
            inside = outside
            step *= 2
            outside = estimate + direction * step
            expansions += 1
            if expansions > 12 { return nil }
        }
        for _ in 0..<40 {
            let mid = (inside + outside) / 2
            if test(mid) > alpha { inside = mid } else { outside = mid }
            if abs(outside - inside) < 1e-3 * scale { break }
        }
        return (inside + outside) / 2
    }

    private func stateMachine(estimate: Double, direction: Double, scale: Double, alpha: Double,
                              pValue: (Double) -> Double, tried: inout [Double]) -> Double? {
        var end = IntervalEnd(estimate: estimate, direction: direction, scale: scale, alpha: alpha)
        var steps = 0
        while !end.finished && steps < 200 {
            tried.append(end.next)
            end.take(pValue(end.next))
            steps += 1
        }
        XCTAssertTrue(end.finished, "the search ends")
        return end.bound
    }

    func testBothSearchesTryTheSameNullsAndFindTheSameEnds() {
        let shapes: [(String, (Double) -> Double)] = [
            ("bell, width 0.3", { exp(-pow(($0 - 0.4) / 0.3, 2)) }),
            ("wide bell: several doublings", { exp(-pow(($0 - 0.4) / 9, 2)) }),
            ("rejects at the first step out", { abs($0 - 0.4) < 0.01 ? 1 : 0 }),
            ("never rejects: no end", { _ in 1 }),
            ("skewed", { $0 < 0.4 ? exp(-pow(($0 - 0.4) / 0.05, 2)) : 1 / (1 + pow($0 - 0.4, 2)) }),
        ]
        for (name, pValue) in shapes {
            for direction in [-1.0, 1.0] {
                var a: [Double] = [], b: [Double] = []
                let expected = sequential(estimate: 0.4, direction: direction, scale: 0.07, alpha: 0.05, pValue: pValue, tried: &a)
                let found = stateMachine(estimate: 0.4, direction: direction, scale: 0.07, alpha: 0.05, pValue: pValue, tried: &b)
                XCTAssertEqual(found, expected, "\(name), direction \(direction)")
                XCTAssertEqual(b, a, "\(name), direction \(direction): the nulls tried")
                XCTAssertGreaterThan(a.count, 1, "\(name): a search takes more than one step")
            }
        }
        var tried: [Double] = []
        XCTAssertNil(stateMachine(estimate: 0, direction: 1, scale: 1, alpha: 0.05, pValue: { _ in 1 }, tried: &tried))
        XCTAssertEqual(tried.count, 13, "twelve doublings after the first step, then no end")
    }
}
