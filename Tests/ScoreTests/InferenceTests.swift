import AmbassadorCore
import Foundation
import XCTest
@testable import Score

/// Separation, the wild cluster bootstrap, and its false-positive rate under the null.
final class InferenceTests: XCTestCase {
    /// A logistic dataset with a cluster random effect and a team-level predictor whose
    /// true effect is `teamEffect`.
    static func simulate(seed: UInt64, clusters: Int, rows: Int, teamEffect: Double, clusterSD: Double = 0.35) -> Design {
        var random = SeededRandom(seed: seed)
        let teamX = (0..<clusters).map { _ in random.normal() }
        let teamU = (0..<clusters).map { _ in clusterSD * random.normal() }
        var values: [Double] = [], outcome: [Double] = [], cluster: [Int] = []
        for _ in 0..<rows {
            let g = random.int(clusters)
            let agent = random.normal()
            let dummy: Double = random.chance(0.3) ? 1 : 0
            let eta = -1.7 + teamEffect * teamX[g] + teamU[g] - 0.05 * agent + 0.2 * dummy
            outcome.append(random.chance(1 / (1 + exp(-eta))) ? 1 : 0)
            values += [1, teamX[g], agent, dummy]
            cluster.append(g)
        }
        return Design(names: ["const", "team_x", "agent_x", "dummy"], values: values, outcome: outcome, cluster: cluster, clusters: clusters)
    }

    func testSeparationIsReportedNotEstimated() throws {
        // Every row with the dummy set has outcome 0: quasi-complete separation.
        var design = Self.simulate(seed: 3, clusters: 10, rows: 300, teamEffect: 0)
        for i in 0..<design.rows where design.value(i, 3) == 1 { design.outcome[i] = 0 }
        guard case let .failure(.separation(what)) = LogisticRegression.fit(design) else {
            return XCTFail("separation by a dummy was not detected")
        }
        XCTAssertTrue(what.contains("dummy"), what)
        // Complete separation by a continuous predictor: y = 1 exactly when agent_x > 0.
        var continuous = Self.simulate(seed: 4, clusters: 10, rows: 300, teamEffect: 0)
        for i in 0..<continuous.rows { continuous.outcome[i] = continuous.value(i, 2) > 0 ? 1 : 0 }
        guard case let .failure(problem) = LogisticRegression.fit(continuous) else {
            return XCTFail("complete separation gave a finite estimate")
        }
        XCTAssertTrue("\(problem)".contains("separation") || "\(problem)".contains("converge"), "\(problem)")
        // A constant outcome.
        var constant = continuous
        for i in 0..<constant.rows { constant.outcome[i] = 0 }
        guard case .failure(.separation) = LogisticRegression.fit(constant) else { return XCTFail("constant outcome fitted") }
    }

    func testCollinearColumnsAreReported() {
        var design = Self.simulate(seed: 5, clusters: 10, rows: 200, teamEffect: 0)
        design.data[3] = .dense((0..<design.rows).map { 2 * design.value($0, 1) })
        guard case .failure(.singular) = LogisticRegression.fit(design) else { return XCTFail("collinear design fitted") }
    }

    func testBootstrapRejectsARealEffectAndIntervalBracketsTheEstimate() throws {
        let design = Self.simulate(seed: 7, clusters: 40, rows: 6000, teamEffect: -0.4)
        let fit = try LogisticRegression.fit(design).get()
        let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: 4)
        let result = WildClusterBootstrap(draws: 999, seed: 1).test(design, fit: fit, column: 1, link: .logit, standardError: se[1])
        XCTAssertLessThan(result.pValue, 0.01)
        let low = try XCTUnwrap(result.low), high = try XCTUnwrap(result.high)
        XCTAssertLessThan(low, fit.coefficients[1])
        XCTAssertGreaterThan(high, fit.coefficients[1])
        XCTAssertLessThan(high, 0, "the interval of a clear effect excludes 0")
        // Roughly as wide as the CR1 interval (between half and three times).
        let width = high - low
        XCTAssertGreaterThan(width, 0.5 * 2 * 1.96 * se[1])
        XCTAssertLessThan(width, 3 * 2 * 1.96 * se[1])
        // The same seed gives the same answer; the test is reproducible.
        XCTAssertEqual(WildClusterBootstrap(draws: 999, seed: 1).test(design, fit: fit, column: 1, link: .logit, standardError: se[1]), result)
    }

    /// The null scenario at the inference level: 200 seeded datasets with 30 teams and a
    /// team-level predictor of no effect; the bootstrap rejects at most 6% at the 5% level.
    func testNullFalsePositiveRateStaysNominal() throws {
        var bootstrapRejections = 0, naiveRejections = 0, fitted = 0
        for seed in 1...200 {
            let design = Self.simulate(seed: UInt64(1000 + seed), clusters: 30, rows: 1200, teamEffect: 0)
            guard case let .success(fit) = LogisticRegression.fit(design) else { continue }
            fitted += 1
            let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: 4)
            if Distributions.normalTwoSided(fit.coefficients[1] / se[1]) < 0.05 { naiveRejections += 1 }
            let result = WildClusterBootstrap(draws: 399, seed: UInt64(seed)).test(design, fit: fit, column: 1, link: .logit, standardError: se[1])
            if result.pValue < 0.05 { bootstrapRejections += 1 }
        }
        XCTAssertEqual(fitted, 200)
        XCTAssertLessThanOrEqual(bootstrapRejections, 12, "bootstrap false positives \(bootstrapRejections)/200")
        // Not vacuous: it does reject sometimes.
        XCTAssertGreaterThan(bootstrapRejections, 2)
        print("null: bootstrap \(bootstrapRejections)/200, plain CR1 \(naiveRejections)/200")
    }

    func testOrdinaryLeastSquaresBootstrapMatchesItsIntervalExactly() throws {
        let design = try NumericsGoldenTests.design("ols_clustered.csv")
        let fit = try LeastSquares.fit(design).get()
        let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: design.columns)
        let result = WildClusterBootstrap(draws: 999, seed: 9).test(design, fit: fit, column: 1, link: .identity, standardError: se[1])
        XCTAssertLessThan(result.pValue, 0.01, "x1 has a planted effect of 0.3")
        let low = try XCTUnwrap(result.low), high = try XCTUnwrap(result.high)
        XCTAssertTrue(low < 0.3 && 0.3 < high, "interval \(low)…\(high) misses the planted 0.3")
    }
}
