import Foundation

/// Writes a synthetic GitOps repository: `applications` Argo CD Applications, each deploying one namespace with
/// `servicesPerApp` services (Deployment, Service, HTTPRoute, Certificate, ConfigMap) behind a Gateway and Issuer of its own.
/// 2,000 applications x (10 services x 5 documents + 3) = 106,000 documents.
struct RepoGenerator {
    var applications: Int
    var servicesPerApp: Int = 10
    var repoURL = "https://git.example.com/bench/gitops.git"

    /// Documents the generated repository holds.
    var documentCount: Int { applications * (servicesPerApp * 5 + 3) }

    func write(to root: URL) throws {
        let fm = FileManager.default
        try? fm.removeItem(at: root)
        try fm.createDirectory(at: root.appendingPathComponent("argocd"), withIntermediateDirectories: true)
        for a in 0..<applications {
            let name = "app-\(a)"
            let dir = root.appendingPathComponent("apps/\(name)")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try application(name).write(to: root.appendingPathComponent("argocd/\(name).yaml"), atomically: false, encoding: .utf8)
            try gateway(name).write(to: dir.appendingPathComponent("gateway.yaml"), atomically: false, encoding: .utf8)
            var services = ""
            for s in 0..<servicesPerApp {
                if s > 0 { services += "---\n" }
                services += service(app: name, index: s)
            }
            try services.write(to: dir.appendingPathComponent("services.yaml"), atomically: false, encoding: .utf8)
        }
    }

    private func application(_ name: String) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: \(name)
          namespace: argocd
        spec:
          project: default
          source:
            repoURL: \(repoURL)
            targetRevision: main
            path: apps/\(name)
          destination:
            server: https://kubernetes.default.svc
            namespace: \(name)
          syncPolicy:
            automated:
              prune: true
              selfHeal: true

        """
    }

    private func gateway(_ app: String) -> String {
        var listeners = ""
        for s in 0..<servicesPerApp {
            listeners += """
                - name: https-svc-\(s)
                  hostname: svc-\(s).\(app).bench.example.com
                  protocol: HTTPS
                  port: 443
                  tls:
                    mode: Terminate
                    certificateRefs:
                      - kind: Secret
                        name: svc-\(s)-tls

            """
        }
        return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
          namespace: \(app)
        spec:
          gatewayClassName: eg
          listeners:
        \(listeners)---
        apiVersion: cert-manager.io/v1
        kind: Issuer
        metadata:
          name: letsencrypt
          namespace: \(app)
        spec:
          acme:
            server: https://acme-v02.api.letsencrypt.org/directory
            privateKeySecretRef:
              name: letsencrypt-account
            solvers:
              - http01:
                  gatewayHTTPRoute:
                    parentRefs:
                      - name: gw

        """
    }

    private func service(app: String, index s: Int) -> String {
        let name = "svc-\(s)"
        let host = "\(name).\(app).bench.example.com"
        return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(app)
          labels: {app: \(name), tier: web}
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: \(name)
          template:
            metadata:
              labels:
                app: \(name)
            spec:
              containers:
                - name: web
                  image: registry.example.com/\(app)/\(name):1.\(s).0
                  ports:
                    - containerPort: 8080
                  env:
                    - name: LOG_LEVEL
                      value: "info"
                    - name: FEATURE_FLAGS
                      value: 'a,b,c'
                  resources:
                    limits: {cpu: 500m, memory: 256Mi}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: \(app)
        spec:
          selector:
            app: \(name)
          ports:
            - port: 80
              targetPort: 8080
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: \(name)
          namespace: \(app)
        spec:
          parentRefs:
            - name: gw
              sectionName: https-\(name)
          hostnames: ["\(host)"]
          rules:
            - backendRefs:
                - name: \(name)
                  port: 80
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: \(name)
          namespace: \(app)
          annotations:
            cert-manager.io/issue-temporary-certificate: "true"
        spec:
          secretName: \(name)-tls
          duration: 2160h
          renewBefore: 720h
          dnsNames: ["\(host)"]
          issuerRef:
            name: letsencrypt
            kind: Issuer
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)-config
          namespace: \(app)
        data:
          app.properties: |
            server.port=8080
            feature.a=true

        """
    }
}
