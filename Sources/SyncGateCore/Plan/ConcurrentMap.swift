import Dispatch

extension Array {
    /// `(0..<count).map(body)`, one index per `concurrentPerform` iteration when `parallel` (libdispatch balances
    /// uneven pieces across the cores); results keep index order.
    static func concurrentMap(_ count: Int, parallel: Bool, _ body: (Int) -> Element) -> [Element] {
        guard parallel, count > 1 else { return (0..<count).map(body) }
        let results = UnsafeMutableBufferPointer<Element?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let slots = SendableBuffer(results)
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            // Each iteration writes only its own slot.
            DispatchQueue.concurrentPerform(iterations: count) { i in slots.buffer[i] = work.value(i) }
        }
        return results.map { $0! }
    }
}

/// Each worker writes only its own slots.
struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// A value the caller promises is safe to share across the iterations (pure functions of immutable input).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
