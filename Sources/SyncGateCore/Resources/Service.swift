/// A core `Service`.
public struct Service: Sendable {
    public let manifest: Manifest
    /// `spec.type` (ClusterIP by default) and `spec.selector`, read once: the graph, the inventory and the rules
    /// all ask.
    public let type: String
    public let selector: [String: String]

    public init(manifest: Manifest) {
        self.manifest = manifest
        type = manifest.value[path: "spec", "type"]?.scalarText ?? "ClusterIP"
        selector = Manifest.stringMap(manifest.value[path: "spec", "selector"])
    }

    public var name: String { manifest.name }
    public var namespace: String { manifest.namespace }
    public var key: ObjectKey { ObjectKey(namespace, name) }
    public var externalName: String? { manifest.value[path: "spec", "externalName"]?.scalarText }
    /// ExternalName Services and Services without selector (manual Endpoints) select no pods by design.
    public var expectsWorkload: Bool { type != "ExternalName" && !selector.isEmpty }
    public var nodeID: String { NodeID.service(namespace: namespace, name: name) }

    public func selects(_ workload: Workload) -> Bool {
        guard expectsWorkload, workload.namespace == namespace else { return false }
        let labels = workload.podLabels
        for (k, v) in selector where labels[k] != v { return false }
        return true
    }
}
