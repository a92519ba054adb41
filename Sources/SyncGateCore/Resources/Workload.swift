/// A `Deployment`, `StatefulSet` or `DaemonSet`.
public struct Workload: Sendable {
    public let manifest: Manifest
    /// Containers and init containers with an image, read once.
    public let containers: [Container]

    public init(manifest: Manifest) {
        self.manifest = manifest
        containers = Workload.containers(of: manifest)
    }

    public static func isWorkloadKind(_ kind: String) -> Bool {
        kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet"
    }

    public var kind: String { manifest.kind }
    public var name: String { manifest.name }
    public var namespace: String { manifest.namespace }
    public var nodeID: String { NodeID.workload(namespace: namespace, kind: kind, name: name) }
    public var matchLabels: [String: String] { Manifest.stringMap(manifest.value[path: "spec", "selector", "matchLabels"]) }
    public var podLabels: [String: String] { Manifest.stringMap(manifest.value[path: "spec", "template", "metadata", "labels"]) }

    public struct Container: Sendable {
        public var name: String
        public var image: String
        public var location: SourceLocation
    }

    static func containers(of manifest: Manifest) -> [Container] {
        let spec = manifest.value[path: "spec", "template", "spec"]
        var out: [Container] = []
        for key in ["initContainers", "containers"] {
            for c in spec?[key]?.elements ?? [] {
                if let image = c["image"]?.scalarText, !image.isEmpty {
                    out.append(Container(name: c["name"]?.scalarText ?? "", image: image, location: manifest.location(of: c["image"])))
                }
            }
        }
        return out
    }
}
