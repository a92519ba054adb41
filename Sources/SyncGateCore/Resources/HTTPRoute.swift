/// A Gateway API `HTTPRoute` (also used for `GRPCRoute`, which has the same parentRefs/hostnames/backendRefs).
public struct HTTPRoute: Sendable {
    public let manifest: Manifest
    /// `spec.hostnames`, `spec.parentRefs` and every rule's `backendRefs`, read once (the graph, the chains and
    /// several rules all walk them).
    public let hostnames: [String]
    public let parentRefs: [ParentRef]
    public let backendRefs: [BackendRef]

    public init(manifest: Manifest) {
        self.manifest = manifest
        let spec = manifest.value["spec"]
        let namespace = manifest.namespace
        hostnames = (spec?["hostnames"]?.elements ?? []).compactMap(\.scalarText)
        parentRefs = (spec?["parentRefs"]?.elements ?? []).map { ParentRef(value: $0, defaultNamespace: namespace) }
        var backends: [BackendRef] = []
        for rule in spec?["rules"]?.elements ?? [] {
            for ref in rule["backendRefs"]?.elements ?? [] {
                backends.append(BackendRef(value: ref, defaultNamespace: namespace, location: manifest.location(of: ref)))
            }
        }
        backendRefs = backends
    }

    public var name: String { manifest.name }
    public var namespace: String { manifest.namespace }
}

/// `parentRefs[]`: a Gateway (by default), optionally one listener (`sectionName`).
public struct ParentRef: Sendable {
    public var value: Value
    public var defaultNamespace: String
    public init(value: Value, defaultNamespace: String) {
        self.value = value
        self.defaultNamespace = defaultNamespace
    }
    public var name: String { value["name"]?.scalarText ?? "" }
    public var namespace: String { value["namespace"]?.scalarText ?? defaultNamespace }
    public var kind: String { value["kind"]?.scalarText ?? "Gateway" }
    public var sectionName: String? { value["sectionName"]?.scalarText }
    public var port: Int? { value["port"]?.int }
    public var gatewayKey: ObjectKey { ObjectKey(namespace, name) }
}

/// A backend of a route or Ingress: a Service by default.
public struct BackendRef: Sendable {
    public var value: Value
    public var defaultNamespace: String
    public var location: SourceLocation
    public init(value: Value, defaultNamespace: String, location: SourceLocation) {
        self.value = value
        self.defaultNamespace = defaultNamespace
        self.location = location
    }
    public var name: String { value["name"]?.scalarText ?? "" }
    public var namespace: String { value["namespace"]?.scalarText ?? defaultNamespace }
    public var kind: String { value["kind"]?.scalarText ?? "Service" }
    public var group: String { value["group"]?.scalarText ?? "" }
    public var port: Int? { value["port"]?.int }
    public var isService: Bool { kind == "Service" && group.isEmpty }
    public var key: ObjectKey { ObjectKey(namespace, name) }
}
