import Foundation
import KubeSim
import SyncGateCore
import Testing

/// The real kubectl (v1.32) against KubeSim: discovery, get/apply/patch/delete of the kinds SyncGate touches.
@Suite("kubectl against KubeSim")
struct KubectlTests {
    static let manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: pay-production}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: argocd}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: pay-web, namespace: pay-production}
        spec:
          selector: {app: pay-web}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: pay-prod-tls-secret, namespace: pay-production}
        type: kubernetes.io/tls
        stringData: {tls.crt: placeholder, tls.key: placeholder}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: pay-cert, namespace: pay-production}
        spec:
          secretName: pay-prod-tls-secret
          dnsNames: [pay.example.com]
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: traefik-gateway, namespace: pay-production}
        spec:
          gatewayClassName: traefik
          listeners:
          - {name: web, protocol: HTTP, port: 80}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: pay-route, namespace: pay-production}
        spec:
          parentRefs: [{name: traefik-gateway}]
          hostnames: [pay.example.com]
          rules: [{backendRefs: [{name: pay-web, port: 80}]}]
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: pay-production, namespace: argocd}
        spec:
          project: default
          source: {repoURL: 'https://git.example.com/gitops.git', path: services/pay/production, targetRevision: main}
          destination: {server: 'https://kubernetes.default.svc', namespace: pay-production}
          syncPolicy:
            automated: {prune: true, selfHeal: true}
        """

    @Test("get/apply/patch/delete of Applications, Certificates, Gateways, HTTPRoutes, Secrets, Services", arguments: [false, true])
    func lifecycle(tls: Bool) throws {
        let f = try SimFixture.start(token: tls ? "s3cret-token" : nil) { o in
            o.tls = tls
            o.controllers = []
        }
        defer { f.sim.stop() }
        let k = try f.kubectl()
        try f.dir.write("all.yaml", Self.manifests)
        let applied = try k.ok("apply", "-f", f.dir.path + "/all.yaml")
        #expect(applied.contains("certificate.cert-manager.io/pay-cert created"))
        #expect(applied.contains("application.argoproj.io/pay-production created"))
        // Applying again changes nothing.
        let again = try k.ok("apply", "-f", f.dir.path + "/all.yaml")
        #expect(again.contains("service/pay-web unchanged"))
        #expect(again.contains("gateway.gateway.networking.k8s.io/traefik-gateway unchanged"))

        let apps = try k.ok("get", "applications.argoproj.io", "-A")
        #expect(apps.contains("pay-production"))
        let certs = try k.ok("get", "certificates", "-n", "pay-production")
        #expect(certs.contains("pay-cert"))
        let routes = try k.ok("get", "httproute", "-A", "--no-headers")
        #expect(routes.contains("pay-production") && routes.contains("pay-route"))
        let secret = try k.json("get", "secret", "pay-prod-tls-secret", "-n", "pay-production")
        #expect(secret[path: "data", "tls.crt"]?.string == Data("placeholder".utf8).base64EncodedString())
        #expect(secret["type"]?.string == "kubernetes.io/tls")

        // Merge patch: disable auto-sync the way seed 000 did it by hand.
        try k.ok("patch", "application", "pay-production", "-n", "argocd", "--type=merge", "-p", #"{"spec":{"syncPolicy":null}}"#)
        #expect(f.sim.get("Application", "argocd", "pay-production")?[path: "spec", "syncPolicy"] == nil)
        // JSON patch with a passing test op, then a failing one (422, nothing changed).
        try k.ok("patch", "certificate", "pay-cert", "-n", "pay-production", "--type=json",
                 "-p", #"[{"op":"test","path":"/spec/secretName","value":"pay-prod-tls-secret"},{"op":"add","path":"/spec/dnsNames/-","value":"www.pay.example.com"}]"#)
        #expect(f.sim.get("Certificate", "pay-production", "pay-cert")?[path: "spec", "dnsNames"]?.elements.count == 2)
        let failed = try k.run(["patch", "certificate", "pay-cert", "-n", "pay-production", "--type=json",
                                "-p", #"[{"op":"test","path":"/spec/secretName","value":"other"},{"op":"remove","path":"/spec/dnsNames/1"}]"#])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("is invalid"))
        #expect(f.sim.get("Certificate", "pay-production", "pay-cert")?[path: "spec", "dnsNames"]?.elements.count == 2)
        // Strategic merge patch (kubectl's default) on a built-in.
        try k.ok("patch", "service", "pay-web", "-n", "pay-production", "-p", #"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#)
        let ports = f.sim.get("Service", "pay-production", "pay-web")?[path: "spec", "ports"]?.elements ?? []
        #expect(ports.count == 1)
        #expect(ports.first?["targetPort"]?.int == 9090)
        #expect(ports.first?["name"]?.string == "http")
        // Annotate the Gateway (seed 000's "force reconciliation").
        try k.ok("annotate", "gateway", "traefik-gateway", "-n", "pay-production", "kubectl.kubernetes.io/last-applied-restart=1774264320", "--overwrite")
        #expect(f.sim.get("Gateway", "pay-production", "traefik-gateway")?.annotations["kubectl.kubernetes.io/last-applied-restart"] == "1774264320")
        // Replace a placeholder Secret by pipe, as seed 000's operators did.
        let pipeline = try k.ok("create", "secret", "generic", "pay-prod-tls-secret", "-n", "pay-production", "--from-literal=tls.crt=abc",
                                "--dry-run=client", "-o", "yaml")
        try k.ok("apply", "-f", "-", stdin: pipeline)
        #expect(f.sim.get("Secret", "pay-production", "pay-prod-tls-secret")?[path: "data", "tls.crt"]?.string == Data("abc".utf8).base64EncodedString())

        // Delete one, then by file.
        let deleted = try k.ok("delete", "httproute", "pay-route", "-n", "pay-production")
        #expect(deleted.contains("deleted"))
        #expect(f.sim.get("HTTPRoute", "pay-production", "pay-route") == nil)
        let notFound = try k.run(["get", "httproute", "pay-route", "-n", "pay-production"])
        #expect(notFound.status != 0 && notFound.stderr.contains("NotFound"))
        try k.ok("delete", "certificate", "--all", "-n", "pay-production")
        #expect(f.sim.list("Certificate").isEmpty)
        try k.ok("delete", "-f", f.dir.path + "/all.yaml", "--ignore-not-found")
        #expect(f.sim.list("Application").isEmpty)
        #expect(f.sim.get("Namespace", "", "pay-production") == nil)
    }

    @Test("without the bearer token kubectl gets 401")
    func unauthorized() throws {
        let f = try SimFixture.start(token: "right") { $0.tls = true; $0.controllers = [] }
        defer { f.sim.stop() }
        let wrong = try f.sim.writeKubeconfig(to: f.dir.path + "/wrong", token: "wrong")
        let r = try Kubectl(wrong).run(["get", "secrets"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Unauthorized") || r.stderr.contains("provide credentials"))
    }

    @Test("get -o json of a list, label selectors, field selectors and paging")
    func listing() throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        for i in 0..<7 {
            try f.sim.apply(yaml: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cm-\(i), namespace: default, labels: {parity: \(i % 2 == 0 ? "even" : "odd")}}
                data: {i: "\(i)"}
                """)
        }
        let k = try f.kubectl()
        let even = try k.json("get", "configmaps", "-l", "parity=even")
        #expect(even["items"]?.elements.count == 4)
        let one = try k.json("get", "configmaps", "--field-selector", "metadata.name=cm-3")
        #expect(one["items"]?.elements.map(\.metadataName) == ["cm-3"])
        let paged = try k.json("get", "configmaps", "--chunk-size=2")
        #expect(paged["items"]?.elements.count == 7)
        let names = try k.ok("get", "cm", "-o", "name")
        #expect(names.split(separator: "\n").count == 7)
    }
}
