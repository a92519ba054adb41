/// One kind of object the API serves: its group, versions, names and scope.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    /// Served versions; the first is the storage and preferred version.
    public var versions: [String]
    public var kind: String
    public var plural: String
    public var singular: String
    public var shortNames: [String]
    public var namespaced: Bool
    public var hasStatus: Bool
    /// Whether it is a CustomResourceDefinition kind (schema pruning, merge-patch for strategic patches).
    public var isCustom: Bool
    public var categories: [String]

    public init(group: String, versions: [String], kind: String, plural: String, shortNames: [String] = [],
                namespaced: Bool = true, hasStatus: Bool = false, isCustom: Bool = false, categories: [String] = []) {
        self.group = group
        self.versions = versions
        self.kind = kind
        self.plural = plural
        self.singular = kind.lowercased()
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.hasStatus = hasStatus
        self.isCustom = isCustom
        self.categories = categories
    }

    public var storageVersion: String { versions[0] }
    public var apiVersion: String { group.isEmpty ? storageVersion : "\(group)/\(storageVersion)" }
    public func apiVersion(_ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `certificates.cert-manager.io`, `secrets`.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
    public var description: String { qualifiedName }
    public var key: ResourceKey { ResourceKey(group: group, plural: plural) }
    public var verbs: [String] { ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] }
}

/// Group and plural: how objects are stored, independent of the served version.
public struct ResourceKey: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var plural: String
    public init(group: String, plural: String) { self.group = group; self.plural = plural }
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

/// Every resource KubeSim serves.
public struct ResourceCatalog: Sendable {
    public private(set) var types: [ResourceType]
    private var byKey: [ResourceKey: Int] = [:]

    public init(_ types: [ResourceType]) {
        self.types = types
        for (i, t) in types.enumerated() { byKey[t.key] = i }
    }

    public subscript(key: ResourceKey) -> ResourceType? { byKey[key].map { types[$0] } }

    public func type(group: String, version: String, plural: String) -> ResourceType? {
        guard let t = self[ResourceKey(group: group, plural: plural)], t.versions.contains(version) else { return nil }
        return t
    }

    public func type(apiVersion: String, kind: String) -> ResourceType? {
        let (group, version) = Self.split(apiVersion)
        return types.first { $0.group == group && $0.kind == kind && $0.versions.contains(version) }
    }

    public func type(kind: String, group: String? = nil) -> ResourceType? {
        types.first { $0.kind == kind && (group == nil || $0.group == group) }
    }

    public static func split(_ apiVersion: String) -> (group: String, version: String) {
        if let slash = apiVersion.lastIndex(of: "/") {
            return (String(apiVersion[..<slash]), String(apiVersion[apiVersion.index(after: slash)...]))
        }
        return ("", apiVersion)
    }

    /// Groups in discovery order with their versions (preferred first).
    public var groups: [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for t in types {
            if versions[t.group] == nil { order.append(t.group); versions[t.group] = [] }
            for v in t.versions where !versions[t.group]!.contains(v) { versions[t.group]!.append(v) }
        }
        return order.map { ($0, versions[$0]!) }
    }

    public func types(group: String, version: String) -> [ResourceType] {
        types.filter { $0.group == group && $0.versions.contains(version) }
    }

