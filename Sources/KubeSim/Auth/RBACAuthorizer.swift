import SyncGateCore

/// Evaluates Roles, ClusterRoles and their bindings from the store, the way the RBAC authorizer does.
/// `system:masters` is always allowed; discovery and /version are allowed to anyone authenticated.
struct RBACAuthorizer: Sendable {
    let store: ObjectStore

    static let rbac = "rbac.authorization.k8s.io"

    func allows(_ user: UserInfo, _ a: RequestAttributes) -> Bool {
        if user.groups.contains("system:masters") { return true }
        if !a.isResourceRequest {
            let p = a.path
            if p == "/api" || p.hasPrefix("/api/") || p == "/apis" || p.hasPrefix("/apis/") || p.hasPrefix("/version")
                || p.hasPrefix("/openapi") || p == "/healthz" || p == "/livez" || p == "/readyz" {
                return true
            }
        }
        for binding in store.list(ResourceKey(group: Self.rbac, plural: "clusterrolebindings")) where subjectsMatch(binding, user, bindingNamespace: nil) {
            if let role = store.get(ResourceKey(group: Self.rbac, plural: "clusterroles"), name: binding[path: "roleRef", "name"]?.string ?? ""),
               rulesAllow(role, a) { return true }
        }
        if let ns = a.namespace, !ns.isEmpty {
            for binding in store.list(ResourceKey(group: Self.rbac, plural: "rolebindings"), namespace: ns) where subjectsMatch(binding, user, bindingNamespace: ns) {
                let refName = binding[path: "roleRef", "name"]?.string ?? ""
                let role: Value?
                if binding[path: "roleRef", "kind"]?.string == "ClusterRole" {
                    role = store.get(ResourceKey(group: Self.rbac, plural: "clusterroles"), name: refName)
                } else {
                    role = store.get(ResourceKey(group: Self.rbac, plural: "roles"), namespace: ns, name: refName)
                }
                if let role, rulesAllow(role, a) { return true }
            }
        }
        return false
    }

    private func subjectsMatch(_ binding: Value, _ user: UserInfo, bindingNamespace: String?) -> Bool {
        for s in binding["subjects"]?.elements ?? [] {
            let name = s["name"]?.string ?? ""
            switch s["kind"]?.string ?? "" {
            case "User": if name == user.name { return true }
            case "Group": if user.groups.contains(name) { return true }
            case "ServiceAccount":
                let ns = s["namespace"]?.string ?? bindingNamespace ?? ""
                if user.name == "system:serviceaccount:\(ns):\(name)" { return true }
            default: break
            }
        }
        return false
    }

    private func rulesAllow(_ role: Value, _ a: RequestAttributes) -> Bool {
        for rule in role["rules"]?.elements ?? [] {
            let verbs = rule["verbs"]?.elements.compactMap(\.string) ?? []
            guard verbs.contains("*") || verbs.contains(a.verb) else { continue }
            if !a.isResourceRequest {
                let urls = rule["nonResourceURLs"]?.elements.compactMap(\.string) ?? []
                if urls.contains(where: { $0 == a.path || $0 == "*" || ($0.hasSuffix("*") && a.path.hasPrefix(String($0.dropLast()))) }) { return true }
                continue
            }
            let groups = rule["apiGroups"]?.elements.compactMap(\.string) ?? []
            guard groups.contains("*") || groups.contains(a.group) else { continue }
            let resources = rule["resources"]?.elements.compactMap(\.string) ?? []
            let full = a.subresource.map { "\(a.resource)/\($0)" } ?? a.resource
            let resourceOK = resources.contains("*") || resources.contains(full)
                || (a.subresource != nil && resources.contains("*/\(a.subresource!)"))
            guard resourceOK else { continue }
            let names = rule["resourceNames"]?.elements.compactMap(\.string) ?? []
            if !names.isEmpty {
                guard let n = a.name, names.contains(n) else { continue }
            }
            return true
        }
        return false
    }
}
