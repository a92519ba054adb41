/// One Kubernetes object read from a file (or from rendered output), with where it came from and which
/// Argo CD Application deploys it. A view over the decoded `Value`: nothing is copied out.
///
/// Its fields live in one immutable box (a setter makes a new box), so copying a manifest, which every typed
/// view and table does, costs one reference count instead of a dozen.
public struct Manifest: Sendable {
    private final class Storage: Sendable {
        let value: Value
        let kind: String
        let name: String
        let explicitNamespace: String?
        let group: String
        let isClusterScoped: Bool
        let location: SourceLocation
        let application: String?
        let defaultNamespace: String?
        let namespace: String
        let displayName: String
        let declaredWave: Int
        let syncPhase: SyncPhase

        init(value: Value, kind: String, name: String, explicitNamespace: String?, group: String, isClusterScoped: Bool,
             location: SourceLocation, application: String?, defaultNamespace: String?,
             naming: (namespace: String, displayName: String)? = nil, ordering: (wave: Int, phase: SyncPhase)? = nil) {
            self.value = value
            self.kind = kind
            self.name = name
            self.explicitNamespace = explicitNamespace
            self.group = group
            self.isClusterScoped = isClusterScoped
            self.location = location
            self.application = application
            self.defaultNamespace = defaultNamespace
            (namespace, displayName) = naming ?? Manifest.naming(kind, name, explicitNamespace, defaultNamespace, isClusterScoped)
            (declaredWave, syncPhase) = ordering ?? Manifest.ordering(annotations: value["metadata"]?["annotations"])
        }

        func with(location: SourceLocation? = nil, application: String?? = nil, defaultNamespace: String?? = nil) -> Storage {
            // The names stay when the default namespace cannot change them (an explicit namespace, or none at all).
            let keepsNaming = defaultNamespace == nil || explicitNamespace != nil || isClusterScoped
            return Storage(value: value, kind: kind, name: name, explicitNamespace: explicitNamespace, group: group,
                           isClusterScoped: isClusterScoped, location: location ?? self.location,
                           application: application ?? self.application, defaultNamespace: defaultNamespace ?? self.defaultNamespace,
                           naming: keepsNaming ? (namespace, displayName) : nil, ordering: (declaredWave, syncPhase))
        }
    }

    private var storage: Storage
    /// Position in the plan's `Inventory.manifests` (set by `Inventory`; -1 before).
    public var position = -1

    public var value: Value { storage.value }
    /// `kind`, `metadata.name` (or `generateName`) and `metadata.namespace`, read once.
    public var kind: String { storage.kind }
    public var name: String { storage.name }
    public var explicitNamespace: String? { storage.explicitNamespace }
    /// The API group (`cert-manager.io`), empty for the core group (`v1`).
    public var group: String { storage.group }
    public var isClusterScoped: Bool { storage.isClusterScoped }
    /// The file (relative to the repo root) and the line where the object starts.
    public var location: SourceLocation {
        get { storage.location }
        set { storage = storage.with(location: newValue) }
    }
    /// The id (`namespace/name`) of the Application that deploys this object; nil when no Application claims it.
    public var application: String? {
        get { storage.application }
        set { storage = storage.with(application: .some(newValue)) }
    }
    /// The namespace used when `metadata.namespace` is absent (the Application's `destination.namespace`).
    public var defaultNamespace: String? {
        get { storage.defaultNamespace }
        set { storage = storage.with(defaultNamespace: .some(newValue)) }
    }
    /// The effective namespace: `metadata.namespace`, else the Application's destination namespace, else `default`.
    /// Empty for cluster-scoped kinds. Worked out once per `defaultNamespace`: every lookup key reads it.
    public var namespace: String { storage.namespace }
    /// `Kind namespace/name` (or `Kind name` when cluster-scoped), the way findings name an object.
    public var displayName: String { storage.displayName }

    public init(value: Value, location: SourceLocation, application: String? = nil, defaultNamespace: String? = nil) {
        let metadata = value["metadata"]
        let ns = metadata?["namespace"]?.scalarText
        let apiVersion = value["apiVersion"]?.string ?? ""
        let kind = value["kind"]?.string ?? ""
        storage = Storage(value: value, kind: kind,
                          name: metadata?["name"]?.scalarText ?? metadata?["generateName"]?.scalarText ?? "",
                          explicitNamespace: (ns?.isEmpty ?? true) ? nil : ns,
                          group: apiVersion.firstIndex(of: "/").map { String(apiVersion[..<$0]) } ?? "",
                          isClusterScoped: ClusterScopedKinds.contains(kind),
                          location: location, application: application, defaultNamespace: defaultNamespace)
    }

    /// The same object claimed by an Application (one new box instead of one per field).
    public func claimed(by application: String?, defaultNamespace: String?) -> Manifest {
        var m = self
        m.storage = storage.with(application: .some(application), defaultNamespace: .some(defaultNamespace))
        return m
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

    /// `argocd.argoproj.io/sync-wave`, 0 when absent or not a number (read once, while decoding).
    public var declaredWave: Int { storage.declaredWave }

    /// Argo CD sync phase from `argocd.argoproj.io/hook` (or Helm's hook annotation); `Sync` for plain resources.
    public var syncPhase: SyncPhase { storage.syncPhase }

    /// The sync wave and phase the annotations declare.
    static func ordering(annotations: Value?) -> (wave: Int, phase: SyncPhase) {
        guard let annotations, annotations.object.map({ !$0.isEmpty }) ?? false else { return (0, .sync) }
        let wave = annotations["argocd.argoproj.io/sync-wave"]?.scalarText.flatMap { Int($0.trimmingSpaces) } ?? 0
        let hook = annotations["argocd.argoproj.io/hook"]?.scalarText ?? annotations["helm.sh/hook"]?.scalarText
        return (wave, SyncPhase(hookAnnotation: hook))
    }

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
