/// A symmetric positive-definite system solved through its Cholesky factor, as used for
/// the normal equations of OLS and IRLS. Storage is row-major `n × n`.
///
/// The factor refuses (returns nil) when a pivot falls below `relativeTolerance` times the
/// largest diagonal entry: a column that is (numerically) a combination of others. The
/// caller reports that instead of printing a meaningless coefficient.
struct CholeskyFactor {
    let n: Int
    /// The lower-triangular factor L with A = L Lᵀ, row-major.
    private(set) var lower: [Double]
    /// Ratio of the largest to the smallest squared pivot: a cheap conditioning estimate.
    let pivotRatio: Double

    init?(_ matrix: [Double], n: Int, relativeTolerance: Double = 1e-12) {
        precondition(matrix.count == n * n, "matrix must be n × n")
        self.n = n
        var l = [Double](repeating: 0, count: n * n)
        var largest = 0.0
        for i in 0..<n { largest = max(largest, abs(matrix[i * n + i])) }
        guard largest > 0, largest.isFinite else { return nil }
        var smallestPivot = Double.infinity
        var largestPivot = 0.0
        for j in 0..<n {
            var diagonal = matrix[j * n + j]
            for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
            guard diagonal > relativeTolerance * largest, diagonal.isFinite else { return nil }
            smallestPivot = min(smallestPivot, diagonal)
            largestPivot = max(largestPivot, diagonal)
            let root = diagonal.squareRoot()
            l[j * n + j] = root
            for i in (j + 1)..<max(n, j + 1) {
                var sum = matrix[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = sum / root
            }
        }
        lower = l
        pivotRatio = largestPivot / smallestPivot
    }

    /// Solves A x = b.
    func solve(_ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n {
            var sum = y[i]
            for k in 0..<i { sum -= lower[i * n + k] * y[k] }
            y[i] = sum / lower[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<max(n, i + 1) { sum -= lower[k * n + i] * y[k] }
            y[i] = sum / lower[i * n + i]
        }
        return y
    }

    /// A⁻¹, row-major.
    func inverse() -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        var unit = [Double](repeating: 0, count: n)
        for column in 0..<n {
            unit[column] = 1
            let x = solve(unit)
            unit[column] = 0
            for row in 0..<n { result[row * n + column] = x[row] }
        }
        return result
    }
}

/// Small dense helpers over row-major storage.
enum Dense {
    /// A B for A (r × m) and B (m × c).
    static func multiply(_ a: [Double], _ b: [Double], rows: Int, inner: Int, columns: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for k in 0..<inner {
                let aik = a[i * inner + k]
                if aik == 0 { continue }
                for j in 0..<columns { out[i * columns + j] += aik * b[k * columns + j] }
            }
        }
        return out
    }

    /// Adds w · x xᵀ to the upper triangle of `into` (p × p).
    @inline(__always)
    static func addOuterUpper(_ into: inout [Double], _ x: UnsafeBufferPointer<Double>, weight: Double, p: Int) {
        for i in 0..<p {
            let wi = weight * x[i]
            if wi == 0 { continue }
            for j in i..<p { into[i * p + j] += wi * x[j] }
        }
    }

    /// Copies the upper triangle onto the lower one.
    static func symmetrise(_ matrix: inout [Double], p: Int) {
        for i in 0..<p { for j in 0..<i { matrix[i * p + j] = matrix[j * p + i] } }
    }
}
