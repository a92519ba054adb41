import Foundation

/// Fault injection for tests: latency, 5xx answers, dropped connections, forced 409s on writes.
/// Set at start in `KubeSimOptions.faults` or at run time through `KubeSim.faults`.
public struct Fault: Sendable {
    public enum Effect: Sendable, Equatable {
        /// Wait this many (real) seconds before answering.
        case latency(TimeInterval)
        /// Answer with this status code (500, 502, 503, 504, 429) and a Status body.
        case status(Int)
        /// Close the connection without answering.
        case dropConnection
        /// Answer writes with 409 Conflict (as if the object had changed meanwhile).
        case conflict
    }
    public enum Trigger: Sendable, Equatable {
        /// Every matching request.
        case always
        /// Only the Nth matching request (1-based), counted from when the fault was added.
        case nth(Int)
        /// Each of the next N matching requests.
        case next(Int)
        /// A fraction (0...1) of matching requests, from a seeded generator.
        case fraction(Double)
    }

    public var effect: Effect
    public var trigger: Trigger
    /// Methods this applies to (empty: all). `.conflict` applies only to writes whatever this says.
    public var methods: Set<String>
    /// A substring the request path must contain (empty: all paths).
    public var pathContains: String

    public init(_ effect: Effect, trigger: Trigger = .always, methods: Set<String> = [], pathContains: String = "") {
        self.effect = effect
        self.trigger = trigger
        self.methods = methods
        self.pathContains = pathContains
    }
}

/// The live set of faults; thread-safe.
public final class FaultInjector: Sendable {
    private struct Entry { var fault: Fault; var seen: Int }
    private let state: Locked<(entries: [Entry], rng: SplitMix64, injected: Int)>

    init(_ faults: [Fault], seed: UInt64) {
        state = Locked((faults.map { Entry(fault: $0, seen: 0) }, SplitMix64(seed: seed ^ 0xFA17), 0))
    }

    public func add(_ fault: Fault) { state.withLock { $0.entries.append(Entry(fault: fault, seen: 0)) } }
    public func clear() { state.withLock { $0.entries.removeAll() } }
    /// How many requests a fault has changed so far.
    public var injectedCount: Int { state.value.injected }

    /// The effects to apply to this request, in order (latency first).
    func effects(method: String, path: String) -> [Fault.Effect] {
        state.withLock { s in
            var out: [Fault.Effect] = []
            for i in s.entries.indices {
                let f = s.entries[i].fault
                if !f.methods.isEmpty && !f.methods.contains(method) { continue }
                if !f.pathContains.isEmpty && !path.contains(f.pathContains) { continue }
                if f.effect == .conflict && !["POST", "PUT", "PATCH", "DELETE"].contains(method) { continue }
                s.entries[i].seen += 1
                let n = s.entries[i].seen
                let fire: Bool
                switch f.trigger {
                case .always: fire = true
                case .nth(let k): fire = n == k
                case .next(let k): fire = n <= k
                case .fraction(let p): fire = Double(s.rng.next() % 1_000_000) / 1_000_000 < p
                }
                if fire { out.append(f.effect); s.injected += 1 }
            }
            return out.sorted { a, _ in if case .latency = a { return true } else { return false } }
        }
    }
}
