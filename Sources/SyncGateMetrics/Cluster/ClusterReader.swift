import SyncGateCore

/// Reads cluster objects for the collector. The live implementation sits on SyncGateKube's client; tests and
/// `syncgate metrics --snapshot` use `SnapshotClusterReader` over objects from files.
public protocol ClusterReader: Sendable {
    /// Every object of the kind in all namespaces. A kind whose CRD is not installed lists as empty.
    func list(_ kind: ResourceKind) async throws -> [Value]
    /// One object, or nil when it does not exist.
    func get(_ kind: ResourceKind, namespace: String, name: String) async throws -> Value?
}

/// Objects held in memory, e.g. the output of `kubectl get applications,certificates,… -A -o yaml`.
public struct SnapshotClusterReader: ClusterReader {
    private var objects: [String: [Value]] = [:]

    public init(objects: [Value]) {
        for object in objects { add(object) }
    }

    /// Objects from YAML or JSON documents; `kind: List` documents (what kubectl prints) are unpacked.
    public init(documents text: String, file: String = "<snapshot>") throws {
        let decoded = try YAMLDecoder.decodeAll(text, file: file)
        self.init(objects: decoded.documents.map(\.root))
    }

    private mutating func add(_ object: Value) {
        if object["kind"]?.string?.hasSuffix("List") == true, let items = object["items"]?.array {
            for item in items { add(item) }
            return
        }
        guard let kind = object["kind"]?.string, let apiVersion = object["apiVersion"]?.string else { return }
        objects[Self.key(apiVersion: apiVersion, kind: kind), default: []].append(object)
    }

    static func key(apiVersion: String, kind: String) -> String {
        // The group decides, not the version: v1beta1 and v1 HTTPRoutes are the same resource.
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        return "\(group)|\(kind)"
    }

    public func list(_ kind: ResourceKind) async throws -> [Value] {
        var all = objects[Self.key(apiVersion: kind.apiVersion, kind: kind.kind)] ?? []
        if let namespace = kind.namespace { all = all.filter { $0[path: "metadata", "namespace"]?.string == namespace } }
        guard let selector = kind.labelSelector else { return all }
        let wanted = selector.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        return all.filter { object in
            wanted.allSatisfy { pair in pair.count == 2 && object[path: "metadata", "labels", pair[0]]?.scalarText == pair[1] }
        }
    }

    public func get(_ kind: ResourceKind, namespace: String, name: String) async throws -> Value? {
        try await list(kind).first { $0[path: "metadata", "namespace"]?.string == namespace && $0[path: "metadata", "name"]?.string == name }
    }
}
