import Foundation
import Testing
@testable import SyncGateCore

func ids(_ fs: [Finding]) -> [String] { fs.map(\.id) }

@Suite("SG101/SG102 listener Secret")
struct ListenerSecretRuleTests {
    @Test("nothing creates the Secret: SG101 error naming the blast radius")
    func missing() throws {
        let f = findings(ListenerSecretRule.self, Fixtures.join(Fixtures.gateway()))
        let one = try #require(f.first)
        #expect(f.count == 1)
        #expect(one.id == "SG101-listener-secret-missing")
        #expect(one.severity == .error)
        #expect(one.message.contains("2 other listeners"))
        #expect(one.message.contains("whole Gateway"))
        #expect(one.object == "Gateway infra/gw listener https-app")
        #expect(one.node == "listener:infra/gw/https-app")
        #expect(one.line > 1)
    }

    @Test("only a Certificate creates it: SG102; with issue-temporary-certificate: nothing")
    func notYet() {
        let f = findings(ListenerSecretRule.self, Fixtures.join(Fixtures.gateway(), Fixtures.certificate()))
        #expect(ids(f) == ["SG102-listener-secret-not-yet"])
        #expect(f.first?.remedy.contains("issue-temporary-certificate") == true)
        let ok = findings(ListenerSecretRule.self, Fixtures.join(Fixtures.gateway(),
            Fixtures.certificate(annotations: ["cert-manager.io/issue-temporary-certificate": "true"])))
        #expect(ok.isEmpty)
    }

    @Test("an existing Secret: nothing")
    func present() {
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: app-tls, namespace: infra}\ntype: kubernetes.io/tls\n"
        #expect(findings(ListenerSecretRule.self, Fixtures.join(Fixtures.gateway(), secret)).isEmpty)
    }

    @Test("a policy that injects placeholders softens SG102 to a warning; SG101 stays an error")
    func injected() {
        var policy = Policy()
        policy.injectPlaceholders = true
        let f = findings(ListenerSecretRule.self, Fixtures.join(Fixtures.gateway(), Fixtures.certificate()), policy: policy)
        #expect(f.first?.severity == .warning)
        #expect(f.first?.message.contains("injectPlaceholders") == true)
        #expect(findings(ListenerSecretRule.self, Fixtures.gateway(), policy: policy).first?.severity == .error)
        #expect(Policy(value: try! YAMLDecoder.decodeOne(Array("onFailure: {injectPlaceholders: true}".utf8))).injectPlaceholders)
    }

    @Test("policy blast radius 'listener' softens SG102 and says so")
    func listenerRadius() {
        var policy = Policy()
        policy.blastRadius["infra/gw"] = .listener
        let f = findings(ListenerSecretRule.self, Fixtures.join(Fixtures.gateway(), Fixtures.certificate()), policy: policy)
        #expect(f.first?.severity == .warning)
        #expect(f.first?.message.contains("listener https-app only") == true)
    }
}

@Suite("SG103 HTTP-01 host not routed")
struct HTTP01UnroutedRuleTests {
    @Test("positive: a Certificate for a host nothing routes")
    func positive() {
        let f = findings(HTTP01UnroutedRule.self, Fixtures.join(Fixtures.issuer, Fixtures.certificate(hosts: ["nowhere.example.com"])))
        #expect(ids(f) == ["SG103-http01-host-unrouted"])
    }

    @Test("negative: the host has a listener; DNS-01 is not checked")
    func negative() {
        #expect(findings(HTTP01UnroutedRule.self, Fixtures.join(Fixtures.issuer, Fixtures.gateway(), Fixtures.certificate())).isEmpty)
        let dns = """
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: letsencrypt-prod}
        spec:
          acme:
            server: https://acme-v02.api.letsencrypt.org/directory
            solvers: [{dns01: {cloudflare: {}}}]
        """
        #expect(findings(HTTP01UnroutedRule.self, Fixtures.join(dns, Fixtures.certificate(hosts: ["nowhere.example.com"]))).isEmpty)
    }

    @Test("a wildcard name with an HTTP-01 solver is an error")
    func wildcard() {
        let f = findings(HTTP01UnroutedRule.self, Fixtures.join(Fixtures.issuer, Fixtures.certificate(hosts: ["'*.example.com'"])))
        #expect(f.first?.severity == .error)
    }
}

@Suite("SG104/SG105 backend Service")
struct BackendServiceRuleTests {
    @Test("positive: the backend Service does not exist")
    func missing() {
        let route = Fixtures.backend.components(separatedBy: "---").last!
        let f = findings(BackendServiceRule.self, route)
        #expect(ids(f) == ["SG104-backend-service-missing"])
        #expect(f.first?.severity == .error)
    }

