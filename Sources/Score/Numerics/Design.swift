/// The rows of one regression: an outcome, named predictor columns (the first is the
/// intercept) and the cluster (team) of each row.
///
/// Stored by column, and a column is what it needs to be: the intercept is no array at all,
/// a dummy is the level it marks in its categorical's codes (two bytes per row, shared by every
/// dummy of the categorical and by every model that holds them), a value that many rows share
/// (a wave's value for a team or an agent) is held once with a code per row, and only the
/// rows' own real numbers are arrays of doubles. Models that share columns share their
/// storage; dropping a column copies nothing. Rows are read through `nonZeros`, in column
/// order, so that every sum over a row is the one a dense row-major matrix gives, bit for bit
/// (terms that are exactly 0 add nothing).
package struct Design: Sendable {
    package enum Column: Sendable {
        /// The intercept.
        case one
        case dense([Double])
        /// 1 where `codes[i] == level`, else 0.
        case indicator(codes: [UInt16], level: UInt16)
        /// `values[codes[i]]`: one value per unit (a wave's team or agent) and a code per row,
        /// which every such column of the unit shares.
        case lookup(codes: [UInt32], values: [Double])

        func value(_ i: Int) -> Double {
            switch self {
            case .one: return 1
            case let .dense(values): return values[i]
            case let .indicator(codes, level): return codes[i] == level ? 1 : 0
            case let .lookup(codes, values): return values[Int(codes[i])]
            }
        }
    }

    /// Each row's cluster, as a code per row and the cluster of each code: rows that share a
    /// code for their lookup columns (a wave's team and agent) share it for their team too.
    package struct Clusters: Sendable {
        let codes: [UInt32]
        let ofCode: [Int32]

        package init(codes: [UInt32], clusterOfCode: [Int32]) {
            self.codes = codes
            self.ofCode = clusterOfCode
        }

        /// One cluster index per row, 0..<clusters.
        package init(_ perRow: [Int], clusters: Int) {
            codes = perRow.map { UInt32(truncatingIfNeeded: $0) }
            ofCode = Array(0..<Int32(truncatingIfNeeded: clusters))
        }

        package subscript(i: Int) -> Int { Int(ofCode[Int(codes[i])]) }
        package var count: Int { codes.count }
    }

    package var names: [String]
    package var data: [Column] { didSet { steps = Design.steps(data) } }
    /// How `nonZeros` walks a row: the columns in order, each categorical's run of dummies as
    /// one step (at most one of them is 1 in a row), so a row costs a step per categorical
    /// rather than one per dummy. Measured: the IRLS fit was a sixth of the score stage's CPU,
    /// most of it walking every dummy of every row.
    private var steps: [Step] = []
    package var outcome: [Double]
    /// Cluster index of each row, 0..<clusters.
    package var cluster: Clusters
    package var clusters: Int

    package var rows: Int { outcome.count }
    package var columns: Int { data.count }

    package init(names: [String], columns: [Column], outcome: [Double], cluster: [Int], clusters: Int) {
        self.init(names: names, columns: columns, outcome: outcome, cluster: Clusters(cluster, clusters: clusters), clusters: clusters)
    }

    package init(names: [String], columns: [Column], outcome: [Double], cluster: Clusters, clusters: Int) {
        precondition(names.count == columns.count && cluster.count == outcome.count, "design shape")
        self.names = names
        self.data = columns
        self.steps = Design.steps(columns)
        self.outcome = outcome
        self.cluster = cluster
        self.clusters = clusters
    }

    /// From a row-major matrix (tests, the bench's exported designs, small designs).
    package init(names: [String], values: [Double], outcome: [Double], cluster: [Int], clusters: Int) {
        precondition(values.count == names.count * outcome.count && cluster.count == outcome.count, "design shape")
        let p = names.count, n = outcome.count
        let columns = (0..<p).map { j in Column.dense((0..<n).map { values[$0 * p + j] }) }
        self.init(names: names, columns: columns, outcome: outcome, cluster: cluster, clusters: clusters)
    }

    package func value(_ i: Int, _ j: Int) -> Double { data[j].value(i) }

    /// One step of a row walk: a column, or a run of dummies on one array of level codes.
    private enum Step: Sendable {
        case one(column: Int)
        case dense(column: Int, values: [Double])
        case lookup(column: Int, codes: [UInt32], values: [Double])
        /// `columnOf[level]`: the column of the dummy marking `level`, −1 for a level no
        /// column of the run marks (the reference, a level folded away).
        case dummies(codes: [UInt16], columnOf: [Int])
    }

    /// The walk of `columns`: consecutive indicators on the same array of codes are one run.
    private static func steps(_ columns: [Column]) -> [Step] {
        var steps: [Step] = []
        for (j, column) in columns.enumerated() {
            switch column {
            case .one:
                steps.append(.one(column: j))
            case let .dense(values):
                steps.append(.dense(column: j, values: values))
            case let .lookup(codes, values):
                steps.append(.lookup(column: j, codes: codes, values: values))
            case let .indicator(codes, level):
                if case let .dummies(runCodes, columnOf)? = steps.last, sameStorage(runCodes, codes) {
                    var grown = columnOf
                    if grown.count <= Int(level) { grown += Array(repeating: -1, count: Int(level) + 1 - grown.count) }
                    // A level marked twice would need two entries: walk that column on its own.
                    if grown[Int(level)] == -1 {
                        grown[Int(level)] = j
                        steps[steps.count - 1] = .dummies(codes: runCodes, columnOf: grown)
                        continue
                    }
                }
                var columnOf = Array(repeating: -1, count: Int(level) + 1)
                columnOf[Int(level)] = j
                steps.append(.dummies(codes: codes, columnOf: columnOf))
            }
        }
        return steps
    }

    /// True when `a` and `b` are the same array storage (the dummies of one categorical).
    private static func sameStorage(_ a: [UInt16], _ b: [UInt16]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
    }

    /// Row `i`'s non-zero entries, in column order, into `index` and `value` (each with room
    /// for `columns` entries); returns how many. The runs of dummies are consecutive columns,
    /// so the entries come out in column order, as a walk of every column gives them.
    func nonZeros(row i: Int, index: UnsafeMutablePointer<Int>, value: UnsafeMutablePointer<Double>) -> Int {
        var k = 0
        for step in steps {
            switch step {
            case let .one(j):
                index[k] = j; value[k] = 1; k += 1
            case let .dense(j, values):
                let v = values[i]
                if v != 0 { index[k] = j; value[k] = v; k += 1 }
            case let .lookup(j, codes, values):
                let v = values[Int(codes[i])]
                if v != 0 { index[k] = j; value[k] = v; k += 1 }
            case let .dummies(codes, columnOf):
                let level = Int(codes[i])
                if level < columnOf.count {
                    let j = columnOf[level]
                    if j >= 0 { index[k] = j; value[k] = 1; k += 1 }
                }
            }
        }
        return k
    }

    /// Row `i` in full, in column order (for hashing and export).
    func row(_ i: Int, into buffer: inout [Double]) {
        for j in 0..<data.count { buffer[j] = data[j].value(i) }
    }

    /// Columns whose values are all 0 or 1 (dummies), excluding the intercept.
    func isBinary(column: Int) -> Bool {
        switch data[column] {
        case .one, .indicator: return true
        case let .dense(values): return values.allSatisfy { $0 == 0 || $0 == 1 }
        case let .lookup(codes, values): return codes.allSatisfy { values[Int($0)] == 0 || values[Int($0)] == 1 }
        }
    }

    /// The design without the given columns (their storage is shared, not copied).
    package func dropping(_ drop: Set<Int>) -> Design {
        let keep = (0..<columns).filter { !drop.contains($0) }
        return Design(names: keep.map { names[$0] }, columns: keep.map { data[$0] }, outcome: outcome, cluster: cluster, clusters: clusters)
    }

    /// Sample standard deviation of a column.
    func standardDeviation(column: Int) -> Double {
        let c = data[column]
        var mean = 0.0
        for i in 0..<rows { mean += c.value(i) }
        mean /= Double(max(rows, 1))
        var sum = 0.0
        for i in 0..<rows { let d = c.value(i) - mean; sum += d * d }
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
