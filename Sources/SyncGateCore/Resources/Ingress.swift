/// A networking.k8s.io `Ingress`, with cert-manager's annotations.
public struct Ingress: Sendable {
    public var manifest: Manifest
    public init(manifest: Manifest) { self.manifest = manifest }

    public var name: String { manifest.name }
    public var namespace: String { manifest.namespace }
    public var ingressClassName: String? {
        manifest.value[path: "spec", "ingressClassName"]?.scalarText ?? manifest.annotation("kubernetes.io/ingress.class")
    }
    public var clusterIssuer: String? { manifest.annotation("cert-manager.io/cluster-issuer") }
    public var issuer: String? { manifest.annotation("cert-manager.io/issuer") }

    public struct TLS: Sendable {
        public var hosts: [String]
        public var secretName: String
        public var location: SourceLocation
    }

    public var tls: [TLS] {
        (manifest.value[path: "spec", "tls"]?.elements ?? []).map {
            TLS(hosts: ($0["hosts"]?.elements ?? []).compactMap(\.scalarText), secretName: $0["secretName"]?.scalarText ?? "",
                location: manifest.location(of: $0))
        }
    }

    /// Hosts of `spec.rules[].host`.
    public var ruleHosts: [String] { (manifest.value[path: "spec", "rules"]?.elements ?? []).compactMap { $0["host"]?.scalarText } }

    /// Each rule's host (nil for a host-less rule) with the backends it sends traffic to; the default backend has host nil.
    public var backends: [(host: String?, backend: BackendRef)] {
        var out: [(String?, BackendRef)] = []
        if let d = manifest.value[path: "spec", "defaultBackend", "service"] {
            out.append((nil, BackendRef(value: d, defaultNamespace: namespace, location: manifest.location(of: d))))
        }
        for rule in manifest.value[path: "spec", "rules"]?.elements ?? [] {
            let host = rule["host"]?.scalarText
            for path in rule[path: "http", "paths"]?.elements ?? [] {
                if let svc = path[path: "backend", "service"] {
                    out.append((host, BackendRef(value: svc, defaultNamespace: namespace, location: manifest.location(of: svc))))
                } else if let legacy = path["backend"], let name = legacy["serviceName"] {
                    let v = Value.object(["name": name])
                    out.append((host, BackendRef(value: v, defaultNamespace: namespace, location: manifest.location(of: legacy))))
                }
            }
        }
        return out
    }
}
