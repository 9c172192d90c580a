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

    /// A lookup column (a value per unit, a code per row) and clusters by unit code are the
    /// same design as their row-by-row arrays: the same walk, and fits, CR1 errors and bootstrap
    /// tests equal bit for bit (seed 22: 600 rows, 40 units in 9 teams).
    func testLookupColumnsAndCodedClustersFitAsTheirRowArrays() {
        var random = SeededRandom(seed: 22)
        let n = 600, units = 40
        let codes = (0..<n).map { _ in UInt32(random.int(units)) }
        let teamOfUnit = (0..<units).map { Int32($0 % 9) }
        let unitValue = (0..<units).map { $0 % 7 == 0 ? 0 : random.normal() }
        let unitSize = (0..<units).map { _ in Double(3 + random.int(5)) }
        let own = (0..<n).map { _ in random.normal() }
        let outcome = (0..<n).map { i in random.chance(0.25 + 0.1 * unitValue[Int(codes[i])]) ? 1.0 : 0.0 }
        let names = ["const", "unit_value", "own", "unit_size"]
        let coded = Design(names: names, columns: [.one, .lookup(codes: codes, values: unitValue), .dense(own), .lookup(codes: codes, values: unitSize)],
                           outcome: outcome, cluster: Design.Clusters(codes: codes, clusterOfCode: teamOfUnit), clusters: 9)
        let rows = Design(names: names, columns: [.one, .dense(codes.map { unitValue[Int($0)] }), .dense(own), .dense(codes.map { unitSize[Int($0)] })],
                          outcome: outcome, cluster: codes.map { Int(teamOfUnit[Int($0)]) }, clusters: 9)
        assertSameWalk(coded, "lookup columns")
        for i in 0..<n { XCTAssertEqual(coded.cluster[i], rows.cluster[i], "row \(i)'s cluster") }
        guard case let .success(a) = LogisticRegression.fit(coded), case let .success(b) = LogisticRegression.fit(rows) else {
            return XCTFail("both designs fit")
        }
        XCTAssertEqual(a.coefficients, b.coefficients)
        XCTAssertEqual(a.information, b.information)
        XCTAssertEqual(a.deviance, b.deviance)
        XCTAssertEqual(ClusterRobust.covariance(coded, fit: a), ClusterRobust.covariance(rows, fit: b))
        let bootstrap = WildClusterBootstrap(draws: 199, seed: 5)
        XCTAssertEqual(bootstrap.test(coded, fit: a, column: 1, link: .logit, standardError: 0.1),
                       bootstrap.test(rows, fit: b, column: 1, link: .logit, standardError: 0.1))
        XCTAssertTrue(coded.isBinary(column: 0))
        XCTAssertFalse(coded.isBinary(column: 1))
        XCTAssertEqual(coded.standardDeviation(column: 3), rows.standardDeviation(column: 3))
    }
}
