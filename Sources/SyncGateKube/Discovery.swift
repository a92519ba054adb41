import SyncGateCore

/// Which group versions the cluster serves, and what the installed CRDs allow.
public struct APIDiscovery: Sendable {
    /// `group` → served versions, preferred first.
    public var groups: [String: [String]]

    public init(groups: [String: [String]]) { self.groups = groups }

    /// Reads `/apis` (and assumes the core group `v1`).
    public static func load(_ client: KubeClient) async throws -> APIDiscovery {
        let v = try await client.getPath("/apis")
        var groups: [String: [String]] = ["": ["v1"]]
        for g in v["groups"]?.elements ?? [] {
            guard let name = g["name"]?.string else { continue }
            var versions = g["versions"]?.elements.compactMap { $0["version"]?.string } ?? []
            if let preferred = g[path: "preferredVersion", "version"]?.string, let i = versions.firstIndex(of: preferred) {
                versions.remove(at: i)
                versions.insert(preferred, at: 0)
            }
            groups[name] = versions
        }
        return APIDiscovery(groups: groups)
    }

    public func serves(_ group: String, _ version: String) -> Bool { groups[group]?.contains(version) ?? false }

    /// The resource at a version the cluster serves: its own version if served, else the first of
    /// `fallbacks` that is (Gateway API `v1` → `v1beta1`); nil when the group is not installed.
    public func resolve(_ resource: KubeResource, fallbacks: [String] = []) -> KubeResource? {
        for v in [resource.version] + fallbacks where serves(resource.group, v) { return resource.withVersion(v) }
        return nil
    }

    /// The group versions SyncGate reads, with what is missing.
    public func check() -> [(groupVersion: String, served: Bool)] {
        [("argoproj.io", "v1alpha1"), ("cert-manager.io", "v1"), ("acme.cert-manager.io", "v1")].map { ("\($0)/\($1)", serves($0, $1)) }
            + [("gateway.networking.k8s.io/v1 (or v1beta1)", serves("gateway.networking.k8s.io", "v1") || serves("gateway.networking.k8s.io", "v1beta1"))]
    }
}

/// What the installed Argo CD Application CRD supports.
public struct ApplicationCRDFeatures: Sendable, Equatable {
    /// `spec.syncPolicy.automated.enabled` exists (Argo CD v3.1+): pause by `enabled: false`.
    public var hasAutomatedEnabled: Bool
    /// How this was learned, for messages.
    public var source: String

    public init(hasAutomatedEnabled: Bool, source: String) {
        self.hasAutomatedEnabled = hasAutomatedEnabled
        self.source = source
    }

    /// Reads `applications.argoproj.io` from a CRD object (the served storage version's schema).
    public static func from(crd: Value) -> ApplicationCRDFeatures {
        let versions = crd[path: "spec", "versions"]?.elements ?? []
        let chosen = versions.first { $0["name"]?.string == "v1alpha1" } ?? versions.first
        let enabled = chosen?[path: "schema", "openAPIV3Schema", "properties", "spec", "properties", "syncPolicy",
                              "properties", "automated", "properties", "enabled"]
        return ApplicationCRDFeatures(hasAutomatedEnabled: enabled != nil,
                                      source: "CRD applications.argoproj.io" + (enabled != nil ? " has spec.syncPolicy.automated.enabled" : " has no spec.syncPolicy.automated.enabled"))
    }

    /// Reads the installed CRD. When it cannot be read (403), falls back to removing `automated`, which stops
    /// auto-sync on every Argo CD version.
    public static func load(_ client: KubeClient) async -> ApplicationCRDFeatures {
        do {
            let crd = try await client.get(.customResourceDefinitions, name: "applications.argoproj.io")
            return from(crd: crd)
        } catch {
            return ApplicationCRDFeatures(hasAutomatedEnabled: false,
                                          source: "CRD applications.argoproj.io unreadable (\(error)); removing spec.syncPolicy.automated, which works on every Argo CD version")
        }
    }
}
