import SyncGateCore

/// Discovery documents: /version, /api, /apis, /api/v1, /apis/GROUP/VERSION (the non-aggregated forms;
/// kubectl falls back to them when the answer's Content-Type is plain application/json).
enum Discovery {
    static func version() -> Value {
        .obj([("major", .string("1")), ("minor", .string("32")), ("gitVersion", .string("v1.32.0-kubesim")),
              ("gitCommit", .string("0000000000000000000000000000000000000000")), ("gitTreeState", .string("clean")),
              ("buildDate", .string("2026-01-01T00:00:00Z")), ("goVersion", .string("go1.23.0")), ("compiler", .string("gc")),
              ("platform", .string("linux/amd64"))])
    }

    static func coreVersions(address: String) -> Value {
        .obj([("kind", .string("APIVersions")), ("versions", .strings(["v1"])),
              ("serverAddressByClientCIDRs", .array([.obj([("clientCIDR", .string("0.0.0.0/0")), ("serverAddress", .string(address))])]))])
    }

    static func groupList(_ catalog: ResourceCatalog) -> Value {
        var groups: [Value] = []
        for g in catalog.groups where !g.name.isEmpty {
            groups.append(group(g.name, g.versions))
        }
        return .obj([("kind", .string("APIGroupList")), ("apiVersion", .string("v1")), ("groups", .array(groups))])
    }

    static func group(_ name: String, _ versions: [String]) -> Value {
        let vs: [Value] = versions.map { .obj([("groupVersion", .string("\(name)/\($0)")), ("version", .string($0))]) }
        return .obj([("name", .string(name)), ("versions", .array(vs)), ("preferredVersion", vs[0])])
    }

    static func groupDocument(_ catalog: ResourceCatalog, _ name: String) -> Value? {
        guard let g = catalog.groups.first(where: { $0.name == name }) else { return nil }
        var v = group(g.name, g.versions)
        v.set(["kind"], .string("APIGroup"))
        v.set(["apiVersion"], .string("v1"))
        return v
    }

    static func resourceList(_ catalog: ResourceCatalog, group: String, version: String) -> Value? {
        let types = catalog.types(group: group, version: version)
        guard !types.isEmpty else { return nil }
        var resources: [Value] = []
        for t in types {
            var r: [(String, Value)] = [
                ("name", .string(t.plural)), ("singularName", .string(t.singular)), ("namespaced", .bool(t.namespaced)),
                ("kind", .string(t.kind)), ("verbs", .strings(t.verbs)),
            ]
            if !t.shortNames.isEmpty { r.append(("shortNames", .strings(t.shortNames))) }
            if !t.categories.isEmpty { r.append(("categories", .strings(t.categories))) }
            resources.append(.obj(r))
            if t.hasStatus {
                resources.append(.obj([("name", .string("\(t.plural)/status")), ("singularName", .string("")),
                                       ("namespaced", .bool(t.namespaced)), ("kind", .string(t.kind)),
                                       ("verbs", .strings(["get", "patch", "update"]))]))
            }
        }
        return .obj([("kind", .string("APIResourceList")), ("apiVersion", .string("v1")),
                     ("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)")), ("resources", .array(resources))])
    }
}
