/// A cert-manager `Issuer` or `ClusterIssuer`. Computed accessors over the manifest; the solvers (views over
/// `spec.acme.solvers`) are listed once, since every Certificate's every name picks one.
public final class Issuer: Sendable {
    public let manifest: Manifest
    public let solvers: [ACMESolver]
    /// `spec.acme`, and its directory URL (`spec.acme.server`), read once: every Certificate asks.
    public let acme: Value?
    public let acmeServer: String?
    /// The server is Let's Encrypt's, and its staging one.
    public let isLetsEncrypt: Bool
    public let isStaging: Bool

    public init(manifest: Manifest) {
        self.manifest = manifest
        acme = manifest.value[path: "spec", "acme"]
        acmeServer = acme?["server"]?.scalarText
        isLetsEncrypt = acmeServer?.contains("letsencrypt.org") ?? false
        isStaging = acmeServer?.contains("staging") ?? false
        solvers = (acme?["solvers"]?.elements ?? []).map { ACMESolver(value: $0) }
    }

    public var kind: String { manifest.kind }
    public var name: String { manifest.name }
    public var isCluster: Bool { kind == "ClusterIssuer" }
    public var nodeID: String {
        isCluster ? NodeID.clusterIssuer(name) : NodeID.issuer(namespace: manifest.namespace, kind: kind, name: name)
    }

    public var isACME: Bool { acme != nil }

    /// The solver cert-manager would pick for `dnsName`: an exact `dnsNames` match, else the longest matching
    /// `dnsZones` suffix, else the first solver without a name selector. Nil when none matches.
    public func solver(for dnsName: String) -> ACMESolver? { Issuer.select(solvers, for: dnsName) }

    /// cert-manager's solver selection over a list of solvers (callers may read `solvers` once and reuse it).
    public static func select(_ all: [ACMESolver], for dnsName: String) -> ACMESolver? {
        if let exact = all.first(where: { $0.dnsNames.contains(dnsName) }) { return exact }
        var best: (ACMESolver, Int)? = nil
        for s in all {
            for zone in s.dnsZones where dnsName == zone || dnsName.hasSuffix("." + zone) {
                if best == nil || zone.count > best!.1 { best = (s, zone.count) }
            }
        }
        if let best { return best.0 }
        return all.first { $0.dnsNames.isEmpty && $0.dnsZones.isEmpty }
    }
}

/// One entry of `spec.acme.solvers`. What solver selection reads (the challenge type and the selector's names
/// and zones) is read once: it runs for every name of every Certificate.
public final class ACMESolver: Sendable {
    public let value: Value
    public let http01: Value?
    public let dns01: Value?
    public let dnsZones: [String]
    public let dnsNames: [String]

    public init(value: Value) {
        self.value = value
        http01 = value["http01"]
        dns01 = value["dns01"]
        dnsZones = (value[path: "selector", "dnsZones"]?.elements ?? []).compactMap(\.scalarText)
        dnsNames = (value[path: "selector", "dnsNames"]?.elements ?? []).compactMap(\.scalarText)
    }

    public var isHTTP01: Bool { http01 != nil }
    public var isDNS01: Bool { dns01 != nil }
    /// `http01.ingress` (class/name/ingressClassName).
    public var usesIngress: Bool { http01?["ingress"] != nil }
    /// `http01.gatewayHTTPRoute.parentRefs`.
    public var gatewayParentRefs: [ParentRef] {
        (http01?[path: "gatewayHTTPRoute", "parentRefs"]?.elements ?? []).map { ParentRef(value: $0, defaultNamespace: "") }
    }
    public var usesGatewayHTTPRoute: Bool { http01?["gatewayHTTPRoute"] != nil }
    public var matchLabels: [String: String] { Manifest.stringMap(value[path: "selector", "matchLabels"]) }
}
