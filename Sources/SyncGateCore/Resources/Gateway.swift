/// A Gateway API `Gateway` (gateway.networking.k8s.io). Computed accessors over the manifest.
public struct Gateway: Sendable {
    public var manifest: Manifest
    public init(manifest: Manifest) { self.manifest = manifest }

    public var name: String { manifest.name }
    public var namespace: String { manifest.namespace }
    public var key: ObjectKey { ObjectKey(namespace, name) }
    public var gatewayClassName: String? { manifest.value[path: "spec", "gatewayClassName"]?.scalarText }
    public var nodeID: String { NodeID.gateway(namespace: namespace, name: name) }
    public var listeners: [Listener] {
        (manifest.value[path: "spec", "listeners"]?.elements ?? []).map { Listener(value: $0, gateway: self) }
    }
}

/// One `spec.listeners[]` entry of a Gateway.
public final class Listener: Sendable {
    public let value: Value
    public let gatewayName: String
    public let gatewayNamespace: String
    public let location: SourceLocation
    /// Read once: the graph, the chains and several rules look at every listener.
    public let name: String
    public let hostname: String?
    public let `protocol`: String
    public let certificateRefs: [SecretRef]
    public let nodeID: String

    init(value: Value, gateway: Gateway) {
        self.value = value
        gatewayName = gateway.name
        gatewayNamespace = gateway.namespace
        location = gateway.manifest.location(of: value)
        name = value["name"]?.scalarText ?? ""
        hostname = value["hostname"]?.scalarText
        `protocol` = value["protocol"]?.scalarText ?? ""
        let namespace = gateway.namespace
        certificateRefs = (value[path: "tls", "certificateRefs"]?.elements ?? []).map { SecretRef(value: $0, defaultNamespace: namespace) }
        nodeID = NodeID.listener(namespace: namespace, gateway: gateway.name, listener: name)
    }

    public var port: Int? { value["port"]?.int }
    public var tls: Value? { value["tls"] }
    /// `tls.mode`, `Terminate` by default when `tls` is present.
    public var tlsMode: String { tls.map { $0["mode"]?.scalarText ?? "Terminate" } ?? "" }
    public var gatewayKey: ObjectKey { ObjectKey(gatewayNamespace, gatewayName) }

    /// Whether this listener accepts `host` (exact, or `*.example.com` wildcard matching one or more labels).
    /// A listener without hostname accepts every host.
    public func accepts(_ host: String) -> Bool {
        guard let h = hostname, !h.isEmpty else { return true }
        return HostMatch.matches(pattern: h, host: host)
    }
}

/// A `certificateRefs[]` entry: a Secret by default. Its fields are read once.
public final class SecretRef: Sendable {
    public let value: Value
    public let defaultNamespace: String
    public let name: String
    public let namespace: String
    public let kind: String
    public let group: String

    public init(value: Value, defaultNamespace: String) {
        self.value = value
        self.defaultNamespace = defaultNamespace
        name = value["name"]?.scalarText ?? ""
        namespace = value["namespace"]?.scalarText ?? defaultNamespace
        kind = value["kind"]?.scalarText ?? "Secret"
        group = value["group"]?.scalarText ?? ""
    }
    public var key: ObjectKey { ObjectKey(namespace, name) }
    public var isCrossNamespace: Bool { namespace != defaultNamespace }
}

public enum HostMatch {
    /// Hostnames compare in lower case; most are already (no new string then).
    public static func lowercased(_ s: String) -> String {
        // One pass: an upper-case ASCII letter or any non-ASCII byte needs the real thing.
        for b in s.utf8 where b >= UInt8(ascii: "A") && (b <= UInt8(ascii: "Z") || b >= 0x80) { return s.lowercased() }
        return s
    }

    /// `*.example.com` matches `a.example.com` and `a.b.example.com` (Gateway API), exact names match exactly.
    public static func matches(pattern: String, host: String) -> Bool {
        let p = lowercased(pattern), h = lowercased(host)
        if p.hasPrefix("*.") {
            let suffix = String(p.dropFirst(1))
            if h.hasPrefix("*.") { return h == p || h.hasSuffix(suffix) }
            return h.hasSuffix(suffix) && h.count > suffix.count
        }
        return p == h
    }
}
