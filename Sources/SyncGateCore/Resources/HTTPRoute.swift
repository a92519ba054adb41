/// A Gateway API `HTTPRoute` (also used for `GRPCRoute`, which has the same parentRefs/hostnames/backendRefs).
public final class HTTPRoute: Sendable {
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

/// `parentRefs[]`: a Gateway (by default), optionally one listener (`sectionName`). Its fields are read once:
/// every route is matched against every listener of its Gateway.
public final class ParentRef: Sendable {
    public let value: Value
    public let defaultNamespace: String
    public let name: String
    public let namespace: String
    public let kind: String
    public let sectionName: String?
    public let port: Int?

    public init(value: Value, defaultNamespace: String) {
        self.value = value
        self.defaultNamespace = defaultNamespace
        name = value["name"]?.scalarText ?? ""
        namespace = value["namespace"]?.scalarText ?? defaultNamespace
        kind = value["kind"]?.scalarText ?? "Gateway"
        sectionName = value["sectionName"]?.scalarText
        port = value["port"]?.int
    }
    public var gatewayKey: ObjectKey { ObjectKey(namespace, name) }
}

/// A backend of a route or Ingress: a Service by default.
/// Its name, namespace, kind and group are read once (the graph, the chains and the rules all ask).
public final class BackendRef: Sendable {
    public let value: Value
    public let defaultNamespace: String
    public let location: SourceLocation
    public let name: String
    public let namespace: String
    public let kind: String
    public let group: String

    public init(value: Value, defaultNamespace: String, location: SourceLocation) {
        self.value = value
        self.defaultNamespace = defaultNamespace
        self.location = location
        name = value["name"]?.scalarText ?? ""
        namespace = value["namespace"]?.scalarText ?? defaultNamespace
        kind = value["kind"]?.scalarText ?? "Service"
        group = value["group"]?.scalarText ?? ""
    }
    public var port: Int? { value["port"]?.int }
    public var isService: Bool { kind == "Service" && group.isEmpty }
    public var key: ObjectKey { ObjectKey(namespace, name) }
}
