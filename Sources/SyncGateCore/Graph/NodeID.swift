/// Stable node ids (DESIGN §1). The prefix before the first colon is the node kind.
public enum NodeID {
    public static func dns(_ host: String) -> String { "dns:" + HostMatch.lowercased(host) }
    public static func service(namespace: String, name: String) -> String { "service:\(namespace)/\(name)" }
    public static func workload(namespace: String, kind: String, name: String) -> String { "workload:\(namespace)/\(kind)/\(name)" }
    public static func image(_ ref: String) -> String { "image:\(ref)" }
    public static func secret(namespace: String, name: String) -> String { "secret:\(namespace)/\(name)" }
    public static func listener(namespace: String, gateway: String, listener: String) -> String { "listener:\(namespace)/\(gateway)/\(listener)" }
    public static func gateway(namespace: String, name: String) -> String { "gateway:\(namespace)/\(name)" }
    public static func certificate(namespace: String, name: String) -> String { "certificate:\(namespace)/\(name)" }
    public static func clusterIssuer(_ name: String) -> String { "issuer:ClusterIssuer/\(name)" }
    public static func issuer(namespace: String, kind: String = "Issuer", name: String) -> String { "issuer:\(namespace)/\(kind)/\(name)" }
    public static func application(namespace: String, name: String) -> String { "application:\(namespace)/\(name)" }

    /// The kind prefix of an id (`listener` for `listener:traefik/gw/https`).
    public static func kind(of id: String) -> NodeKind {
        guard let colon = id.firstIndex(of: ":") else { return .application }
        return NodeKind(rawValue: String(id[..<colon])) ?? .application
    }
}

/// The kinds of graph nodes, in chain order (DESIGN §1).
public enum NodeKind: String, Sendable, CaseIterable, Comparable {
    case application, dns, image, workload, service, issuer, secret, gateway, listener, certificate

    /// Position in a hostname chain: DNS, backend (Service, workload, image), Secret, listener, Certificate.
    public var chainRank: Int {
        switch self {
        case .dns: return 0
        case .service: return 1
        case .workload: return 2
        case .image: return 3
        case .secret: return 4
        case .gateway: return 5
        case .listener: return 6
        case .issuer: return 7
        case .certificate: return 8
        case .application: return 9
        }
    }

    public static func < (a: NodeKind, b: NodeKind) -> Bool { a.chainRank < b.chainRank }
}
