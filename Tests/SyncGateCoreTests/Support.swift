import Foundation
import Testing
@testable import SyncGateCore

/// A repository written into a fresh temp directory (never shared between tests); `remove()` deletes it.
struct TempRepo {
    let root: String

    init(_ files: [String: String]) throws {
        root = NSTemporaryDirectory() + "syncgate-core-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    func write(_ path: String, _ text: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func plan(repoURL: String? = nil, renderer: any SourceRenderer = NoSourceRenderer(), parallelism: Int = 1) throws -> Plan {
        try Planner(options: PlanOptions(repoURL: repoURL, renderer: renderer, parallelism: parallelism)).plan(repo: root)
    }
}

enum Paths {
    /// The package root, from this file's path.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    /// The shared corpus beside the clone (`../shared/corpus`, as CI lays it out), else the session's copy.
    static let corpus: String = {
        let beside = URL(fileURLWithPath: packageRoot).appendingPathComponent("../shared/corpus/gateway-api-examples").standardized.path
        return FileManager.default.fileExists(atPath: beside) ? beside : "/work/shared/corpus/gateway-api-examples"
    }()
    static func example(_ name: String) -> String { packageRoot + "/examples/" + name }
}

/// Decodes YAML text into manifests (test shorthand).
func manifests(_ yaml: String, file: String = "test.yaml", application: String? = nil, namespace: String? = nil) -> [Manifest] {
    Array(yaml.utf8).withUnsafeBytes { ManifestLoader().decode($0, file: file, application: application, defaultNamespace: namespace).manifests }
}

func inventory(_ yaml: String, application: String? = "argocd/app", namespace: String? = "default") -> Inventory {
    Inventory(manifests: manifests(yaml, application: application, namespace: namespace))
}

func findings(_ rule: any StaticRule.Type, _ yaml: String, policy: Policy = Policy()) -> [Finding] {
    rule.evaluate(RuleInput(inventory: inventory(yaml), policy: policy))
}

/// A renderer double: canned outputs, records nothing, never runs a process.
struct FakeRenderer: SourceRenderer {
    var kustomizeOutput: RenderResult = .unavailable("kubectl missing")
    var helmOutput: RenderResult = .unavailable("helm is not installed")
    var origin: String? = nil
    func kustomize(directory: String) -> RenderResult { kustomizeOutput }
    func helmTemplate(chartDirectory: String, releaseName: String, namespace: String, valueFiles: [String], inlineValues: String?) -> RenderResult { helmOutput }
    func gitOriginURL(repoRoot: String) -> String? { origin }
}

enum Fixtures {
    static let issuer = """
    apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata:
      name: letsencrypt-prod
    spec:
      acme:
        server: https://acme-v02.api.letsencrypt.org/directory
        privateKeySecretRef:
          name: le-account
        solvers:
          - http01:
              gatewayHTTPRoute:
                parentRefs:
                  - name: gw
                    namespace: infra
                    kind: Gateway
    """

    static func gateway(secret: String = "app-tls", secretNamespace: String? = nil, host: String = "app.example.com",
                        annotations: String = "") -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: infra
        \(annotations)
        spec:
          gatewayClassName: traefik
          listeners:
            - name: web
              protocol: HTTP
              port: 80
            - name: https-app
              hostname: \(host)
              protocol: HTTPS
              port: 443
              tls:
                mode: Terminate
                certificateRefs:
                  - kind: Secret
                    name: \(secret)
        \(secretNamespace.map { "            namespace: \($0)" } ?? "")
            - name: https-other
              hostname: other.example.com
              protocol: HTTPS
              port: 443
              tls:
                certificateRefs:
                  - name: other-tls
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: other-tls
          namespace: infra
        type: kubernetes.io/tls
        """
    }

    static func certificate(name: String = "app-cert", namespace: String = "infra", secret: String = "app-tls",
                            hosts: [String] = ["app.example.com"], issuer: String = "letsencrypt-prod",
                            kind: String = "ClusterIssuer", annotations: [String: String] = [:], extra: String = "") -> String {
        let ann = annotations.isEmpty ? "" : "  annotations:\n" + annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }.joined(separator: "\n") + "\n"
        return """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: \(name)
          namespace: \(namespace)
        \(ann)spec:
          secretName: \(secret)
          dnsNames:
        \(hosts.map { "    - \($0)" }.joined(separator: "\n"))
          issuerRef:
            name: \(issuer)
            kind: \(kind)
        \(extra)
        """
    }

    static let backend = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app
      namespace: infra
    spec:
      selector:
        matchLabels: {app: app}
      template:
        metadata:
          labels: {app: app}
        spec:
          containers:
            - name: web
              image: registry.example.com/app:1.0
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: app
      namespace: infra
    spec:
      selector: {app: app}
      ports: [{port: 80}]
    ---
    apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata:
      name: app
      namespace: infra
    spec:
      parentRefs:
        - name: gw
          sectionName: https-app
      hostnames: [app.example.com]
      rules:
        - backendRefs:
            - name: app
              port: 80
    """

    static func join(_ docs: String...) -> String { docs.joined(separator: "\n---\n") }
}
