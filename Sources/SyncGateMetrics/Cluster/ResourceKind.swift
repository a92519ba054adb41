import SyncGateKube

/// A listing the collector makes: one of SyncGateKube's resources, optionally narrowed by labels or to a namespace.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    public var resource: KubeResource
    /// Only objects with these labels (`key=value`, comma-separated), like `kubectl -l`.
    public var labelSelector: String?
    /// Only this namespace (nil: all namespaces).
    public var namespace: String?

    public init(_ resource: KubeResource, labelSelector: String? = nil, namespace: String? = nil) {
        self.resource = resource
        self.labelSelector = labelSelector
        self.namespace = namespace
    }

    /// The same kind, listed in one namespace only.
    public func scoped(to namespace: String?) -> ResourceKind {
        var copy = self
        copy.namespace = namespace
        return copy
    }

    public var version: String { resource.version }
    public var kind: String { resource.kind }
    public var apiVersion: String { resource.apiVersion }
    public var description: String { resource.groupResource }

    public static let application = ResourceKind(.applications)
    public static let certificate = ResourceKind(.certificates)
    public static let certificateRequest = ResourceKind(.certificateRequests)
    public static let order = ResourceKind(.orders)
    public static let challenge = ResourceKind(.challenges)
    public static let httpRoute = ResourceKind(.httpRoutes)
    public static let gateway = ResourceKind(.gateways)
    public static let secret = ResourceKind(.secrets)
    /// The rollout journals (`syncgate-rollout-NAME` ConfigMaps the rollout engine keeps next to the Applications).
    public static let rolloutJournal = ResourceKind(.configMaps, labelSelector: "app.kubernetes.io/managed-by=syncgate")

    /// What one collection lists in all namespaces (Secrets are read one by one, only those Certificates name).
    public static let listed: [ResourceKind] = [.application, .certificate, .certificateRequest, .order, .challenge, .httpRoute, .gateway, .rolloutJournal]
}
