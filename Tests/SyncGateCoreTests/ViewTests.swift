import Foundation
import Testing
@testable import SyncGateCore

@Suite("Typed views")
struct ViewTests {
    func corpus(_ file: String) throws -> [Manifest] {
        let data = try #require(FileManager.default.contents(atPath: Paths.corpus + "/" + file))
        return data.withUnsafeBytes { ManifestLoader().decode($0, file: file).manifests }
    }

    @Test("Gateway and listeners from the upstream simple-http-https example")
    func gateway() throws {
        let m = try #require(corpus("simple-http-https/gateway.yaml").first)
        let gw = Gateway(manifest: m)
        #expect(gw.name == "example-gateway")
        #expect(gw.namespace == "default")
        #expect(gw.gatewayClassName == "prod")
        let ls = gw.listeners
        #expect(ls.map(\.name) == ["http", "https"])
        #expect(ls[1].hostname == "*.example.com")
        #expect(ls[1].port == 443)
        #expect(ls[1].tlsMode == "Terminate")
        #expect(ls[1].certificateRefs.map(\.key) == [ObjectKey("default", "example-com")])
        #expect(ls[1].accepts("foo.example.com"))
        #expect(!ls[1].accepts("example.com"))
        #expect(ls[1].nodeID == "listener:default/example-gateway/https")
        #expect(ls[1].location.line > m.location.line)
    }

