import Foundation
import XCTest
@testable import Score

/// The numerics against values computed independently by statsmodels and scipy
/// (`Golden/make_golden.py` wrote `golden.json` and the datasets beside it).
final class NumericsGoldenTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func golden() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("golden.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Reads a dataset: y, cluster, then predictor columns; adds the intercept.
    static func design(_ name: String) throws -> Design {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n")
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var values: [Double] = [], outcome: [Double] = [], cluster: [Int] = []
        var ids: [Int: Int] = [:]
        for line in lines {
            let fields = line.split(separator: ",").map { Double($0) ?? .nan }
            outcome.append(fields[0])
            let raw = Int(fields[1])
            let id = ids[raw] ?? ids.count
            ids[raw] = id
            cluster.append(id)
            values.append(1)
            values.append(contentsOf: fields[2...])
        }
        return Design(names: ["const"] + header[2...], values: values, outcome: outcome, cluster: cluster, clusters: ids.count)
    }

    func testLogisticFitsAndClusterRobustErrorsMatchStatsmodels() throws {
        let logit = try XCTUnwrap(golden()["logit"] as? [String: [String: Any]])
        // Three synthetic datasets and two designs the score stage built (index and behaviour models).
        XCTAssertEqual(logit.count, 5)
        XCTAssertNotNil(logit["logit_pipeline_confirmatory.csv"])
        XCTAssertNotNil(logit["logit_pipeline_behaviour.csv"])
        for (name, expected) in logit.sorted(by: { $0.key < $1.key }) {
            let design = try Self.design(name)
            XCTAssertEqual(design.names, expected["names"] as? [String], name)
            let fit = try LogisticRegression.fit(design).get()
            let coefficients = try XCTUnwrap(expected["coefficients"] as? [Double])
            let errors = try XCTUnwrap(expected["cluster_se"] as? [Double])
            let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: design.columns)
            for j in coefficients.indices {
                XCTAssertEqual(fit.coefficients[j], coefficients[j], accuracy: 1e-6, "\(name) \(design.names[j]) coefficient")
                XCTAssertEqual(se[j], errors[j], accuracy: 1e-4, "\(name) \(design.names[j]) clustered SE")
                // Tighter than required: a regression in the numerics shows long before it matters.
                XCTAssertEqual(se[j], errors[j], accuracy: 1e-8 * max(1, errors[j]), "\(name) \(design.names[j]) SE to 1e-8")
            }
        }
    }

    func testOrdinaryLeastSquaresWithClusteredErrorsMatchesStatsmodels() throws {
        let ols = try XCTUnwrap(golden()["ols"] as? [String: [String: Any]])
        for (name, expected) in ols {
            let design = try Self.design(name)
            let fit = try LeastSquares.fit(design).get()
            let se = ClusterRobust.standardErrors(ClusterRobust.covariance(design, fit: fit), p: design.columns)
            let coefficients = try XCTUnwrap(expected["coefficients"] as? [Double])
            let errors = try XCTUnwrap(expected["cluster_se"] as? [Double])
            for j in coefficients.indices {
                XCTAssertEqual(fit.coefficients[j], coefficients[j], accuracy: 1e-9, "\(name) coefficient \(j)")
                XCTAssertEqual(se[j], errors[j], accuracy: 1e-8, "\(name) SE \(j)")
            }
        }
    }

    /// Kish's design effect, worked by hand: ten teams of 20 tickets and ICC 0.05 give
    /// 1 + 19 × 0.05 = 1.95; unequal sizes weigh by size (Σm²/Σm); a negative ICC estimate
    /// never narrows an interval.
    func testTheDesignEffectFollowsKish() {
        XCTAssertEqual(Intervals.designEffect(clusterSizes: Array(repeating: 20, count: 10), icc: 0.05), 1.95, accuracy: 1e-12)
        // Sizes 10 and 30: Σm²/Σm = (100 + 900) / 40 = 25.
        XCTAssertEqual(Intervals.designEffect(clusterSizes: [10, 30], icc: 0.1), 1 + 24 * 0.1, accuracy: 1e-12)
        XCTAssertEqual(Intervals.designEffect(clusterSizes: [10, 30], icc: -0.02), 1)
        XCTAssertEqual(Intervals.designEffect(clusterSizes: [], icc: 0.3), 1)
        // With no clustering the effective-trials Wilson is the ordinary one.
        let plain = Intervals.wilson(successes: 47, trials: 311)
        let effective = Intervals.wilson(proportion: 47.0 / 311.0, effectiveTrials: 311)
        XCTAssertEqual(plain?.low ?? .nan, effective?.low ?? -1, accuracy: 1e-15)
        XCTAssertEqual(plain?.high ?? .nan, effective?.high ?? -1, accuracy: 1e-15)
    }

    func testIntervalsAndMultiplicityMatchReferenceValues() throws {
        let all = try golden()
        for case let row as [String: Double] in try XCTUnwrap(all["wilson"] as? [Any]) {
            let interval = try XCTUnwrap(Intervals.wilson(successes: Int(row["successes"] ?? -1), trials: Int(row["trials"] ?? -1)))
            XCTAssertEqual(interval.low, row["low"] ?? .nan, accuracy: 1e-10)
            XCTAssertEqual(interval.high, row["high"] ?? .nan, accuracy: 1e-10)
        }
        for case let row as [String: Double] in try XCTUnwrap(all["wilson_effective"] as? [Any]) {
            let interval = try XCTUnwrap(Intervals.wilson(proportion: row["proportion"] ?? .nan, effectiveTrials: row["trials"] ?? .nan))
            XCTAssertEqual(interval.low, row["low"] ?? .nan, accuracy: 1e-10)
            XCTAssertEqual(interval.high, row["high"] ?? .nan, accuracy: 1e-10)
        }
        let bh = try XCTUnwrap(all["bh"] as? [String: [Double]])
        let q = Intervals.benjaminiHochberg(bh["p"] ?? [])
        XCTAssertEqual(q.count, 20)
        for (mine, theirs) in zip(q, bh["q"] ?? []) { XCTAssertEqual(mine, theirs, accuracy: 1e-12) }
        for case let row as [String: Double] in try XCTUnwrap(all["fisher_z"] as? [Any]) {
            let interval = try XCTUnwrap(Intervals.fisherZ(r: row["r"] ?? .nan, n: Int(row["n"] ?? 0)))
            XCTAssertEqual(interval.low, row["low"] ?? .nan, accuracy: 1e-9)
            XCTAssertEqual(interval.high, row["high"] ?? .nan, accuracy: 1e-9)
        }
    }

    func testDistributionTailsMatchScipy() throws {
        let all = try golden()
        for case let row as [String: Double] in try XCTUnwrap(all["normal_cdf"] as? [Any]) {
            let x = row["x"] ?? .nan, expected = row["p"] ?? .nan
            XCTAssertEqual(Distributions.normalCDF(x), expected, accuracy: 1e-14 + 1e-12 * expected, "Φ(\(x))")
        }
        for case let row as [String: Double] in try XCTUnwrap(all["normal_ppf"] as? [Any]) {
            XCTAssertEqual(Distributions.normalQuantile(row["p"] ?? .nan), row["x"] ?? .nan, accuracy: 1e-9, "Φ⁻¹(\(row["p"] ?? 0))")
        }
        for case let row as [String: Double] in try XCTUnwrap(all["t_sf"] as? [Any]) {
            let expected = row["p"] ?? .nan
            XCTAssertEqual(Distributions.tUpperTail(row["t"] ?? .nan, df: row["df"] ?? .nan), expected, accuracy: 1e-12 + 1e-9 * expected)
        }
        for case let row as [String: Double] in try XCTUnwrap(all["t_ppf"] as? [Any]) {
            XCTAssertEqual(Distributions.tQuantile(row["p"] ?? .nan, df: row["df"] ?? .nan), row["x"] ?? .nan, accuracy: 1e-8)
        }
        for case let row as [String: Double] in try XCTUnwrap(all["f_sf"] as? [Any]) {
            let expected = row["p"] ?? .nan
            XCTAssertEqual(Distributions.fUpperTail(row["f"] ?? .nan, d1: row["d1"] ?? .nan, d2: row["d2"] ?? .nan), expected,
                           accuracy: 1e-12 + 1e-9 * expected)
        }
    }
}
