/// A cert-manager `Certificate` (cert-manager.io/v1), written in the repo or implied by a cert-manager annotation
/// on an Ingress or Gateway (ingress-shim / gateway-shim).
public final class Certificate: Sendable {
    public enum Origin: Sendable, Hashable {
        case declared
        /// Implied by `cert-manager.io/(cluster-)issuer` on this Ingress or Gateway (`Kind namespace/name`).
        case implied(by: String)
    }

    public let manifest: Manifest
    public let origin: Origin
    public let name: String
    public let namespace: String
    public let secretName: String
    public let dnsNames: [String]
    public let issuerRef: IssuerRef
    public let durationText: String?
    public let renewBeforeText: String?
    /// `cert-manager.io/issue-temporary-certificate: "true"`: cert-manager fills the Secret at once with a
    /// temporary self-signed certificate, which serves as the placeholder.
    public let issuesTemporaryCertificate: Bool
    /// Where the names come from (for findings).
    public let location: SourceLocation

    public init(manifest: Manifest) {
        self.manifest = manifest
        origin = .declared
        name = manifest.name
        namespace = manifest.namespace
        let spec = manifest.value["spec"]
        secretName = spec?["secretName"]?.scalarText ?? ""
        var names = (spec?["dnsNames"]?.elements ?? []).compactMap(\.scalarText)
        if let cn = spec?["commonName"]?.scalarText, !names.contains(cn) { names.insert(cn, at: 0) }
        dnsNames = names
        let ref = spec?["issuerRef"]
        issuerRef = IssuerRef(name: ref?["name"]?.scalarText ?? "", kind: ref?["kind"]?.scalarText ?? "Issuer",
                              group: ref?["group"]?.scalarText ?? "cert-manager.io", namespace: manifest.namespace)
        durationText = spec?["duration"]?.scalarText
        renewBeforeText = spec?["renewBefore"]?.scalarText
        issuesTemporaryCertificate = manifest.annotation("cert-manager.io/issue-temporary-certificate")?.lowercased() == "true"
        location = manifest.location
    }

    /// An implied Certificate (cert-manager's shims): name and secretName are the Secret's name.
    public init(implied manifest: Manifest, secretName: String, dnsNames: [String], issuerRef: IssuerRef,
                location: SourceLocation) {
        self.manifest = manifest
        origin = .implied(by: manifest.displayName)
        name = secretName
        namespace = manifest.namespace
        self.secretName = secretName
        self.dnsNames = dnsNames
        self.issuerRef = issuerRef
        durationText = manifest.annotation("cert-manager.io/duration")
        renewBeforeText = manifest.annotation("cert-manager.io/renew-before")
        issuesTemporaryCertificate = manifest.annotation("cert-manager.io/issue-temporary-certificate")?.lowercased() == "true"
        self.location = location
    }

    public var key: ObjectKey { ObjectKey(namespace, name) }
    public var secretKey: ObjectKey { ObjectKey(namespace, secretName) }
    public var application: String? { manifest.application }
    public var isImplied: Bool { if case .implied = origin { return true } else { return false } }

    public var durationSeconds: Double? { durationText.flatMap(GoDuration.seconds) }
    public var renewBeforeSeconds: Double? { renewBeforeText.flatMap(GoDuration.seconds) }

    public var displayName: String {
        switch origin {
        case .declared: return "Certificate \(namespace)/\(name)"
        case .implied(let by): return "Certificate \(namespace)/\(name) (implied by \(by))"
        }
    }

    /// Implied Certificates of an Ingress annotated for cert-manager: one per `tls[]` entry, named after its Secret.
    public static func implied(by ingress: Ingress) -> [Certificate] {
        guard let issuer = IssuerRef.fromAnnotations(ingress.manifest) else { return [] }
        var out: [Certificate] = []
        for tls in ingress.tls where !tls.secretName.isEmpty {
            out.append(Certificate(implied: ingress.manifest, secretName: tls.secretName, dnsNames: tls.hosts,
                                   issuerRef: issuer, location: tls.location))
        }
        return out
    }

    /// Implied Certificates of a Gateway annotated for cert-manager: one per Secret named by a terminating listener
    /// (same namespace), with the hostnames of every listener that names it.
    public static func implied(by gateway: Gateway, listeners: [Listener]? = nil) -> [Certificate] {
        guard let issuer = IssuerRef.fromAnnotations(gateway.manifest) else { return [] }
        var order: [String] = []
        var names: [String: [String]] = [:]
        var where_: [String: SourceLocation] = [:]
        for listener in listeners ?? gateway.listeners where listener.tlsMode == "Terminate" {
            guard let host = listener.hostname, !host.isEmpty else { continue }
            for ref in listener.certificateRefs where ref.kind == "Secret" && ref.namespace == gateway.manifest.namespace {
                if names[ref.name] == nil { order.append(ref.name); where_[ref.name] = listener.location }
                if !(names[ref.name] ?? []).contains(host) { names[ref.name, default: []].append(host) }
            }
        }
        return order.map {
            Certificate(implied: gateway.manifest, secretName: $0, dnsNames: names[$0] ?? [], issuerRef: issuer,
                        location: where_[$0] ?? gateway.manifest.location)
        }
    }
}

/// `spec.issuerRef` of a Certificate.
public struct IssuerRef: Sendable, Hashable {
    public let name: String
    public let kind: String
    public let group: String
    /// The Certificate's namespace (where a namespaced `Issuer` must live).
    public let namespace: String
    /// The graph node id of the issuer (worked out once: every issuer lookup keys on it).
    public let nodeID: String

    public init(name: String, kind: String, group: String = "cert-manager.io", namespace: String) {
        self.name = name
        self.kind = kind.isEmpty ? "Issuer" : kind
        self.group = group.isEmpty ? "cert-manager.io" : group
        self.namespace = namespace
        nodeID = self.kind == "ClusterIssuer" ? NodeID.clusterIssuer(name) : NodeID.issuer(namespace: namespace, kind: self.kind, name: name)
    }

    public var isCertManager: Bool { group == "cert-manager.io" }

    static func fromAnnotations(_ m: Manifest) -> IssuerRef? {
        if let name = m.annotation("cert-manager.io/cluster-issuer"), !name.isEmpty {
            return IssuerRef(name: name, kind: m.annotation("cert-manager.io/issuer-kind") ?? "ClusterIssuer",
                             group: m.annotation("cert-manager.io/issuer-group") ?? "cert-manager.io", namespace: m.namespace)
        }
        if let name = m.annotation("cert-manager.io/issuer"), !name.isEmpty {
            return IssuerRef(name: name, kind: m.annotation("cert-manager.io/issuer-kind") ?? "Issuer",
                             group: m.annotation("cert-manager.io/issuer-group") ?? "cert-manager.io", namespace: m.namespace)
        }
        return nil
    }
}
