import AmbassadorCore
import Foundation
import XCTest
@testable import Score

/// `Design.nonZeros` walks each categorical's dummies as one step; what it hands back must be
/// what a walk of every column gives, entry for entry and in column order — the fits' sums
/// depend on the order (seeded designs, seed 21).
final class DesignWalkTests: XCTestCase {
    /// Every column's non-zero entries of row `i`, column by column (the walk the steps replace).
    private func everyColumn(_ design: Design, _ i: Int) -> [(Int, Double)] {
        (0..<design.columns).compactMap { j in design.value(i, j) == 0 ? nil : (j, design.value(i, j)) }
    }

    private func walked(_ design: Design, _ i: Int) -> [(Int, Double)] {
        let index = UnsafeMutablePointer<Int>.allocate(capacity: design.columns)
        let value = UnsafeMutablePointer<Double>.allocate(capacity: design.columns)
        defer { index.deallocate(); value.deallocate() }
        let k = design.nonZeros(row: i, index: index, value: value)
        return (0..<k).map { (index[$0], value[$0]) }
    }

    private func assertSameWalk(_ design: Design, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<design.rows {
            let expected = everyColumn(design, i), found = walked(design, i)
            XCTAssertEqual(found.map(\.0), expected.map(\.0), "\(what): row \(i) columns", file: file, line: line)
            XCTAssertEqual(found.map(\.1), expected.map(\.1), "\(what): row \(i) values", file: file, line: line)
        }
    }

    func testTheStepWalkGivesEveryColumnsEntriesInColumnOrder() {
        var random = SeededRandom(seed: 21)
        let n = 400
        let priority = (0..<n).map { _ in UInt16(random.int(4)) }
        let month = (0..<n).map { _ in UInt16(random.int(7)) }
        let dense = (0..<n).map { _ in random.chance(0.2) ? 0 : random.normal() }
        let outcome = (0..<n).map { _ in random.chance(0.3) ? 1.0 : 0.0 }
        let cluster = (0..<n).map { _ in random.int(9) }
        // Priority levels 1–3 (0 the reference), a dense column, month levels but 2 and 5
        // (folded away), then priority again apart from its run, and a level marked twice.
        var columns: [Design.Column] = [.one]
        columns += (1...3).map { Design.Column.indicator(codes: priority, level: UInt16($0)) }
        columns.append(.dense(dense))
        columns += [0, 1, 3, 4, 6].map { Design.Column.indicator(codes: month, level: UInt16($0)) }
        columns.append(.indicator(codes: priority, level: 2))
        columns += [.indicator(codes: month, level: 6), .indicator(codes: month, level: 6)]
        let names = (0..<columns.count).map { "c\($0)" }
        var design = Design(names: names, columns: columns, outcome: outcome, cluster: cluster, clusters: 9)
        assertSameWalk(design, "mixed runs")
        // A copy of the codes is other storage: its dummies are a run of their own.
        design.data[2] = .indicator(codes: priority.map { $0 }, level: 2)
        assertSameWalk(design, "after replacing a column")
        assertSameWalk(design.dropping([1, 5, 7]), "after dropping columns")
        // Dense columns only walk alike.
        let plain = Design(names: ["const", "a", "b"], values: (0..<n).flatMap { _ in [1.0, random.normal(), random.normal()] },
                           outcome: outcome, cluster: cluster, clusters: 9)
        assertSameWalk(plain, "dense only")
    }
}
