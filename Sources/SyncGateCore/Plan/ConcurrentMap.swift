import Foundation
import Synchronization

extension Array {
    /// `(0..<count).map(body)` on `threads` threads (the caller is one of them) that take the next index as they
    /// finish one, so uneven pieces still balance; results keep index order.
    ///
    /// Not `DispatchQueue.concurrentPerform`: on these Linux machines its second worker often started late or not
    /// at all (decoding measured 0.94 CPUs busy on two cores), so the planner starts its own threads.
    static func concurrentMap(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> Element) -> [Element] {
        let workers = Swift.min(threads, count)
        guard workers > 1 else { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<Element?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        // The threads may hold `work` a moment after they signal; it owns nothing the caller frees.
        let work = SharedWork(body: body, slots: results, count: count)
        let done = DispatchSemaphore(value: 0)
        for _ in 1..<workers {
            let thread = Thread {
                work.drain()
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        work.drain()
        for _ in 1..<workers { done.wait() }
        return results.map { $0! }
    }

    /// `concurrentMap` on two threads when `parallel` (these machines have two cores), else on the caller.
    static func concurrentMap(_ count: Int, parallel: Bool, _ body: @escaping @Sendable (Int) -> Element) -> [Element] {
        concurrentMap(count, threads: parallel ? 2 : 1, body)
    }
}

extension Array where Element: Comparable & Sendable {
    /// `sorted()`, with the two halves sorted on two threads and then merged (large node lists).
    func sortedOnTwoCores() -> [Element] {
        guard count >= 4096 else { return sorted() }
        let middle = count / 2
        let halves = [[Element]].concurrentMap(2, parallel: true) { [self] i in
            (i == 0 ? self[..<middle] : self[middle...]).sorted()
        }
        let a = halves[0], b = halves[1]
        var out: [Element] = []
        out.reserveCapacity(count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if b[j] < a[i] { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out.append(contentsOf: a[i...])
        out.append(contentsOf: b[j...])
        return out
    }
}

/// What the threads of one `concurrentMap` share: the body (a pure function of its index), the result slots (each
/// index is written by exactly one thread) and the next index to take.
private final class SharedWork<Element>: @unchecked Sendable {
    let body: @Sendable (Int) -> Element
    let slots: UnsafeMutableBufferPointer<Element?>
    let count: Int
    let next = Atomic<Int>(0)

    init(body: @escaping @Sendable (Int) -> Element, slots: UnsafeMutableBufferPointer<Element?>, count: Int) {
        self.body = body
        self.slots = slots
        self.count = count
    }

    func drain() {
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < count else { return }
            slots[i] = body(i)
        }
    }
}
