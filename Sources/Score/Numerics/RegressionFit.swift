import Foundation

/// How a fit's linear predictor becomes the mean: the logit's inverse, or itself (OLS).
package enum Link: Sendable { case logit, identity }

/// A fitted GLM (logistic by IRLS, or OLS) with what inference needs: coefficients, the
/// information matrix XᵀWX and its inverse. Fitted means are not kept (eight bytes a row for
/// every fit alive at once): `mean(row:of:buffer:)` computes a row's again, the very
/// operations the fit used, so it is the fit's value bit for bit.
package struct RegressionFit: Sendable {
    package let names: [String]
    package let coefficients: [Double]
    /// XᵀWX at the estimate (row-major p × p); W = μ(1−μ) for the logit, 1 for OLS.
    package let information: [Double]
    /// (XᵀWX)⁻¹, the model-based covariance for the logit (times σ² for OLS).
    package let bread: [Double]
    package let link: Link
    package let iterations: Int
    package let deviance: Double
    /// Largest / smallest squared Cholesky pivot of XᵀWX.
    package let conditioning: Double

    package var columns: Int { coefficients.count }

    /// Row `i`'s fitted mean; `buffer` is scratch with room for the design's columns, and
    /// holds the row's non-zero entries afterwards (`k` of them, returned beside the mean).
    func mean(row i: Int, of design: Design, buffer: RowBuffer) -> (mean: Double, k: Int) {
        let k = design.nonZeros(row: i, index: buffer.index, value: buffer.value)
        return (Self.mean(buffer.dot(k, coefficients), link: link), k)
    }

    static func mean(_ eta: Double, link: Link) -> Double {
        link == .logit ? 1 / (1 + exp(-eta)) : eta
    }
}

