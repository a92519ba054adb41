/// An Argo CD `Application` (argoproj.io/v1alpha1). Computed accessors over the manifest.
public struct Application: Sendable {
    public var manifest: Manifest
    /// The ApplicationSet that generated it (`namespace/name`), if any.
    public var generatedBy: String?

    public init(manifest: Manifest, generatedBy: String? = nil) {
        self.manifest = manifest
        self.generatedBy = generatedBy
    }

    public var name: String { manifest.name }
    /// `metadata.namespace`, else `argocd` (where Argo CD looks for Applications by default).
    public var namespace: String {
        if let ns = manifest.metadata?["namespace"]?.scalarText, !ns.isEmpty { return ns }
        return "argocd"
    }
    public var id: String { "\(namespace)/\(name)" }
    public var nodeID: String { NodeID.application(namespace: namespace, name: name) }
    public var spec: Value? { manifest.value["spec"] }
    public var project: String? { spec?["project"]?.scalarText }

    /// `spec.sources` when present, else `[spec.source]`.
    public var sources: [ApplicationSource] {
        if let many = spec?["sources"]?.array, !many.isEmpty {
            return many.map { ApplicationSource(value: $0, location: manifest.location(of: $0)) }
        }
        if let one = spec?["source"] { return [ApplicationSource(value: one, location: manifest.location(of: one))] }
        return []
    }
    public var isMultiSource: Bool { (spec?["sources"]?.array?.count ?? 0) > 0 }

    public var destinationServer: String? { spec?[path: "destination", "server"]?.scalarText }
    public var destinationName: String? { spec?[path: "destination", "name"]?.scalarText }
    public var destinationNamespace: String? { spec?[path: "destination", "namespace"]?.scalarText }
    public var destinationLocation: SourceLocation { manifest.location(of: spec?["destination"]) }

    public var syncPolicy: Value? { spec?["syncPolicy"] }
    /// `spec.syncPolicy.automated` is present.
    public var hasAutomated: Bool { syncPolicy?["automated"] != nil && !(syncPolicy?["automated"]?.isNull ?? true) }
    /// `spec.syncPolicy.automated.enabled` (Argo CD v3.1+), nil when not written.
    public var automatedEnabled: Bool? { syncPolicy?[path: "automated", "enabled"]?.bool }
    /// Whether Argo CD auto-syncs this Application.
    public var autoSync: Bool { hasAutomated && (automatedEnabled ?? true) }
    public var syncOptions: [String] { (syncPolicy?["syncOptions"]?.elements ?? []).compactMap(\.scalarText) }
}

/// One source of an Application.
public struct ApplicationSource: Sendable {
    public var value: Value
    public var location: SourceLocation
    public init(value: Value, location: SourceLocation) {
        self.value = value
        self.location = location
    }

    public var repoURL: String { value["repoURL"]?.scalarText ?? "" }
    public var path: String? { value["path"]?.scalarText }
    public var targetRevision: String? { value["targetRevision"]?.scalarText }
    public var chart: String? { value["chart"]?.scalarText }
    /// `ref` of a multi-source values source (`$values`).
    public var ref: String? { value["ref"]?.scalarText }
    public var helm: Value? { value["helm"] }
    public var kustomize: Value? { value["kustomize"] }
    public var directory: Value? { value["directory"] }
    public var recurse: Bool { directory?["recurse"]?.bool ?? false }
    public var helmValueFiles: [String] { (helm?["valueFiles"]?.elements ?? []).compactMap(\.scalarText) }
    public var helmReleaseName: String? { helm?["releaseName"]?.scalarText }
    /// Inline values (`helm.values` text or `helm.valuesObject`).
    public var helmValues: String? {
        if let text = helm?["values"]?.string { return text }
        if let object = helm?["valuesObject"] { return JSONWriter.string(object) }
        return nil
    }
}
