/// Scratch space for one row's non-zero entries, released when the work is done.
struct RowBuffer {
    let index: UnsafeMutablePointer<Int>
    let value: UnsafeMutablePointer<Double>

    init(columns: Int) {
        index = .allocate(capacity: max(columns, 1))
        value = .allocate(capacity: max(columns, 1))
    }

    func release() {
        index.deallocate()
        value.deallocate()
    }

    /// Σ value·beta over the row's `k` non-zero entries, in column order.
    func dot(_ k: Int, _ beta: [Double]) -> Double {
        var sum = 0.0
        for a in 0..<k { sum += value[a] * beta[index[a]] }
        return sum
    }

    /// Adds weight · x xᵀ (upper triangle of a p × p row-major matrix) for the row's `k`
    /// non-zero entries: the dense `Dense.addOuterUpper` sums, bit for bit.
    func addOuterUpper(_ into: inout [Double], _ k: Int, weight: Double, p: Int) {
        for a in 0..<k {
            let wi = weight * value[a]
            if wi == 0 { continue }
            let base = index[a] * p
            for b in a..<k { into[base + index[b]] += wi * value[b] }
        }
    }
}
