import SyncGateCore

/// Just enough OpenAPI for kubectl: v3 documents whose PATCH operations declare the `fieldValidation`
/// query parameter (so `kubectl apply` leaves validation to the server instead of downloading schemas),
/// and an empty v2 protobuf document (kubectl's validator insists on fetching one).
enum OpenAPI {
    static func v3Root(_ catalog: ResourceCatalog) -> Value {
        var paths: [(String, Value)] = []
        for g in catalog.groups {
            for v in g.versions {
                let key = g.name.isEmpty ? "api/\(v)" : "apis/\(g.name)/\(v)"
                paths.append((key, .obj([("serverRelativeURL", .string("/openapi/v3/\(key)?hash=kubesim1"))])))
            }
        }
        return .obj([("paths", .obj(paths))])
    }

    static func v3GroupVersion(_ catalog: ResourceCatalog, group: String, version: String) -> Value? {
        let types = catalog.types(group: group, version: version)
        guard !types.isEmpty else { return nil }
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        var paths: [(String, Value)] = []
        for t in types {
            let item = t.namespaced ? "\(prefix)/namespaces/{namespace}/\(t.plural)/{name}" : "\(prefix)/\(t.plural)/{name}"
            let gvk = Value.obj([("group", .string(group)), ("version", .string(version)), ("kind", .string(t.kind))])
            let params: [Value] = ["dryRun", "fieldManager", "fieldValidation", "force"].map {
                .obj([("name", .string($0)), ("in", .string("query")), ("schema", .obj([("type", .string("string")), ("uniqueItems", .bool(true))]))])
            }
            let op = Value.obj([("operationId", .string("patch\(t.kind)")), ("parameters", .array(params)),
                                ("responses", .obj([("200", .obj([("description", .string("OK"))]))])),
                                ("x-kubernetes-action", .string("patch")), ("x-kubernetes-group-version-kind", gvk)])
            paths.append((item, .obj([("patch", op)])))
        }
        return .obj([("openapi", .string("3.0.0")), ("info", .obj([("title", .string("KubeSim")), ("version", .string("v1.32.0"))])),
                     ("paths", .obj(paths))])
    }
}
