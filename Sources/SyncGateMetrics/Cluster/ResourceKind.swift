/// A Kubernetes resource the collector reads, with what a REST client needs to list it.
public struct ResourceKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    /// Only objects with these labels (`key=value`, comma-separated), like `kubectl -l`.
    public var labelSelector: String?
    /// Only this namespace (nil: all namespaces).
    public var namespace: String?

    public init(group: String, version: String, kind: String, plural: String, labelSelector: String? = nil, namespace: String? = nil) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.labelSelector = labelSelector
        self.namespace = namespace
    }

    /// The same kind, listed in one namespace only.
    public func scoped(to namespace: String?) -> ResourceKind {
        var copy = self
        copy.namespace = namespace
        return copy
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public static let application = ResourceKind(group: "argoproj.io", version: "v1alpha1", kind: "Application", plural: "applications")
    public static let certificate = ResourceKind(group: "cert-manager.io", version: "v1", kind: "Certificate", plural: "certificates")
    public static let certificateRequest = ResourceKind(group: "cert-manager.io", version: "v1", kind: "CertificateRequest", plural: "certificaterequests")
    public static let order = ResourceKind(group: "acme.cert-manager.io", version: "v1", kind: "Order", plural: "orders")
    public static let challenge = ResourceKind(group: "acme.cert-manager.io", version: "v1", kind: "Challenge", plural: "challenges")
    public static let httpRoute = ResourceKind(group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute", plural: "httproutes")
    public static let gateway = ResourceKind(group: "gateway.networking.k8s.io", version: "v1", kind: "Gateway", plural: "gateways")
    public static let secret = ResourceKind(group: "", version: "v1", kind: "Secret", plural: "secrets")
    /// The rollout journals (`syncgate-rollout-NAME` ConfigMaps the rollout engine keeps next to the Applications).
    public static let rolloutJournal = ResourceKind(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps",
                                                    labelSelector: "app.kubernetes.io/managed-by=syncgate")

    /// What one collection lists in all namespaces (Secrets are read one by one, only those Certificates name).
    public static let listed: [ResourceKind] = [.application, .certificate, .certificateRequest, .order, .challenge, .httpRoute, .gateway, .rolloutJournal]
}
