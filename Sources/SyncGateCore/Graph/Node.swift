/// One thing that must exist before the next step can succeed (DESIGN §1).
public struct Node: Sendable, Hashable {
    public var id: String
    public var kind: NodeKind
    /// The Application (`namespace/name`) whose object declares it; nil for shared external things (DNS, images)
    /// and unowned objects.
    public var application: String?
    /// Where it is declared (or first referenced, when nothing declares it).
    public var location: SourceLocation
    /// The object that declares it (`Gateway traefik/traefik-gateway`), nil for DNS names, images and things that
    /// are only referenced.
    public var object: String?
    /// Whether something in the repository declares it (false: only referenced).
    public var declared: Bool
    /// Position in `Inventory.manifests` of the object that declares it (nil when only referenced, or made
    /// outside an inventory): nodes of one object (a Gateway and its listeners) share it.
    public var manifestPosition: Int?

    public init(id: String, kind: NodeKind, application: String?, location: SourceLocation, object: String?, declared: Bool,
                manifestPosition: Int? = nil) {
        self.id = id
        self.kind = kind
        self.application = application
        self.location = location
        self.object = object
        self.declared = declared
        self.manifestPosition = manifestPosition
    }
}

/// Why one node must come before another.
public enum EdgeKind: String, Sendable, Hashable, CaseIterable {
    /// image -> workload: the workload runs the image.
    case runsImage = "runs-image"
    /// workload -> service: the Service selects the workload's pods.
    case selects
    /// service -> listener (or certificate for Ingress): a route sends traffic for a host to the Service.
    case routesTo = "routes-to"
    /// secret -> listener: the listener terminates TLS with the Secret.
    case terminatesWith = "terminates-with"
    /// gateway -> listener.
    case listenerOf = "listener-of"
    /// listener -> certificate: the Certificate's Secret is served by the listener, or its HTTP-01 solver route
    /// attaches to the listener.
    case servedBy = "served-by"
    /// issuer -> certificate.
    case issuedBy = "issued-by"
    /// dns -> certificate: HTTP-01 validation needs the name to resolve to the ingress.
    case validates
    /// certificate -> secret: `issue-temporary-certificate` fills the Secret at once.
    case createsTemporary = "creates-temporary"
}

/// A dependency: `from` must exist (and be healthy) before `to`.
public struct Edge: Sendable, Hashable {
    public var from: String
    public var to: String
    public var kind: EdgeKind
    public var reason: String
    public var location: SourceLocation

    public init(from: String, to: String, kind: EdgeKind, reason: String, location: SourceLocation) {
        self.from = from
        self.to = to
        self.kind = kind
        self.reason = reason
        self.location = location
    }
}
