import Foundation

/// A simulated controller: reconciles the store at a point in (virtual) time.
protocol Controller: Sendable {
    var kind: ControllerKind { get }
    /// Does all work due at `now`; returns the earliest time it wants to run again (nil: only after changes).
    func reconcile(now: Date) -> Date?
}

/// Runs the controllers until the store is quiet, and moves a virtual clock from one due time to the next.
final class ControllerRunner: Sendable {
    let controllers: [any Controller]
    let store: ObjectStore
    let clock: SimClock
    private let running = NSLock()
    private let lastNext = Locked<Date?>(nil)

    init(controllers: [any Controller], store: ObjectStore, clock: SimClock) {
        self.controllers = controllers
        self.store = store
        self.clock = clock
    }

    /// Reconciles at the current time until nothing changes (at most 25 passes).
    @discardableResult
    func runOnce() -> Date? {
        running.lock(); defer { running.unlock() }
        return passes(now: clock.now)
    }

    private func passes(now: Date) -> Date? {
        var next: Date? = nil
        for _ in 0..<25 {
            let before = store.resourceVersion
            next = nil
            for c in controllers {
                if let d = c.reconcile(now: now) { next = next.map { min($0, d) } ?? d }
            }
            if store.resourceVersion == before { break }
        }
        lastNext.withLock { $0 = next }
        return next
    }

    /// Advances a virtual clock by `seconds`, running every controller at each due time on the way.
    func advance(by seconds: TimeInterval) {
        running.lock(); defer { running.unlock() }
        let target = clock.now.addingTimeInterval(seconds)
        var next = passes(now: clock.now)
        while let n = next, n <= target {
            let now = clock.now
            clock.move(to: max(n, now.addingTimeInterval(0.001)))
            next = passes(now: clock.now)
        }
        clock.move(to: target)
        _ = passes(now: target)
    }
}
