import Foundation

/// Interval estimates and multiplicity adjustments used by the linkage tables.
package enum Intervals {
    /// z for a two-sided 95% interval.
    package static let z95 = Distributions.normalQuantile(0.975)

    /// The Wilson score interval for `successes` out of `trials`; nil without trials.
    package static func wilson(successes: Int, trials: Int, z: Double = z95) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        return wilson(proportion: Double(successes) / Double(trials), effectiveTrials: Double(trials), z: z)
    }

    /// The Wilson interval of a proportion from `effectiveTrials` independent trials — for
    /// clustered data, the trials divided by the design effect (`designEffect`).
    package static func wilson(proportion p: Double, effectiveTrials n: Double, z: Double = z95) -> (low: Double, high: Double)? {
        guard n > 0, p.isFinite else { return nil }
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        // The interval holds p exactly; at p = 0 or 1 the two terms cancel only up to rounding
        // (a lower bound of 7e-18 above a rate of 0, found by ScoreRangePropertyTests).
        return (min(p, max(0, centre - half)), max(p, min(1, centre + half)))
    }

    /// Kish's design effect of a proportion measured on clusters: 1 + (m̄ − 1)·ρ, where m̄ is
    /// the size-weighted mean cluster size Σm²/Σm and ρ ≥ 0 the outcome's intraclass
    /// correlation. An interval from n clustered rows is as wide as one from n / deff
    /// independent rows; never below 1.
    package static func designEffect(clusterSizes: [Int], icc: Double) -> Double {
        let total = clusterSizes.reduce(0, +)
        guard total > 0, icc.isFinite else { return 1 }
        let weighted = Double(clusterSizes.reduce(0) { $0 + $1 * $1 }) / Double(total)
        return max(1, 1 + (weighted - 1) * max(0, icc))
    }

    /// The Fisher-z interval of a correlation `r` from `n` pairs (nil below 4 pairs or |r| = 1).
    package static func fisherZ(r: Double, n: Int, z: Double = z95) -> (low: Double, high: Double)? {
        guard n > 3, abs(r) < 1, r.isFinite else { return nil }
        let centre = atanh(r)
        let se = 1 / Double(n - 3).squareRoot()
        return (tanh(centre - z * se), tanh(centre + z * se))
    }

    /// Two-sided p-value of H0: ρ = 0 by the Fisher-z test.
    package static func fisherZPValue(r: Double, n: Int) -> Double? {
        guard n > 3, abs(r) < 1, r.isFinite else { return nil }
        return Distributions.normalTwoSided(atanh(r) * Double(n - 3).squareRoot())
    }

    /// Benjamini–Hochberg q-values, in the order of `pValues`.
    package static func benjaminiHochberg(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        guard m > 0 else { return [] }
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var q = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m - 1, through: 0, by: -1) {
            let index = order[rank]
            running = min(running, pValues[index] * Double(m) / Double(rank + 1))
            q[index] = min(1, running)
        }
        return q
    }

    /// Power of a two-sided 5% test to detect a correlation `r` across `n` units (Fisher z).
    package static func correlationPower(r: Double, n: Int) -> Double {
        guard n > 3 else { return 0 }
        let shift = abs(atanh(r)) * Double(n - 3).squareRoot()
        return Distributions.normalCDF(shift - z95) + Distributions.normalCDF(-shift - z95)
    }

    /// Weighted Pearson correlation; nil when either side has no variance.
    package static func weightedCorrelation(_ x: [Double], _ y: [Double], weights: [Double]) -> Double? {
        let total = weights.reduce(0, +)
        guard x.count == y.count, x.count == weights.count, total > 0 else { return nil }
        var mx = 0.0, my = 0.0
        for i in x.indices { mx += weights[i] * x[i]; my += weights[i] * y[i] }
        mx /= total
        my /= total
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            sxy += weights[i] * (x[i] - mx) * (y[i] - my)
            sxx += weights[i] * (x[i] - mx) * (x[i] - mx)
            syy += weights[i] * (y[i] - my) * (y[i] - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Area under the ROC curve of `score` for a binary `outcome` (ties count half), with
    /// the Hanley–McNeil standard error; nil without both classes.
    package static func auc(score: [Double], outcome: [Bool]) -> (auc: Double, se: Double)? {
        let order = score.indices.sorted { score[$0] < score[$1] }
        let positives = outcome.filter { $0 }.count
        let negatives = outcome.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        // Mann–Whitney through mid-ranks.
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && score[order[end + 1]] == score[order[start]] { end += 1 }
            let midRank = Double(start + end) / 2 + 1
            for k in start...end where outcome[order[k]] { rankSum += midRank }
            start = end + 1
        }
        let p = Double(positives), n = Double(negatives)
        let a = (rankSum - p * (p + 1) / 2) / (p * n)
        let q1 = a / (2 - a), q2 = 2 * a * a / (1 + a)
        let variance = (a * (1 - a) + (p - 1) * (q1 - a * a) + (n - 1) * (q2 - a * a)) / (p * n)
        return (a, max(variance, 0).squareRoot())
    }
}
