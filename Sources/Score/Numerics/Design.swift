/// The rows of one regression: an outcome, named predictor columns (the first is the
/// intercept) stored row-major, and the cluster (team) of each row.
package struct Design: Sendable {
    package var names: [String]
    package var values: [Double]
    package var outcome: [Double]
    /// Cluster index of each row, 0..<clusters.
    package var cluster: [Int]
    package var clusters: Int

    package var rows: Int { outcome.count }
    package var columns: Int { names.count }

    package init(names: [String], values: [Double], outcome: [Double], cluster: [Int], clusters: Int) {
        precondition(values.count == names.count * outcome.count && cluster.count == outcome.count, "design shape")
        self.names = names
        self.values = values
        self.outcome = outcome
        self.cluster = cluster
        self.clusters = clusters
    }

    /// Columns whose values are all 0 or 1 (dummies), excluding the intercept.
    func isBinary(column: Int) -> Bool {
        let p = columns
        for i in 0..<rows {
            let v = values[i * p + column]
            if v != 0 && v != 1 { return false }
        }
        return true
    }

    /// The design without the given columns.
    package func dropping(_ drop: Set<Int>) -> Design {
        let keep = (0..<columns).filter { !drop.contains($0) }
        var out = [Double]()
        out.reserveCapacity(rows * keep.count)
        let p = columns
        for i in 0..<rows { for j in keep { out.append(values[i * p + j]) } }
        return Design(names: keep.map { names[$0] }, values: out, outcome: outcome, cluster: cluster, clusters: clusters)
    }

    /// Sample standard deviation of a column.
    func standardDeviation(column: Int) -> Double {
        let p = columns
        var mean = 0.0
        for i in 0..<rows { mean += values[i * p + column] }
        mean /= Double(max(rows, 1))
        var sum = 0.0
        for i in 0..<rows { let d = values[i * p + column] - mean; sum += d * d }
        return (sum / Double(max(rows - 1, 1))).squareRoot()
    }
}

/// Why a fit gives no usable estimate.
package enum FitProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The outcome is constant, or perfectly predicted by a column (named): the maximum
    /// likelihood estimate is infinite.
    case separation(String)
    /// The columns are (numerically) linearly dependent.
    case singular(String)
    case notConverged(iterations: Int)
    case tooFewRows(rows: Int, columns: Int)

    package var description: String {
        switch self {
        case let .separation(what): return "separation: \(what); no finite estimate exists"
        case let .singular(what): return "collinear predictors: \(what)"
        case let .notConverged(iterations): return "IRLS did not converge in \(iterations) iterations"
        case let .tooFewRows(rows, columns): return "\(rows) rows for \(columns) parameters"
        }
    }
}