    public static let standard = ResourceCatalog([
        // core/v1
        ResourceType(group: "", versions: ["v1"], kind: "Namespace", plural: "namespaces", shortNames: ["ns"], namespaced: false, hasStatus: true),
        ResourceType(group: "", versions: ["v1"], kind: "Service", plural: "services", shortNames: ["svc"], hasStatus: true, categories: ["all"]),
        ResourceType(group: "", versions: ["v1"], kind: "Secret", plural: "secrets"),
        ResourceType(group: "", versions: ["v1"], kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"]),
        ResourceType(group: "", versions: ["v1"], kind: "Pod", plural: "pods", shortNames: ["po"], hasStatus: true, categories: ["all"]),
        ResourceType(group: "", versions: ["v1"], kind: "Event", plural: "events", shortNames: ["ev"]),
        ResourceType(group: "", versions: ["v1"], kind: "ServiceAccount", plural: "serviceaccounts", shortNames: ["sa"]),
        ResourceType(group: "", versions: ["v1"], kind: "Endpoints", plural: "endpoints", shortNames: ["ep"]),
        // apps/v1
        ResourceType(group: "apps", versions: ["v1"], kind: "Deployment", plural: "deployments", shortNames: ["deploy"], hasStatus: true, categories: ["all"]),
        ResourceType(group: "apps", versions: ["v1"], kind: "StatefulSet", plural: "statefulsets", shortNames: ["sts"], hasStatus: true, categories: ["all"]),
        ResourceType(group: "apps", versions: ["v1"], kind: "DaemonSet", plural: "daemonsets", shortNames: ["ds"], hasStatus: true, categories: ["all"]),
        ResourceType(group: "apps", versions: ["v1"], kind: "ReplicaSet", plural: "replicasets", shortNames: ["rs"], hasStatus: true, categories: ["all"]),
        // batch/v1
        ResourceType(group: "batch", versions: ["v1"], kind: "Job", plural: "jobs", hasStatus: true, categories: ["all"]),
        ResourceType(group: "batch", versions: ["v1"], kind: "CronJob", plural: "cronjobs", shortNames: ["cj"], hasStatus: true, categories: ["all"]),
        // coordination, networking, rbac
        ResourceType(group: "coordination.k8s.io", versions: ["v1"], kind: "Lease", plural: "leases"),
        ResourceType(group: "networking.k8s.io", versions: ["v1"], kind: "Ingress", plural: "ingresses", shortNames: ["ing"], hasStatus: true),
        ResourceType(group: "networking.k8s.io", versions: ["v1"], kind: "IngressClass", plural: "ingressclasses", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "Role", plural: "roles"),
        ResourceType(group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "RoleBinding", plural: "rolebindings"),
        ResourceType(group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "ClusterRole", plural: "clusterroles", namespaced: false),
        ResourceType(group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "ClusterRoleBinding", plural: "clusterrolebindings", namespaced: false),
        ResourceType(group: "apiextensions.k8s.io", versions: ["v1"], kind: "CustomResourceDefinition", plural: "customresourcedefinitions",
                     shortNames: ["crd", "crds"], namespaced: false, hasStatus: true),
        // Argo CD (Application has no status subresource upstream)
        ResourceType(group: "argoproj.io", versions: ["v1alpha1"], kind: "Application", plural: "applications", shortNames: ["app", "apps"], isCustom: true),
        ResourceType(group: "argoproj.io", versions: ["v1alpha1"], kind: "ApplicationSet", plural: "applicationsets", shortNames: ["appset", "appsets"], hasStatus: true, isCustom: true),
        ResourceType(group: "argoproj.io", versions: ["v1alpha1"], kind: "AppProject", plural: "appprojects", shortNames: ["appproj", "appprojs"], isCustom: true),
        // cert-manager
        ResourceType(group: "cert-manager.io", versions: ["v1"], kind: "Certificate", plural: "certificates", shortNames: ["cert", "certs"], hasStatus: true, isCustom: true, categories: ["cert-manager"]),
        ResourceType(group: "cert-manager.io", versions: ["v1"], kind: "CertificateRequest", plural: "certificaterequests", shortNames: ["cr", "crs"], hasStatus: true, isCustom: true, categories: ["cert-manager"]),
        ResourceType(group: "cert-manager.io", versions: ["v1"], kind: "Issuer", plural: "issuers", shortNames: ["iss"], hasStatus: true, isCustom: true, categories: ["cert-manager"]),
        ResourceType(group: "cert-manager.io", versions: ["v1"], kind: "ClusterIssuer", plural: "clusterissuers", shortNames: ["ciss"], namespaced: false, hasStatus: true, isCustom: true, categories: ["cert-manager"]),
        ResourceType(group: "acme.cert-manager.io", versions: ["v1"], kind: "Order", plural: "orders", hasStatus: true, isCustom: true, categories: ["cert-manager", "cert-manager-acme"]),
        ResourceType(group: "acme.cert-manager.io", versions: ["v1"], kind: "Challenge", plural: "challenges", hasStatus: true, isCustom: true, categories: ["cert-manager", "cert-manager-acme"]),
        // Gateway API
        ResourceType(group: "gateway.networking.k8s.io", versions: ["v1", "v1beta1"], kind: "GatewayClass", plural: "gatewayclasses", shortNames: ["gc"], namespaced: false, hasStatus: true, isCustom: true, categories: ["gateway-api"]),
        ResourceType(group: "gateway.networking.k8s.io", versions: ["v1", "v1beta1"], kind: "Gateway", plural: "gateways", shortNames: ["gtw"], hasStatus: true, isCustom: true, categories: ["gateway-api"]),
        ResourceType(group: "gateway.networking.k8s.io", versions: ["v1", "v1beta1"], kind: "HTTPRoute", plural: "httproutes", hasStatus: true, isCustom: true, categories: ["gateway-api"]),
        ResourceType(group: "gateway.networking.k8s.io", versions: ["v1", "v1beta1"], kind: "ReferenceGrant", plural: "referencegrants", shortNames: ["refgrant"], isCustom: true, categories: ["gateway-api"]),
    ])
}