    @Test("cross-namespace certificateRef and its ReferenceGrant (tls-cert-cross-namespace)")
    func crossNamespace() throws {
        let ms = try corpus("tls-cert-cross-namespace.yaml")
        let gw = Gateway(manifest: try #require(ms.first { $0.kind == "Gateway" }))
        let ref = try #require(gw.listeners.first?.certificateRefs.first)
        #expect(ref.isCrossNamespace)
        #expect(ref.namespace == "gateway-api-example-ns2")
        let grant = ReferenceGrant(manifest: try #require(ms.first { $0.kind == "ReferenceGrant" }))
        #expect(grant.allowsGateway(in: "gateway-api-example-ns1", toSecret: ref.name))
        #expect(!grant.allowsGateway(in: "other", toSecret: ref.name))
    }

    @Test("HTTPRoute parentRefs with sectionName, hostnames and backendRefs (simple-http-https/foo-route)")
    func route() throws {
        let r = HTTPRoute(manifest: try #require(corpus("simple-http-https/foo-route.yaml").first))
        #expect(r.hostnames == ["foo.example.com"])
        #expect(r.parentRefs.first?.sectionName == "https")
        #expect(r.parentRefs.first?.gatewayKey == ObjectKey("default", "example-gateway"))
        #expect(r.backendRefs.map(\.name) == ["foo-app", "foo-orders-app"])
        #expect(r.backendRefs.allSatisfy { $0.isService })
    }

    @Test("Certificate: secretName, dnsNames, issuerRef defaults, durations, temporary certificate")
    func certificate() throws {
        let m = try #require(manifests(Fixtures.certificate(annotations: ["cert-manager.io/issue-temporary-certificate": "true"],
                                                            extra: "  duration: 2160h\n  renewBefore: 720h0m0s")).first)
        let c = Certificate(manifest: m)
        #expect(c.secretKey == ObjectKey("infra", "app-tls"))
        #expect(c.dnsNames == ["app.example.com"])
        #expect(c.issuerRef.nodeID == "issuer:ClusterIssuer/letsencrypt-prod")
        #expect(c.durationSeconds == Double(2160 * 3600))
        #expect(c.renewBeforeSeconds == Double(720 * 3600))
        #expect(c.issuesTemporaryCertificate)
        let plain = Certificate(manifest: try #require(manifests("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: n}\nspec:\n  secretName: s\n  issuerRef: {name: i}\n").first))
        #expect(plain.issuerRef.kind == "Issuer")
        #expect(plain.issuerRef.nodeID == "issuer:n/Issuer/i")
    }

    @Test("Issuer: ACME server and solver selection (dnsNames, dnsZones, default)")
    func issuer() throws {
        let m = try #require(manifests("""
        apiVersion: cert-manager.io/v1
        kind: Issuer
        metadata: {name: le, namespace: n}
        spec:
          acme:
            server: https://acme-staging-v02.api.letsencrypt.org/directory
            solvers:
              - dns01:
                  route53: {region: eu-west-1}
                selector:
                  dnsZones: [example.com]
              - http01:
                  ingress: {ingressClassName: nginx}
                selector:
                  dnsNames: [exact.example.com]
              - http01:
                  gatewayHTTPRoute:
                    parentRefs: [{name: gw, namespace: infra}]
        """).first)
        let i = Issuer(manifest: m)
        #expect(i.isACME && i.isLetsEncrypt && i.isStaging)
        #expect(i.nodeID == "issuer:n/Issuer/le")
        #expect(i.solver(for: "exact.example.com")?.usesIngress == true)
        #expect(i.solver(for: "a.example.com")?.isDNS01 == true)
        #expect(i.solver(for: "other.org")?.usesGatewayHTTPRoute == true)
        #expect(i.solver(for: "other.org")?.gatewayParentRefs.first?.name == "gw")
    }

    @Test("Ingress: tls, rules, backends and cert-manager annotations imply Certificates")
    func ingress() throws {
        let m = try #require(manifests("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
          annotations:
            cert-manager.io/cluster-issuer: letsencrypt-prod
        spec:
          ingressClassName: nginx
          tls:
            - hosts: [shop.example.com]
              secretName: shop-tls
          rules:
            - host: shop.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service: {name: shop, port: {number: 80}}
        """).first)
        let i = Ingress(manifest: m)
        #expect(i.ingressClassName == "nginx")
        #expect(i.clusterIssuer == "letsencrypt-prod")
        #expect(i.tls.first?.secretName == "shop-tls")
        #expect(i.backends.map { $0.backend.key } == [ObjectKey("shop", "shop")])
        let implied = Certificate.implied(by: i)
        #expect(implied.count == 1)
        #expect(implied[0].name == "shop-tls")
        #expect(implied[0].secretName == "shop-tls")
        #expect(implied[0].dnsNames == ["shop.example.com"])
        #expect(implied[0].isImplied)
    }

    @Test("Gateway annotated for cert-manager implies a Certificate per listener Secret (gateway-shim)")
    func gatewayShim() throws {
        let ms = manifests(Fixtures.gateway(annotations: "  annotations:\n    cert-manager.io/cluster-issuer: letsencrypt-prod"))
        let gw = Gateway(manifest: try #require(ms.first { $0.kind == "Gateway" }))
        let implied = Certificate.implied(by: gw)
        #expect(implied.map(\.name) == ["app-tls", "other-tls"])
        #expect(implied[0].dnsNames == ["app.example.com"])
        #expect(implied[0].issuerRef.kind == "ClusterIssuer")
    }

    @Test("Service selector, workloads and images, Secret sources")
    func backend() throws {
        let inv = inventory(Fixtures.backend + "\n---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: sealed, namespace: infra}\nspec:\n  template:\n    metadata: {name: real-name}\n")
        let svc = try #require(inv.services.first)
        #expect(svc.selector == ["app": "app"])
        #expect(inv.workloads(selectedBy: svc).map(\.name) == ["app"])
        #expect(inv.workloads.first?.containers.map(\.image) == ["registry.example.com/app:1.0"])
        #expect(inv.secrets.first?.key == ObjectKey("infra", "real-name"))
    }

    @Test("ingress-nginx ConfigMap buffer sizes")
    func nginx() throws {
        let m = try #require(manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\ndata:\n  proxy-buffer-size: 128k\n  proxy-buffers-number: \"4\"\n").first)
        #expect(IngressNginxConfig.isCandidate(m))
        let c = IngressNginxConfig(manifest: m)
        #expect(c.proxyBufferSize == "128k")
        #expect(IngressNginxConfig.bytes("128k") == 131072)
        #expect(IngressNginxConfig.bytes("1m") == 1048576)
        #expect(IngressNginxConfig.bytes("x") == nil)
    }

    @Test("Application: sources, destination, automated.enabled")
    func application() throws {
        let m = try #require(manifests("""
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: pay}
        spec:
          sources:
            - repoURL: https://github.com/acme/charts
              chart: pay
              helm:
                valueFiles: [$values/pay/values.yaml]
            - repoURL: https://github.com/acme/gitops.git
              ref: values
          destination:
            name: prod-cluster
            namespace: pay
          syncPolicy:
            automated:
              enabled: false
              prune: true
        """).first)
        let a = Application(manifest: m)
        #expect(a.id == "argocd/pay")
        #expect(a.isMultiSource)
        #expect(a.sources.count == 2)
        #expect(a.sources[0].chart == "pay")
        #expect(a.sources[0].helmValueFiles == ["$values/pay/values.yaml"])
        #expect(a.sources[1].ref == "values")
        #expect(a.destinationName == "prod-cluster")
        #expect(a.destinationNamespace == "pay")
        #expect(a.hasAutomated)
        #expect(a.automatedEnabled == false)
        #expect(!a.autoSync)
    }

    @Test("Go durations")
    func durations() {
        #expect(GoDuration.seconds("2160h") == 7_776_000)
        #expect(GoDuration.seconds("1h30m") == 5400)
        #expect(GoDuration.seconds("720h0m0s") == 2_592_000)
        #expect(GoDuration.seconds("0") == 0)
        #expect(GoDuration.seconds("90") == nil)
        #expect(GoDuration.seconds("abc") == nil)
    }
}
