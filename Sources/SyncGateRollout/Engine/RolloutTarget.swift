/// What the engine rolls out: Argo CD Applications and, inside each, the TLS hostnames with their chain of
/// prerequisites (DESIGN §1). Built from the planning core's graph (`InventoryAdapter`) or by hand in tests.
public struct RolloutInventory: Sendable {
    public var applications: [RolloutApplication]
    public init(applications: [RolloutApplication]) { self.applications = applications }

    public func application(_ id: String) -> RolloutApplication? { applications.first { $0.identity.id == id } }
}

public struct RolloutApplication: Sendable {
    public var identity: ApplicationIdentity
    public var hosts: [HostTarget]
    /// Applications (`namespace/name`) that must be rolled out first (they declare the Gateway, issuer, backend…).
    public var dependsOn: [String]
    /// `argocd.argoproj.io/sync-wave` of the Application (app-of-apps order), a tie-breaker after dependencies.
    public var wave: Int

    public init(identity: ApplicationIdentity, hosts: [HostTarget] = [], dependsOn: [String] = [], wave: Int = 0) {
        self.identity = identity
        self.hosts = hosts
        self.dependsOn = dependsOn
        self.wave = wave
    }
}

/// `namespace/name` of a namespaced object.
public struct ObjectName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public init(_ namespace: String, _ name: String) {
        self.namespace = namespace
        self.name = name
    }
    public var description: String { "\(namespace)/\(name)" }
    public static func < (a: ObjectName, b: ObjectName) -> Bool { a.description < b.description }
}

/// A Gateway listener: `namespace/gateway/listener`.
public struct ListenerRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var gateway: ObjectName
    public var name: String
    public init(gateway: ObjectName, name: String) {
        self.gateway = gateway
        self.name = name
    }
    public var nodeID: String { "listener:\(gateway.namespace)/\(gateway.name)/\(name)" }
    public var description: String { "\(gateway)/\(name)" }
    public static func < (a: ListenerRef, b: ListenerRef) -> Bool { a.description < b.description }
}

public struct IssuerTarget: Sendable, Hashable, CustomStringConvertible {
    /// `Issuer` or `ClusterIssuer`.
    public var kind: String
    public var name: String
    /// The namespace of an `Issuer` (the Certificate's).
    public var namespace: String?
    public init(kind: String = "ClusterIssuer", name: String, namespace: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = kind == "ClusterIssuer" ? nil : namespace
    }
    public var nodeID: String {
        kind == "ClusterIssuer" ? "issuer:ClusterIssuer/\(name)" : "issuer:\(namespace ?? "")/\(kind)/\(name)"
    }
    public var description: String { namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)" }
}

/// One TLS hostname and everything it needs, in chain order: DNS, backend (Service, workload, images), issuer,
/// Secret, listener(s), Certificate.
public struct HostTarget: Sendable {
    public var host: String
    /// Backend Services this host routes to that another Application (or nobody) deploys: they must exist live
    /// before the sync. Services the Application deploys itself are covered by `images`.
    public var services: [ObjectName]
    public var images: [String]
    public var issuer: IssuerTarget?
    /// The issuer is deployed by this same Application (it cannot exist before the sync).
    public var issuerInApplication: Bool
    /// The TLS Secret the listener serves (and the Certificate writes).
    public var secret: ObjectName?
    public var listeners: [ListenerRef]
    public var certificate: ObjectName?
    /// The Certificate carries `cert-manager.io/issue-temporary-certificate: "true"` (cert-manager fills the Secret at once).
    public var temporaryCertificate: Bool
    /// HTTP-01 validation (needs DNS to the ingress); false for DNS-01.
    public var http01: Bool
    /// Where the Certificate (else the listener) is declared, for reports.
    public var source: String

    public init(host: String, services: [ObjectName] = [], images: [String] = [], issuer: IssuerTarget? = nil,
                issuerInApplication: Bool = false, secret: ObjectName? = nil, listeners: [ListenerRef] = [], certificate: ObjectName? = nil,
                temporaryCertificate: Bool = false, http01: Bool = true, source: String = "") {
        self.host = host.lowercased()
        self.services = services
        self.images = images
        self.issuer = issuer
        self.issuerInApplication = issuerInApplication
        self.secret = secret
        self.listeners = listeners
        self.certificate = certificate
        self.temporaryCertificate = temporaryCertificate
        self.http01 = http01
        self.source = source
    }
}
