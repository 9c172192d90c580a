import Dispatch
import Foundation

/// Runs `body` for every index in `0..<count` on `workers` threads, each taking the next job
/// in `order` (default: ascending) as it frees up, and returns the results in index order.
/// `done` is told how many jobs have finished after each one (for progress). The jobs must
/// share nothing mutable.
package func parallelMap<T>(_ count: Int, workers: Int = 2, order: [Int]? = nil, done: ((Int) -> Void)? = nil,
                            _ body: (Int) -> T) -> [T] {
    let order = order ?? Array(0..<count)
    let state = ParallelState<T>(count: count)
    withoutActuallyEscaping(body) { body in
        withoutActuallyEscaping(done ?? { _ in }) { done in
            let job = UnsafeJob(body: body, done: done)
            DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
                while let position = state.next(below: order.count) {
                    let index = order[position]
                    let finished = state.store(job.body(index), at: index)
                    job.done(finished)
                }
            }
        }
    }
    return state.results()
}

/// The closures of one `parallelMap`, shared with its workers for the call only.
private struct UnsafeJob<T>: @unchecked Sendable {
    let body: (Int) -> T
    let done: (Int) -> Void
}

/// The next job and the results, under a lock.
private final class ParallelState<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [T?]
    private var taken = 0
    private var stored = 0

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard taken < limit else { return nil }
        taken += 1
        return taken - 1
    }

    func store(_ value: T, at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        values[index] = value
        stored += 1
        return stored
    }

    func results() -> [T] { values.compactMap { $0 } }
}