    @Test("positive: the Service selects no workload")
    func noWorkload() {
        let parts = Fixtures.backend.components(separatedBy: "---")
        let f = findings(BackendServiceRule.self, parts[1] + "---" + parts[2])
        #expect(ids(f) == ["SG105-backend-selects-no-workload"])
    }

    @Test("negative: Service and workload exist")
    func ok() {
        #expect(findings(BackendServiceRule.self, Fixtures.backend).isEmpty)
    }

    @Test("Ingress backends are checked too")
    func ingress() {
        let ing = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: i, namespace: infra}
        spec:
          rules:
            - host: a.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: ghost, port: {number: 80}}}
        """
        #expect(ids(findings(BackendServiceRule.self, ing)) == ["SG104-backend-service-missing"])
    }
}

@Suite("SG106 issuer defined")
struct IssuerDefinedRuleTests {
    @Test("positive: issuer missing; hint when a ClusterIssuer of that name exists")
    func positive() {
        let f = findings(IssuerDefinedRule.self, Fixtures.certificate(issuer: "nope"))
        #expect(ids(f) == ["SG106-issuer-undefined"])
        let hint = findings(IssuerDefinedRule.self, Fixtures.join(Fixtures.issuer, Fixtures.certificate(kind: "Issuer")))
        #expect(hint.first?.message.contains("set issuerRef.kind: ClusterIssuer") == true)
    }

    @Test("negative: issuer defined")
    func negative() {
        #expect(findings(IssuerDefinedRule.self, Fixtures.join(Fixtures.issuer, Fixtures.certificate())).isEmpty)
    }
}

@Suite("SG107 ReferenceGrant")
struct ReferenceGrantRuleTests {
    let grant = """
    apiVersion: gateway.networking.k8s.io/v1beta1
    kind: ReferenceGrant
    metadata: {name: g, namespace: apps}
    spec:
      from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]
      to: [{group: "", kind: Secret}]
    """

    @Test("positive: cross-namespace ref without grant")
    func positive() {
        #expect(ids(findings(ReferenceGrantRule.self, Fixtures.gateway(secretNamespace: "apps"))) == ["SG107-cross-namespace-ref-without-grant"])
    }

    @Test("negative: with grant, or same namespace")
    func negative() {
        #expect(findings(ReferenceGrantRule.self, Fixtures.join(Fixtures.gateway(secretNamespace: "apps"), grant)).isEmpty)
        #expect(findings(ReferenceGrantRule.self, Fixtures.gateway()).isEmpty)
    }
}

@Suite("SG108 renewBefore")
struct RenewBeforeRuleTests {
    @Test("positive: renewBefore under a third; unset with a short duration; renewBefore >= duration")
    func positive() {
        #expect(ids(findings(RenewBeforeRule.self, Fixtures.certificate(extra: "  duration: 2160h\n  renewBefore: 240h"))) == ["SG108-renew-before-too-short"])
        #expect(ids(findings(RenewBeforeRule.self, Fixtures.certificate(extra: "  duration: 168h"))) == ["SG108-renew-before-too-short"])
        #expect(findings(RenewBeforeRule.self, Fixtures.certificate(extra: "  duration: 24h\n  renewBefore: 48h")).first?.severity == .error)
    }

    @Test("negative: a third or more; defaults")
    func negative() {
        #expect(findings(RenewBeforeRule.self, Fixtures.certificate(extra: "  duration: 2160h\n  renewBefore: 720h")).isEmpty)
        #expect(findings(RenewBeforeRule.self, Fixtures.certificate()).isEmpty)
        #expect(findings(RenewBeforeRule.self, Fixtures.certificate(extra: "  duration: 2160h")).isEmpty)
    }
}

@Suite("SG109 declared waves")
struct DeclaredWavesRuleTests {
    func yaml(certWave: Int, gatewayWave: Int) -> String {
        Fixtures.join(Fixtures.issuer,
                      Fixtures.gateway(annotations: "  annotations:\n    argocd.argoproj.io/sync-wave: \"\(gatewayWave)\""),
                      Fixtures.certificate(annotations: ["argocd.argoproj.io/sync-wave": "\(certWave)"]))
    }

    @Test("positive: Certificate before its listener (error) or with it (warning)")
    func positive() {
        let before = findings(DeclaredWavesRule.self, yaml(certWave: -1, gatewayWave: 0)).filter { $0.object == "Certificate infra/app-cert" }
        let error = before.first { $0.severity == .error && $0.message.contains("whose listener must serve it first") }
        #expect(error?.id == "SG109-declared-waves-contradict-dependencies")
        #expect(error?.remedy.contains("recommended") == true)
        #expect(before.contains { $0.severity == .warning && $0.message.contains("before its issuer") })
        let with = findings(DeclaredWavesRule.self, yaml(certWave: 0, gatewayWave: 0)).filter { $0.object == "Certificate infra/app-cert" }
        #expect(!with.isEmpty && with.allSatisfy { $0.severity == .warning })
    }

    @Test("positive: listener before its temporary-certificate Secret")
    func listenerBeforeSecret() {
        let y = Fixtures.join(Fixtures.gateway(annotations: "  annotations:\n    argocd.argoproj.io/sync-wave: \"0\""),
                              Fixtures.certificate(annotations: ["argocd.argoproj.io/sync-wave": "1", "cert-manager.io/issue-temporary-certificate": "true"]))
        let f = findings(DeclaredWavesRule.self, y)
        #expect(f.contains { $0.object == "Gateway infra/gw" && $0.severity == .error })
        // Same wave: a warning (the temporary certificate is written moments after the Certificate is applied).
        let same = Fixtures.join(Fixtures.gateway(), Fixtures.certificate(annotations: ["cert-manager.io/issue-temporary-certificate": "true"]))
        let g = findings(DeclaredWavesRule.self, same).filter { $0.object == "Gateway infra/gw" }
        #expect(!g.isEmpty && g.allSatisfy { $0.severity == .warning })
    }

    @Test("negative: listener first, Certificate after")
    func negative() {
        #expect(findings(DeclaredWavesRule.self, yaml(certWave: 2, gatewayWave: 1)).isEmpty)
    }
}

@Suite("SG110 duplicate certificates")
struct DuplicateCertificateRuleTests {
    @Test("positive: same names, same CA")
    func positive() {
        let y = Fixtures.join(Fixtures.issuer, Fixtures.certificate(name: "a", hosts: ["x.example.com", "y.example.com"]),
                              Fixtures.certificate(name: "b", secret: "b", hosts: ["y.example.com", "X.example.com"]))
        #expect(ids(findings(DuplicateCertificateRule.self, y)) == ["SG110-duplicate-certificate-names"])
    }

    @Test("negative: different names")
    func negative() {
        let y = Fixtures.join(Fixtures.issuer, Fixtures.certificate(name: "a", hosts: ["x.example.com"]),
                              Fixtures.certificate(name: "b", secret: "b", hosts: ["x.example.com", "y.example.com"]))
        #expect(findings(DuplicateCertificateRule.self, y).isEmpty)
    }
}

@Suite("SG111 registered-domain rate limit")
struct RateLimitRuleTests {
    func certs(_ n: Int, domain: String) -> String {
        (0..<n).map { Fixtures.certificate(name: "c\($0)", secret: "s\($0)", hosts: ["h\($0).\(domain)"]) }.joined(separator: "\n---\n")
    }

    @Test("positive: 51 certificates under example.co.uk")
    func positive() {
        let f = findings(RegisteredDomainRateLimitRule.self, Fixtures.join(Fixtures.issuer, certs(51, domain: "shop.example.co.uk")))
        #expect(ids(f) == ["SG111-rate-limit-registered-domain"])
        #expect(f.first?.message.contains("example.co.uk") == true)
    }

    @Test("negative: 50 certificates; 51 spread over different registered domains")
    func negative() {
        #expect(findings(RegisteredDomainRateLimitRule.self, Fixtures.join(Fixtures.issuer, certs(50, domain: "example.com"))).isEmpty)
        let mixed = Fixtures.join(Fixtures.issuer, certs(30, domain: "a.co.uk"), certs(21, domain: "b.co.uk").replacingOccurrences(of: "name: c", with: "name: d"))
        #expect(findings(RegisteredDomainRateLimitRule.self, mixed).isEmpty)
    }

    @Test("the weekly limit comes from guards.weeklyCertificateLimit, the field the rollout policy validates")
    func limitFromPolicy() throws {
        let policy = Policy(value: try YAMLDecoder.decodeOne(Array("guards: {weeklyCertificateLimit: 10}".utf8)))
        #expect(policy.certificatesPerRegisteredDomainPerWeek == 10)
        #expect(Policy().certificatesPerRegisteredDomainPerWeek == 50)
        let f = findings(RegisteredDomainRateLimitRule.self, Fixtures.join(Fixtures.issuer, certs(11, domain: "example.com")), policy: policy)
        #expect(ids(f) == ["SG111-rate-limit-registered-domain"])
    }

    @Test("registered domains with common public suffixes")
    func suffixes() {
        #expect(PublicSuffix.registeredDomain("pay.acme.example.com") == "example.com")
        #expect(PublicSuffix.registeredDomain("a.b.example.co.uk") == "example.co.uk")
        #expect(PublicSuffix.registeredDomain("shop.example.com.au") == "example.com.au")
        #expect(PublicSuffix.registeredDomain("*.example.org") == "example.org")
    }
}

@Suite("SG112 ingress-nginx buffers")
struct IngressNginxBuffersRuleTests {
    func cm(_ data: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ingress-nginx-controller, namespace: ingress-nginx}\ndata:\n\(data)"
    }

    @Test("positive: buffer size above busy size (seed 002); busy size too large for the buffers")
    func positive() {
        let a = findings(IngressNginxBuffersRule.self, cm("  proxy-buffer-size: 128k\n  proxy-busy-buffers-size: 64k\n  proxy-buffers-number: \"4\"\n"))
        #expect(ids(a) == ["SG112-ingress-nginx-proxy-buffers"])
        #expect(a.first?.line == 5)
        let b = findings(IngressNginxBuffersRule.self, cm("  proxy-buffer-size: 16k\n  proxy-buffers-number: \"2\"\n"))
        #expect(ids(b) == ["SG112-ingress-nginx-proxy-buffers"])
    }

    @Test("negative: consistent sizes")
    func negative() {
        #expect(findings(IngressNginxBuffersRule.self, cm("  proxy-buffer-size: 16k\n  proxy-busy-buffers-size: 32k\n  proxy-buffers-number: \"8\"\n")).isEmpty)
        #expect(findings(IngressNginxBuffersRule.self, cm("  proxy-buffer-size: 8k\n")).isEmpty)
    }
}

@Suite("SG113 route parent")
struct RouteParentRuleTests {
    @Test("positive: unknown sectionName and unknown Gateway")
    func positive() {
        let route = Fixtures.backend.components(separatedBy: "---").last!
        let bad = route.replacingOccurrences(of: "sectionName: https-app", with: "sectionName: nope")
        #expect(ids(findings(RouteParentRule.self, Fixtures.join(Fixtures.gateway(), bad))) == ["SG113-route-parent-missing"])
        let other = route.replacingOccurrences(of: "- name: gw", with: "- name: other-gw")
        #expect(ids(findings(RouteParentRule.self, Fixtures.join(Fixtures.gateway(), other))) == ["SG113-route-parent-missing"])
    }

    @Test("negative: the listener exists")
    func negative() {
        #expect(findings(RouteParentRule.self, Fixtures.join(Fixtures.gateway(), Fixtures.backend)).isEmpty)
    }
}

@Suite("SG116 solver match")
struct SolverMatchRuleTests {
    let issuer = """
    apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata: {name: letsencrypt-prod}
    spec:
      acme:
        server: https://acme-v02.api.letsencrypt.org/directory
        solvers:
          - selector: {dnsZones: [example.org]}
            dns01: {cloudflare: {}}
    """

    @Test("positive: no solver for the name")
    func positive() {
        #expect(ids(findings(SolverMatchRule.self, Fixtures.join(issuer, Fixtures.certificate()))) == ["SG116-no-acme-solver-for-host"])
    }

    @Test("negative: a zone matches")
    func negative() {
        #expect(findings(SolverMatchRule.self, Fixtures.join(issuer, Fixtures.certificate(hosts: ["a.example.org"]))).isEmpty)
    }
}

@Suite("Rule catalog")
struct RuleCatalogTests {
    @Test("ids are unique and stable-shaped")
    func unique() {
        let all = RuleCatalog.all.map(\.id)
        #expect(Set(all).count == all.count)
        #expect(all.allSatisfy { $0.hasPrefix("SG") && $0.contains("-") })
        #expect(StaticRules.all.allSatisfy { r in RuleCatalog.all.contains { $0.id == r.rule.id } })
    }
}

@Suite("SG117 duplicate object")
struct DuplicateObjectRuleTests {
    @Test("positive: the same Service in two Applications")
    func positive() {
        let a = manifests("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\n", file: "a.yaml", application: "argocd/a")
        let b = manifests("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\n", file: "b.yaml", application: "argocd/b")
        let f = DuplicateObjectRule.evaluate(RuleInput(inventory: Inventory(manifests: a + b)))
        #expect(ids(f) == ["SG117-duplicate-object"])
        #expect(f.first?.file == "b.yaml")
        #expect(f.first?.message.contains("Application argocd/a") == true)
    }

    @Test("negative: same name in different namespaces or kinds")
    func negative() {
        let ms = manifests("""
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: n1}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s, namespace: n2}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: s, namespace: n1}
        """)
        #expect(DuplicateObjectRule.evaluate(RuleInput(inventory: Inventory(manifests: ms))).isEmpty)
    }
}
