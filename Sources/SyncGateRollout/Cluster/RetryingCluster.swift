import Foundation
import SyncGateCore
import SyncGateKube

/// Retries transient API failures (5xx, 429, timeouts, transport errors) a bounded number of times with a short
/// backoff on the rollout clock. Conflicts and 4xx are not transient: the engine's own logic re-reads and decides.
public struct RetryingCluster: RolloutCluster {
    public let base: any RolloutCluster
    public let attempts: Int
    public let clock: any RolloutClock
    public init(_ base: any RolloutCluster, attempts: Int = 4, clock: any RolloutClock) {
        self.base = base
        self.attempts = max(1, attempts)
        self.clock = clock
    }

    static func isTransient(_ error: Error) -> Bool {
        guard let e = error as? KubeError else { return false }
        switch e {
        case .api(let s): return s.code == 429 || s.code >= 500
        case .timedOut, .transport: return true
        default: return false
        }
    }

    private func retry<T>(_ body: () async throws -> T) async throws -> T {
        var delay = 0.5
        for attempt in 1...attempts {
            do { return try await body() } catch where Self.isTransient(error) && attempt < attempts {
                try await clock.sleep(seconds: delay)
                delay *= 2
            }
        }
        return try await body()
    }

    public func get(_ r: KubeResource, namespace: String?, name: String) async throws -> Value? {
        try await retry { try await base.get(r, namespace: namespace, name: name) }
    }
    public func list(_ r: KubeResource, namespace: String?, labelSelector: String?) async throws -> [Value] {
        try await retry { try await base.list(r, namespace: namespace, labelSelector: labelSelector) }
    }
    /// A create that timed out may have landed: a retry answering AlreadyExists is then reported as such to the caller,
    /// which treats it as "someone created it" (never overwrites).
    public func create(_ r: KubeResource, namespace: String?, _ o: Value) async throws -> Value {
        try await retry { try await base.create(r, namespace: namespace, o) }
    }
    public func update(_ r: KubeResource, namespace: String?, _ o: Value) async throws -> Value {
        try await retry { try await base.update(r, namespace: namespace, o) }
    }
    public func mergePatch(_ r: KubeResource, namespace: String?, name: String, _ p: Value) async throws -> Value {
        try await retry { try await base.mergePatch(r, namespace: namespace, name: name, p) }
    }
    public func delete(_ r: KubeResource, namespace: String?, name: String) async throws {
        try await retry { try await base.delete(r, namespace: namespace, name: name) }
    }
}
