import Foundation

/// What a DNS lookup of a challenge host found.
public enum HostResolution: Sendable, Equatable {
    case addresses([String])
    case notFound
    case failure(String)
}

/// How the simulated ACME CA (and cert-manager's self-check) resolves names. Tests plug a real resolver
/// (a dnsmasq on 127.0.0.1 through SyncGateProbes) with `ClosureHostResolver`.
public protocol HostResolver: Sendable {
    func resolve(_ host: String) -> HostResolution
}

/// A fixed map from host to addresses; unknown hosts are NXDOMAIN.
public struct StaticHostResolver: HostResolver {
    public var records: [String: [String]]
    public init(_ records: [String: [String]]) { self.records = records }
    public func resolve(_ host: String) -> HostResolution {
        if let a = records[host.lowercased()] { return .addresses(a) }
        return .notFound
    }
}

/// A map that tests can change while the simulation runs ("DNS gets fixed at hour 3").
public final class MutableHostResolver: HostResolver {
    private let records: Locked<[String: [String]]>
    public init(_ records: [String: [String]] = [:]) { self.records = Locked(records) }
    public func set(_ host: String, _ addresses: [String]?) { records.withLock { $0[host.lowercased()] = addresses } }
    public func resolve(_ host: String) -> HostResolution {
        if let a = records.value[host.lowercased()] { return .addresses(a) }
        return .notFound
    }
}

/// Any lookup function.
public struct ClosureHostResolver: HostResolver {
    let body: @Sendable (String) -> HostResolution
    public init(_ body: @escaping @Sendable (String) -> HostResolution) { self.body = body }
    public func resolve(_ host: String) -> HostResolution { body(host) }
}
