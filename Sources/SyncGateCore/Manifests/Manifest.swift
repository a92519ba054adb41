/// One Kubernetes object read from a file (or from rendered output), with where it came from and which
/// Argo CD Application deploys it. A view over the decoded `Value`: nothing is copied out.
public struct Manifest: Sendable {
    public let value: Value
    /// `kind`, `metadata.name` (or `generateName`) and `metadata.namespace`, read once.
    public let kind: String
    public let name: String
    public let explicitNamespace: String?
    /// The API group (`cert-manager.io`), empty for the core group (`v1`).
    public let group: String
    public let isClusterScoped: Bool
    /// The file (relative to the repo root) and the line where the object starts.
    public var location: SourceLocation
    /// The id (`namespace/name`) of the Application that deploys this object; nil when no Application claims it.
    public var application: String?
    /// The namespace used when `metadata.namespace` is absent (the Application's `destination.namespace`).
    public var defaultNamespace: String? {
        didSet { (namespace, displayName) = Manifest.naming(kind, name, explicitNamespace, defaultNamespace, isClusterScoped) }
    }
    /// Position in the plan's `Inventory.manifests` (set by `Inventory`; -1 before).
    public var position = -1
    /// The effective namespace: `metadata.namespace`, else the Application's destination namespace, else `default`.
    /// Empty for cluster-scoped kinds. Worked out once (and again when `defaultNamespace` changes): every
    /// lookup key reads it.
    public private(set) var namespace: String
    /// `Kind namespace/name` (or `Kind name` when cluster-scoped), the way findings name an object.
    public private(set) var displayName: String

    public init(value: Value, location: SourceLocation, application: String? = nil, defaultNamespace: String? = nil) {
        self.value = value
        let metadata = value["metadata"]
        kind = value["kind"]?.string ?? ""
        name = metadata?["name"]?.scalarText ?? metadata?["generateName"]?.scalarText ?? ""
        let ns = metadata?["namespace"]?.scalarText
        explicitNamespace = (ns?.isEmpty ?? true) ? nil : ns
        let apiVersion = value["apiVersion"]?.string ?? ""
        group = apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? ""
        isClusterScoped = ClusterScopedKinds.contains(kind)
        self.location = location
        self.application = application
        self.defaultNamespace = defaultNamespace
        (namespace, displayName) = Manifest.naming(kind, name, explicitNamespace, defaultNamespace, isClusterScoped)
    }

    static func naming(_ kind: String, _ name: String, _ explicitNamespace: String?, _ defaultNamespace: String?,
                       _ clusterScoped: Bool) -> (namespace: String, displayName: String) {
        let ns: String
        if clusterScoped {
            ns = ""
        } else if let e = explicitNamespace {
            ns = e
        } else if let d = defaultNamespace, !d.isEmpty {
            ns = d
        } else {
            ns = "default"
        }
        return (ns, ns.isEmpty ? "\(kind) \(name)" : "\(kind) \(ns)/\(name)")
    }

    public var apiVersion: String { value["apiVersion"]?.string ?? "" }
    public var metadata: Value? { value["metadata"] }

    public func annotation(_ key: String) -> String? { metadata?["annotations"]?[key]?.scalarText }
    public func label(_ key: String) -> String? { metadata?["labels"]?[key]?.scalarText }
    public var labels: [String: String] { Manifest.stringMap(metadata?["labels"]) }

    /// The location of a node inside this object (its own line), or the object's line when unknown.
    public func location(of node: Value?) -> SourceLocation {
        guard let node, node.line > 0 else { return location }
        return SourceLocation(file: location.file, line: Int(node.line))
    }

    /// `argocd.argoproj.io/sync-wave`, 0 when absent or not a number.
    public var declaredWave: Int {
        guard let text = annotation("argocd.argoproj.io/sync-wave")?.trimmingSpaces, let w = Int(text) else { return 0 }
        return w
    }

    /// Argo CD sync phase from `argocd.argoproj.io/hook` (or Helm's hook annotation); `Sync` for plain resources.
    public var syncPhase: SyncPhase { SyncPhase(hookAnnotation: annotation("argocd.argoproj.io/hook") ?? annotation("helm.sh/hook")) }

    static func stringMap(_ v: Value?) -> [String: String] {
        guard let o = v?.object else { return [:] }
        var out: [String: String] = [:]
        for (k, val) in o.pairs { if let s = val.scalarText { out[k] = s } }
        return out
    }
}

/// Kinds that live outside namespaces (the ones SyncGate meets in GitOps repositories).
enum ClusterScopedKinds {
    static func contains(_ kind: String) -> Bool {
        switch kind {
        case "Namespace", "ClusterIssuer", "GatewayClass", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
             "StorageClass", "PersistentVolume", "PriorityClass", "ValidatingWebhookConfiguration",
             "MutatingWebhookConfiguration", "APIService", "IngressClass", "Node", "RuntimeClass",
             "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CSIDriver", "VolumeSnapshotClass":
            return true
        default:
            return false
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
