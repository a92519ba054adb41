import Foundation
import SyncGateCore

/// The CustomResourceDefinitions KubeSim installs: compact built-in ones (enough for discovery and for the
/// Argo CD `automated.enabled` question), or the upstream files from a directory.
public enum CustomResourceDefinitions {
    /// Which Argo CD Application CRD to install.
    public enum ArgoCDVersion: Sendable, Equatable {
        /// v3.1 and later: `spec.syncPolicy.automated.enabled` exists.
        case current
        /// Before v3.1: no `enabled`; the API server drops it on write.
        case beforeAutomatedEnabled
    }

    /// CRD objects for every custom type in the catalog. Upstream files in `directory` (any depth) replace the
    /// built-in ones for the types they define.
    public static func objects(catalog: ResourceCatalog, directory: String?, argoCD: ArgoCDVersion) throws -> [Value] {
        var byName: [String: Value] = [:]
        for t in catalog.types where t.isCustom { byName["\(t.plural).\(t.group)"] = builtin(t) }
        if let directory {
            for file in yamlFiles(under: directory) {
                let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
                for doc in try YAMLDecoder.decodeAll(bytes, file: file).documents {
                    let v = doc.root
                    guard v["kind"]?.string == "CustomResourceDefinition" else { continue }
                    let name = v.metadataName
                    if byName[name] != nil { byName[name] = v }
                }
            }
        }
        if argoCD == .beforeAutomatedEnabled, var app = byName["applications.argoproj.io"] {
            app = removingAutomatedEnabled(app)
            byName["applications.argoproj.io"] = app
        }
        return byName.keys.sorted().map { byName[$0]! }
    }

    static func yamlFiles(under directory: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") { out.append(directory + "/" + rel) }
        }
        return out.sorted()
    }

    static func removingAutomatedEnabled(_ crd: Value) -> Value {
        var crd = crd
        var versions = crd[path: "spec", "versions"]?.elements ?? []
        for i in versions.indices {
            versions[i].set(["schema", "openAPIV3Schema", "properties", "spec", "properties", "syncPolicy", "properties",
                             "automated", "properties", "enabled"], nil)
        }
        crd.set(["spec", "versions"], .array(versions))
        crd.set(["metadata", "annotations", "kubesim.syncgate.dev/simulates"], .string("Argo CD before v3.1 (no spec.syncPolicy.automated.enabled)"))
        return crd
    }

    static func builtin(_ t: ResourceType) -> Value {
        let schema: Value
        if t.kind == "Application" && t.group == "argoproj.io" {
            schema = applicationSchema
        } else {
            schema = .obj([("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true))])
        }
        var names: [(String, Value)] = [("kind", .string(t.kind)), ("listKind", .string(t.kind + "List")),
                                        ("plural", .string(t.plural)), ("singular", .string(t.singular))]
        if !t.shortNames.isEmpty { names.append(("shortNames", .strings(t.shortNames))) }
        if !t.categories.isEmpty { names.append(("categories", .strings(t.categories))) }
        let versions: [Value] = t.versions.enumerated().map { i, v in
            .obj([("name", .string(v)), ("served", .bool(true)), ("storage", .bool(i == 0)),
                  ("schema", .obj([("openAPIV3Schema", schema)])),
                  ("subresources", t.hasStatus ? .obj([("status", .obj([]))]) : .obj([]))])
        }
        return .obj([
            ("apiVersion", .string("apiextensions.k8s.io/v1")), ("kind", .string("CustomResourceDefinition")),
            ("metadata", .obj([("name", .string("\(t.plural).\(t.group)"))])),
            ("spec", .obj([("group", .string(t.group)), ("names", .obj(names)),
                           ("scope", .string(t.namespaced ? "Namespaced" : "Cluster")), ("versions", .array(versions))])),
        ])
    }

    /// A compact Application schema: everything preserved except the shape of `spec.syncPolicy.automated`.
    static var applicationSchema: Value {
        let bool = Value.obj([("type", .string("boolean"))])
        let automated = Value.obj([
            ("description", .string("Automated will keep an application synced to the target revision")),
            ("type", .string("object")),
            ("properties", .obj([("allowEmpty", bool), ("enabled", bool), ("prune", bool), ("selfHeal", bool)])),
        ])
        let syncPolicy = Value.obj([
            ("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true)),
            ("properties", .obj([("automated", automated)])),
        ])
        let spec = Value.obj([
            ("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true)),
            ("properties", .obj([("syncPolicy", syncPolicy)])),
        ])
        let open = Value.obj([("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true))])
        return .obj([
            ("type", .string("object")),
            ("properties", .obj([("apiVersion", .obj([("type", .string("string"))])), ("kind", .obj([("type", .string("string"))])),
                                 ("metadata", .obj([("type", .string("object"))])), ("spec", spec), ("status", open),
                                 ("operation", open)])),
            ("required", .strings(["metadata", "spec"])),
        ])
    }
}
