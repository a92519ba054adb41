/// A Gateway API `ReferenceGrant`: lets objects of `from` (group, kind, namespace) reference objects of `to`
/// (group, kind, optional name) in the grant's namespace.
public struct ReferenceGrant: Sendable {
    public var manifest: Manifest
    public init(manifest: Manifest) { self.manifest = manifest }

    public var namespace: String { manifest.namespace }

    public struct From: Sendable, Hashable {
        public var group: String, kind: String, namespace: String
    }
    public struct To: Sendable, Hashable {
        public var group: String, kind: String, name: String?
    }

    public var from: [From] {
        (manifest.value[path: "spec", "from"]?.elements ?? []).map {
            From(group: $0["group"]?.scalarText ?? "", kind: $0["kind"]?.scalarText ?? "", namespace: $0["namespace"]?.scalarText ?? "")
        }
    }
    public var to: [To] {
        (manifest.value[path: "spec", "to"]?.elements ?? []).map {
            To(group: $0["group"]?.scalarText ?? "", kind: $0["kind"]?.scalarText ?? "", name: $0["name"]?.scalarText)
        }
    }

    /// Whether a Gateway in `gatewayNamespace` may reference Secret `secretName` in this grant's namespace.
    public func allowsGateway(in gatewayNamespace: String, toSecret secretName: String) -> Bool {
        let fromOK = from.contains { $0.group == "gateway.networking.k8s.io" && $0.kind == "Gateway" && $0.namespace == gatewayNamespace }
        let toOK = to.contains { $0.group.isEmpty && $0.kind == "Secret" && ($0.name == nil || $0.name == secretName) }
        return fromOK && toOK
    }
}
