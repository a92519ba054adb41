/// A GitOps repository in the shape of `examples/canary-production`, generated in memory (path -> YAML), so the
/// demo and the benchmarks run without any checkout: a platform Gateway (with the namespaces and ReferenceGrants
/// it reads Secrets from), two ClusterIssuers, running services (temporary certificates) and new services with a
/// sandbox and a production Application each.
public enum DemoRepository {
    public static let ingressAddress = "203.0.113.10"

    public static func host(_ service: String, sandbox: Bool) -> String {
        sandbox ? "\(service).sandbox.acme.example.com" : "\(service).acme.example.com"
    }
    public static func image(_ service: String) -> String { "registry.example.com/acme/\(service)-web:1.0.0" }

    /// - Parameters: existing: running services; new: services rolled out (each a sandbox and a production Application).
    public static func files(existing: [String], new: [String], withNewListeners: Bool = true) -> [String: String] {
        var files: [String: String] = [:]
        files["syncgate.yaml"] = policy
        files["argocd/apps/platform-gateway.yaml"] = application("platform-gateway", path: "platform/gateway", namespace: "traefik")
        files["argocd/apps/platform-issuers.yaml"] = application("platform-issuers", path: "platform/issuers", namespace: "cert-manager")
        var listeners = ["    - {name: web-http, protocol: HTTP, port: 8000, allowedRoutes: {namespaces: {from: All}}}"]
        var namespaces: [String] = []
        for s in existing {
            let ns = "acme-\(s)"
            namespaces.append(ns)
            files["argocd/apps/\(s).yaml"] = application(ns, path: "services/\(s)", namespace: ns)
            listeners.append(listener("websecure-\(s)", host: host(s, sandbox: false), namespace: ns, secret: "\(ns)-tls"))
            files["services/\(s)/app.yaml"] = service("acme-\(s)", namespace: ns, host: host(s, sandbox: false), image: "registry.example.com/acme/\(s):2.3.1",
                                                       secret: "\(ns)-tls", issuer: "letsencrypt-prod", listener: "websecure-\(s)", temporary: true)
        }
        for s in new {
            for env in ["sandbox", "production"] {
                let ns = "acme-\(s)-\(env)"
                namespaces.append(ns)
                let sandbox = env == "sandbox"
                files["argocd/apps/\(s)-\(env).yaml"] = application(ns, path: "services/\(s)/\(env)", namespace: ns, stage: sandbox ? "canary" : "production")
                if withNewListeners {
                    listeners.append(listener("websecure-\(s)-\(env)", host: host(s, sandbox: sandbox), namespace: ns, secret: "\(ns)-tls"))
                }
                files["services/\(s)/\(env)/app.yaml"] = service("acme-\(s)-web", namespace: ns, host: host(s, sandbox: sandbox), image: image(s),
                                                                 secret: "\(ns)-tls", issuer: sandbox ? "letsencrypt-staging" : "letsencrypt-prod",
                                                                 listener: "websecure-\(s)-\(env)", temporary: false)
            }
        }
        files["platform/gateway/gateway.yaml"] = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: traefik}
            spec: {controllerName: traefik.io/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: traefik-gateway, namespace: traefik}
            spec:
              gatewayClassName: traefik
              listeners:

            """ + listeners.joined(separator: "\n") + "\n"
        files["platform/gateway/namespaces-and-grants.yaml"] = namespaces.map { ns in
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: \(ns)}
            ---
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: allow-traefik-gateway, namespace: \(ns)}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: traefik}]
              to: [{group: "", kind: Secret}]
            """
        }.joined(separator: "\n---\n") + "\n"
        files["platform/issuers/cluster-issuers.yaml"] = issuer("letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory")
            + "---\n" + issuer("letsencrypt-prod", "https://acme-v02.api.letsencrypt.org/directory")
        return files
    }

    static let policy = """
        apiVersion: syncgate.dev/v1alpha1
        kind: SyncGatePolicy
        stages:
          - name: canary
            applications: ["acme-*-sandbox"]
            issuer: letsencrypt-staging
            verification: {minDaysValid: 7, soak: 2m}
          - name: production
            selector: {matchLabels: {syncgate.dev/stage: production}}
            issuer: letsencrypt-prod
            verification: {minDaysValid: 30, soak: 5m}
        ingress: {addresses: ["\(ingressAddress)"]}
        gateways:
          traefik/traefik-gateway: {blastRadius: gateway}
        """

    static func application(_ name: String, path: String, namespace: String, stage: String? = nil) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: \(name)
          namespace: argocd
        \(stage.map { "  labels: {syncgate.dev/stage: \($0)}" } ?? "")
        spec:
          project: default
          source: {repoURL: "https://git.example.com/acme/demo.git", targetRevision: main, path: \(path)}
          destination: {server: "https://kubernetes.default.svc", namespace: \(namespace)}
          syncPolicy:
            automated: {prune: true, selfHeal: true}
            syncOptions: [CreateNamespace=true]

        """
    }

    static func listener(_ name: String, host: String, namespace: String, secret: String) -> String {
        "    - {name: \(name), hostname: \(host), protocol: HTTPS, port: 8443, allowedRoutes: {namespaces: {from: All}}, "
            + "tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: \(secret), namespace: \(namespace)}]}}"
    }

    static func issuer(_ name: String, _ server: String) -> String {
        """
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: \(name)}
        spec:
          acme:
            server: \(server)
            privateKeySecretRef: {name: \(name)-account-key}
            solvers:
              - http01: {gatewayHTTPRoute: {parentRefs: [{name: traefik-gateway, namespace: traefik, kind: Gateway}]}}

        """
    }

    static func service(_ name: String, namespace: String, host: String, image: String, secret: String, issuer: String,
                        listener: String, temporary: Bool) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          replicas: 2
          selector: {matchLabels: {app.kubernetes.io/name: \(name)}}
          template:
            metadata: {labels: {app.kubernetes.io/name: \(name)}}
            spec: {containers: [{name: web, image: "\(image)", ports: [{containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: \(name), namespace: \(namespace)}
        spec: {selector: {app.kubernetes.io/name: \(name)}, ports: [{name: http, port: 80, targetPort: 8080}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: \(name), namespace: \(namespace)}
        spec:
          parentRefs: [{name: traefik-gateway, namespace: traefik, sectionName: \(listener)}]
          hostnames: [\(host)]
          rules: [{backendRefs: [{name: \(name), port: 80}]}]
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: \(name)-cert
          namespace: \(namespace)
        \(temporary ? "  annotations: {cert-manager.io/issue-temporary-certificate: \"true\"}" : "")
        spec:
          secretName: \(secret)
          duration: 2160h
          renewBefore: 720h
          dnsNames: [\(host)]
          issuerRef: {name: \(issuer), kind: ClusterIssuer, group: cert-manager.io}

        """
    }
}
