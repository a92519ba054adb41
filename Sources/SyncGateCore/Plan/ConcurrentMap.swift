import Dispatch
import Foundation

extension Array {
    /// `(0..<count).map(body)`, one index per `concurrentPerform` iteration when `parallel` (libdispatch hands the
    /// next index to whichever core is free, so uneven pieces still balance); results keep index order.
    static func concurrentMap(_ count: Int, parallel: Bool, _ body: @escaping @Sendable (Int) -> Element) -> [Element] {
        guard parallel, count > 1 else { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<Element?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let work = SharedWork(body: body, slots: results)
        DispatchQueue.concurrentPerform(iterations: count) { i in work.slots[i] = work.body(i) }
        return results.map { $0! }
    }
}

/// `(a(), b())`, the two on two cores when `parallel`.
func concurrently<A, B>(parallel: Bool, _ a: @escaping @Sendable () -> A, _ b: @escaping @Sendable () -> B) -> (A, B) {
    guard parallel else { return (a(), b()) }
    let both = [Either<A, B>].concurrentMap(2, parallel: true) { $0 == 0 ? .a(a()) : .b(b()) }
    guard case .a(let x) = both[0], case .b(let y) = both[1] else { fatalError("concurrentMap keeps index order") }
    return (x, y)
}

private enum Either<A, B> { case a(A), b(B) }

extension Array where Element: Comparable & Sendable {
    /// `sorted()`, with the two halves sorted on two threads and then merged (large node lists).
    func sortedOnTwoCores() -> [Element] { sortedOnTwoCores(by: <) }
}

extension Array where Element: Sendable {
    /// `sorted(by:)`, with the two halves sorted on two threads and then merged (large lists). Equal elements may
    /// change order: give a total order where that matters.
    func sortedOnTwoCores(by less: @escaping @Sendable (Element, Element) -> Bool) -> [Element] {
        guard count >= 4096 else { return sorted(by: less) }
        let middle = count / 2
        let halves = [[Element]].concurrentMap(2, parallel: true) { [self] i in
            (i == 0 ? self[..<middle] : self[middle...]).sorted(by: less)
        }
        let a = halves[0], b = halves[1]
        var out: [Element] = []
        out.reserveCapacity(count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if less(b[j], a[i]) { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}

/// What the iterations of one `concurrentMap` share: the body (a pure function of its index) and the result slots,
/// each written by exactly one iteration.
private struct SharedWork<Element>: @unchecked Sendable {
    let body: @Sendable (Int) -> Element
    let slots: UnsafeMutableBufferPointer<Element?>
}

/// A computation on a thread of its own, started at once, while the caller goes on with other work (which may
/// itself use both cores: the system shares them out). `value()` waits for the result. Without `parallel` it
/// runs on the calling thread at once.
final class Background<T>: @unchecked Sendable {
    private var result: T?
    private let done = DispatchSemaphore(value: 0)

    init(parallel: Bool, _ body: @escaping @Sendable () -> T) {
        guard parallel else {
            result = body()
            done.signal()
            return
        }
        let thread = Thread { [self] in
            result = body()
            done.signal()
        }
        thread.start()
    }

    /// The result, once the computation has finished (every call after the first returns at once).
    func value() -> T {
        done.wait()
        defer { done.signal() }
        return result!
    }
}

/// Jobs that need an input one worker produces, shared by several workers: each worker, once free, takes the next
/// job (waiting for the input if it is not there yet). Results keep job order.
final class SharedJobs<Input, Output>: @unchecked Sendable {
    private let lock = NSLock()
    private let ready = DispatchSemaphore(value: 0)
    private var input: Input?
    private var next = 0
    private var outputs: [Output?]

    init(count: Int) {
        outputs = Array(repeating: nil, count: count)
    }

    /// Hands the input to every job (call once).
    func publish(_ value: Input) {
        lock.withLock { input = value }
        ready.signal()
    }

    /// Runs jobs until none is left.
    func drain(_ job: (Int, Input) -> Output) {
        while true {
            let k: Int = lock.withLock {
                defer { next += 1 }
                return next
            }
            guard k < outputs.count else { return }
            ready.wait()
            ready.signal()
            let value = lock.withLock { input! }
            let out = job(k, value)
            lock.withLock { outputs[k] = out }
        }
    }

    /// The outputs, once every job has run.
    var results: [Output] { lock.withLock { outputs.map { $0! } } }
}