/// Logistic regression by iteratively reweighted least squares.
package enum LogisticRegression {
    /// Fits `design`. Separation is detected before (a dummy column whose rows all share one
    /// outcome; a constant outcome) and after the fit (a coefficient beyond 15 per SD, or
    /// fitted probabilities pinned at 0 or 1), and reported instead of an estimate. `start`
    /// (e.g. a larger model's estimate) saves iterations; the answer does not depend on it.
    /// Each row is read as its non-zero entries (most columns are dummies): the sums skip
    /// only terms that are exactly 0, so they are the dense sums, bit for bit.
    package static func fit(_ design: Design, start: [Double]? = nil, tolerance: Double = 1e-12,
                            maxIterations: Int = 60) -> Result<RegressionFit, FitProblem> {
        let n = design.rows, p = design.columns
        guard n > p else { return .failure(.tooFewRows(rows: n, columns: p)) }
        let events = design.outcome.reduce(0, +)
        if events == 0 || events == Double(n) { return .failure(.separation("the outcome is constant (\(Int(events)) of \(n))")) }
        for column in 1..<p where design.isBinary(column: column) {
            var ones = 0.0, eventsAmongOnes = 0.0
            for i in 0..<n where design.value(i, column) == 1 { ones += 1; eventsAmongOnes += design.outcome[i] }
            if ones > 0 && (eventsAmongOnes == 0 || eventsAmongOnes == ones) {
                return .failure(.separation("every row with \(design.names[column]) = 1 has outcome \(eventsAmongOnes == 0 ? 0 : 1)"))
            }
        }
        let buffer = RowBuffer(columns: p)
        defer { buffer.release() }
        let index = buffer.index, value = buffer.value
        func row(_ i: Int) -> Int { design.nonZeros(row: i, index: index, value: value) }
        func linear(_ k: Int, _ beta: [Double]) -> Double { buffer.dot(k, beta) }
        func addOuter(_ into: inout [Double], _ k: Int, weight: Double) { buffer.addOuterUpper(&into, k, weight: weight, p: p) }
        // No fitted value is stored per row: one pass per iteration computes, from the same β,
        // each row's mean, its deviance term and its share of the next step's XᵀWX and XᵀWz
        // (the same sums, in the same row order, as a pass for each).
        var xtwx = [Double](repeating: 0, count: p * p)
        var xtwz = [Double](repeating: 0, count: p)
        func addStep(_ k: Int, eta: Double, mu: Double, y: Double) {
            let w = max(mu * (1 - mu), 1e-12)
            let z = eta + (y - mu) / w
            addOuter(&xtwx, k, weight: w)
            for a in 0..<k { xtwz[index[a]] += w * z * value[a] }
        }
        var beta = [Double](repeating: 0, count: p)
        // Start at the intercept-only solution (faster and safer than zero) or at `start`.
        let mean = events / Double(n)
        beta[0] = log(mean / (1 - mean))
        let started = start.flatMap { $0.count == p && $0.allSatisfy(\.isFinite) ? $0 : nil }
        if let started { beta = started }
        for i in 0..<n {
            let k = row(i)
            let eta = linear(k, beta)
            addStep(k, eta: eta, mu: started == nil ? mean : RegressionFit.mean(eta, link: .logit), y: design.outcome[i])
        }
        var deviance = Double.infinity
        var iteration = 0
        var factor: CholeskyFactor?
        var information = [Double](repeating: 0, count: p * p)
        while iteration < maxIterations {
            iteration += 1
            Dense.symmetrise(&xtwx, p: p)
            guard let chol = CholeskyFactor(xtwx, n: p) else {
                return .failure(.singular(design.names.dropFirst().joined(separator: ", ")))
            }
            factor = chol
            information = xtwx
            beta = chol.solve(xtwz)
            // New means and deviance, and the next step's sums at the new β.
            for k in xtwx.indices { xtwx[k] = 0 }
            for k in xtwz.indices { xtwz[k] = 0 }
            var newDeviance = 0.0
            for i in 0..<n {
                let k = row(i)
                let eta = linear(k, beta)
                let mu = RegressionFit.mean(eta, link: .logit)
                let y = design.outcome[i]
                newDeviance -= 2 * (y > 0 ? log(max(mu, 1e-300)) : log(max(1 - mu, 1e-300)))
                addStep(k, eta: eta, mu: mu, y: y)
            }
            let change = abs(newDeviance - deviance) / (abs(newDeviance) + 0.1)
            deviance = newDeviance
            if change < tolerance { break }
        }
        guard var chol = factor else { return .failure(.notConverged(iterations: iteration)) }
        // Information at the final estimate (the loop's matrix is one step behind).
        var final = [Double](repeating: 0, count: p * p)
        var pinned = 0
        for i in 0..<n {
            let k = row(i)
            let mu = RegressionFit.mean(linear(k, beta), link: .logit)
            if mu < 1e-10 || mu > 1 - 1e-10 { pinned += 1 }
            addOuter(&final, k, weight: mu * (1 - mu))
        }
        Dense.symmetrise(&final, p: p)
        if let factored = CholeskyFactor(final, n: p) { chol = factored; information = final }
        for column in 1..<p {
            let sd = design.standardDeviation(column: column)
            if abs(beta[column] * sd) > 15 || pinned > 0 && abs(beta[column] * sd) > 8 {
                return .failure(.separation("\(design.names[column]) (coefficient \(beta[column]) diverging, \(pinned) fitted probabilities at 0 or 1)"))
            }
        }
        if iteration >= maxIterations { return .failure(.notConverged(iterations: iteration)) }
        return .success(RegressionFit(names: design.names, coefficients: beta, information: information, bread: chol.inverse(),
                                      link: .logit, iterations: iteration, deviance: deviance, conditioning: chol.pivotRatio))
    }
}

/// Ordinary least squares through the normal equations.
package enum LeastSquares {
    package static func fit(_ design: Design) -> Result<RegressionFit, FitProblem> {
        let n = design.rows, p = design.columns
        guard n > p else { return .failure(.tooFewRows(rows: n, columns: p)) }
        var xtx = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        var x = [Double](repeating: 0, count: p)
        for i in 0..<n {
            design.row(i, into: &x)
            x.withUnsafeBufferPointer { Dense.addOuterUpper(&xtx, $0, weight: 1, p: p) }
            for j in 0..<p { xty[j] += x[j] * design.outcome[i] }
        }
        Dense.symmetrise(&xtx, p: p)
        guard let chol = CholeskyFactor(xtx, n: p) else { return .failure(.singular(design.names.dropFirst().joined(separator: ", "))) }
        let beta = chol.solve(xty)
        var rss = 0.0
        for i in 0..<n {
            design.row(i, into: &x)
            var value = 0.0
            for j in 0..<p { value += x[j] * beta[j] }
            rss += (design.outcome[i] - value) * (design.outcome[i] - value)
        }
        return .success(RegressionFit(names: design.names, coefficients: beta, information: xtx, bread: chol.inverse(),
                                      link: .identity, iterations: 1, deviance: rss, conditioning: chol.pivotRatio))
    }
}
