import Foundation
import SyncGateCore
import SyncGateKube

/// The cluster as the engine sees it: objects as `Value`s. `KubeClusterAdapter` wraps `SyncGateKube.KubeClient`;
/// tests use an in-memory fake or KubeSim. Errors are `KubeError`s (`.notFound`, `.alreadyExists`, `.conflict`).
public protocol RolloutCluster: Sendable {
    func get(_ resource: KubeResource, namespace: String?, name: String) async throws -> Value?
    func list(_ resource: KubeResource, namespace: String?, labelSelector: String?) async throws -> [Value]
    func create(_ resource: KubeResource, namespace: String?, _ object: Value) async throws -> Value
    /// PUT guarded by the object's `metadata.resourceVersion` (409 conflict when stale).
    func update(_ resource: KubeResource, namespace: String?, _ object: Value) async throws -> Value
    func mergePatch(_ resource: KubeResource, namespace: String?, name: String, _ patch: Value) async throws -> Value
    func delete(_ resource: KubeResource, namespace: String?, name: String) async throws
}

/// Pausing and resuming Argo CD auto-sync (DESIGN §3). `KubeAutoSyncSwitch` wraps `SyncGateKube.AutoSyncControl`.
public protocol AutoSyncSwitch: Sendable {
    /// Pauses with the reason; returns a one-line outcome (`paused`, `already paused`, `not automated`).
    func pause(_ app: ApplicationIdentity, reason: String) async throws -> String
    func resume(_ app: ApplicationIdentity) async throws -> String
}

/// Live evidence from outside the cluster: DNS, registries, served TLS. `ProbeEvidence` wraps SyncGateProbes;
/// `ZoneEvidence` is a built-in zone for the demo and tests.
public protocol LiveEvidence: Sendable {
    func resolve(host: String) async -> DNSAnswer
    func imageExists(_ reference: String) async -> ImageAnswer
    /// The chain served for `host` (SNI) at `address:port`.
    func servedChain(host: String, address: String, port: Int) async -> ServedChain
}

public struct DNSAnswer: Sendable, Equatable {
    public var addresses: [String]
    public var cnames: [String]
    /// NXDOMAIN, SERVFAIL, timeout… (nil when the name resolved).
    public var error: String?
    public init(addresses: [String] = [], cnames: [String] = [], error: String? = nil) {
        self.addresses = addresses
        self.cnames = cnames
        self.error = error
    }
}

public enum ImageAnswer: Sendable, Equatable {
    case exists
    case missing(String)
    /// The registry could not be asked (network, auth): not proof either way.
    case unknown(String)
}

public struct ServedChain: Sendable, Equatable {
    /// DER of the leaf and the rest of the chain as served; empty when the handshake failed.
    public var certificates: [[UInt8]]
    public var error: String?
    public init(certificates: [[UInt8]] = [], error: String? = nil) {
        self.certificates = certificates
        self.error = error
    }
}

/// Time, injected: the wall clock in commands, a virtual clock in tests and the demo.
public protocol RolloutClock: Sendable {
    var now: Date { get }
    func sleep(seconds: Double) async throws
}

public struct WallRolloutClock: RolloutClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
    }
}

/// A clock that only moves when something sleeps on it: every sleep advances it at once, and `onAdvance` lets a
/// simulator (KubeSim) move its own clock and run its controllers.
public final class VirtualRolloutClock: RolloutClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private let onAdvance: (@Sendable (Double) async -> Void)?

    public init(start: Date = Date(timeIntervalSince1970: 1_774_191_600), onAdvance: (@Sendable (Double) async -> Void)? = nil) {
        self.current = start
        self.onAdvance = onAdvance
    }

    public var now: Date { lock.lock(); defer { lock.unlock() }; return current }

    public func advance(seconds: Double) {
        lock.lock()
        current = current.addingTimeInterval(seconds)
        lock.unlock()
    }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        advance(seconds: seconds)
        if let onAdvance { await onAdvance(seconds) }
        await Task.yield()
    }
}
