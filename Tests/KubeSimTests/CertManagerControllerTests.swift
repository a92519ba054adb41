import Foundation
import KubeSim
import SyncGateCore
import SyncGateX509
import Testing

@Suite("cert-manager controller")
struct CertManagerControllerTests {
    static let namespaces = ["acme-pay-production", "acme-pay-sandbox", "acme-rbac-production", "acme-rbac-sandbox"]

    static func issuer(dns01: Bool = false) -> String {
        let solver = dns01
            ? "    - dns01: {route53: {region: us-east-1}}"
            : "    - http01: {gatewayHTTPRoute: {parentRefs: [{name: traefik-gateway, namespace: traefik, kind: Gateway}]}}"
        return """
            apiVersion: cert-manager.io/v1
            kind: ClusterIssuer
            metadata: {name: letsencrypt-prod}
            spec:
              acme:
                server: https://acme-v02.api.letsencrypt.org/directory
                email: ops@example.com
                privateKeySecretRef: {name: letsencrypt-prod}
                solvers:
            \(solver)
            """
    }

    static func certificate(_ ns: String, host: String, secret: String, annotations: String = "") -> String {
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: \(ns)}
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: \(ns)-cert
          namespace: \(ns)
          \(annotations)
        spec:
          secretName: \(secret)
          dnsNames: [\(host)]
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        """
    }

    static func seedCluster(_ sim: KubeSim, withPayListeners: Bool) throws {
        var extra = ""
        if withPayListeners {
            extra = """
                  - name: pay-https
                    protocol: HTTPS
                    port: 443
                    hostname: pay.acme.example.com
                    allowedRoutes: {namespaces: {from: All}}
                    tls: {certificateRefs: [{name: acme-pay-prod-tls-secret, namespace: acme-pay-production}]}
                """
        }
        try sim.apply(yaml: GatewayControllerTests.gateway(extraListeners: extra) + "\n---\n"
                      + GatewayControllerTests.tlsSecret("catalog-tls", "traefik") + "\n---\n" + GatewayControllerTests.tlsSecret("orders-tls", "traefik"))
        try sim.apply(yaml: issuer())
        for (i, ns) in namespaces.enumerated() {
            try sim.apply(yaml: certificate(ns, host: ["pay", "pay-sandbox", "rbac", "rbac-sandbox"][i] + ".acme.example.com",
                                            secret: i == 0 ? "acme-pay-prod-tls-secret" : "sandbox-tls-secret"))
        }
        if withPayListeners {
            try sim.apply(yaml: """
                apiVersion: gateway.networking.k8s.io/v1beta1
                kind: ReferenceGrant
                metadata: {name: traefik, namespace: acme-pay-production}
                spec:
                  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: traefik}]
                  to: [{group: "", kind: Secret}]
                """)
        }
    }

    @Test("seed 000: four Certificates whose hosts do not resolve leak solver HTTPRoutes for 18 virtual hours")
    func solverRouteLeak() throws {
        let resolver = MutableHostResolver()
        var options = KubeSimOptions()
        options.resolver = resolver
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        try Self.seedCluster(sim, withPayListeners: false)
        let t0 = Date()
        let hours = Double(ProcessInfo.processInfo.environment["KUBESIM_REPLAY_HOURS"] ?? "18") ?? 18
        sim.advance(by: hours * 3600)
        let elapsed = Date().timeIntervalSince(t0)
        let counts = sim.solverRouteCounts()
        let total = counts.values.reduce(0, +)
        #expect(Set(counts.keys) == Set(Self.namespaces))
        for ns in Self.namespaces {
            // 18 h / 11.4 s ≈ 5,684 per Certificate (seed 000: 5,445–5,697).
            #expect((5_400...5_800).contains(counts[ns] ?? 0), "\(ns): \(counts[ns] ?? 0)")
        }
        #expect(total > 22_000, "total \(total)")
        #expect(elapsed < 150, "18 virtual hours took \(elapsed) s")
        let cert = try #require(sim.get("Certificate", "acme-pay-production", "acme-pay-production-cert"))
        #expect(Self.condition(cert, "Ready")?["status"]?.string == "False")
        #expect(Self.condition(cert, "Issuing")?["status"]?.string == "True")
        let challenge = try #require(sim.list("Challenge", namespace: "acme-pay-production").first)
        #expect(challenge[path: "status", "state"]?.string == "pending")
        #expect(challenge[path: "status", "reason"]?.string?.contains("no such host") == true)
        #expect(challenge[path: "spec", "type"]?.string == "HTTP-01")
        let route = try #require(sim.list("HTTPRoute", namespace: "acme-pay-sandbox").first { $0.metadataName.hasPrefix("cm-acme-http-solver-") })
        #expect(route[path: "spec", "parentRefs"]?[0]?["name"]?.string == "traefik-gateway")
        #expect(route.labels["acme.cert-manager.io/http01-solver"] == "true")
        #expect(route[path: "metadata", "ownerReferences"]?[0]?["kind"]?.string == "Challenge")

        // DNS gets fixed: the next attempt passes, the CA validates, the Secret is written, the routes are cleaned up.
        resolver.set("pay.acme.example.com", ["203.0.113.10"])
        sim.advance(by: 60)
        let issued = try #require(sim.get("Certificate", "acme-pay-production", "acme-pay-production-cert"))
        #expect(Self.condition(issued, "Ready")?["status"]?.string == "True")
        #expect(Self.condition(issued, "Issuing") == nil)
        #expect(issued[path: "status", "revision"]?.int == 1)
        let secret = try #require(sim.get("Secret", "acme-pay-production", "acme-pay-prod-tls-secret"))
        #expect(secret["type"]?.string == "kubernetes.io/tls")
        #expect(secret.annotations["cert-manager.io/issuer-name"] == "letsencrypt-prod")
        #expect(secret.annotations["cert-manager.io/alt-names"] == "pay.acme.example.com")
        let pem = String(data: Data(base64Encoded: secret[path: "data", "tls.crt"]?.string ?? "")!, encoding: .utf8) ?? ""
        #expect(pem.contains("BEGIN CERTIFICATE"))
        #expect(secret[path: "data", "ca.crt"] != nil)
        #expect(sim.solverRouteCounts()["acme-pay-production"] == nil, "solver routes are deleted on success")
        #expect((sim.solverRouteCounts()["acme-pay-sandbox"] ?? 0) > 5_400)

        // Deleting the Challenges (seed 000's cleanup) takes their routes with them.
        for ch in sim.list("Challenge", namespace: "acme-pay-sandbox") {
            sim.store.remove(ResourceKey(group: "acme.cert-manager.io", plural: "challenges"), namespace: "acme-pay-sandbox", name: ch.metadataName)
        }
        #expect(sim.solverRouteCounts()["acme-pay-sandbox"] == nil)
    }

    @Test("seed 000 deadlock: a listener's missing Secret stops the Gateway, so even with DNS right HTTP-01 fails until a placeholder Secret")
    func deadlock() throws {
        var options = KubeSimOptions()
        options.resolver = StaticHostResolver(["pay.acme.example.com": ["203.0.113.10"]])
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        try Self.seedCluster(sim, withPayListeners: true)
        sim.advance(by: 600)
        let gw = sim.get("Gateway", "traefik", "traefik-gateway")
        #expect(GatewayControllerTests.condition(gw?["status"], "Programmed")?["status"]?.string == "False")
        let challenge = try #require(sim.list("Challenge", namespace: "acme-pay-production").first)
        #expect(challenge[path: "status", "reason"]?.string?.contains("not programmed") == true)
        #expect((sim.solverRouteCounts()["acme-pay-production"] ?? 0) > 40)

        // Placeholder (as SyncGate or the seed's operator does it); cert-manager then overwrites it.
        try sim.apply(yaml: """
            apiVersion: v1
            kind: Secret
            metadata: {name: acme-pay-prod-tls-secret, namespace: acme-pay-production, labels: {syncgate.dev/placeholder: "true"}}
            type: kubernetes.io/tls
            data: {tls.crt: \(Data("placeholder".utf8).base64EncodedString()), tls.key: \(Data("key".utf8).base64EncodedString())}
            """)
        sim.advance(by: 60)
        #expect(GatewayControllerTests.condition(sim.get("Gateway", "traefik", "traefik-gateway")?["status"], "Programmed")?["status"]?.string == "True")
        let cert = try #require(sim.get("Certificate", "acme-pay-production", "acme-pay-production-cert"))
        #expect(Self.condition(cert, "Ready")?["status"]?.string == "True")
        let secret = try #require(sim.get("Secret", "acme-pay-production", "acme-pay-prod-tls-secret"))
        #expect(secret.annotations["cert-manager.io/certificate-name"] == "acme-pay-production-cert")
        #expect(secret[path: "data", "tls.crt"]?.string != Data("placeholder".utf8).base64EncodedString())
        #expect(secret.labels["syncgate.dev/placeholder"] == "true", "cert-manager keeps labels it does not own")
    }

    @Test("issue-temporary-certificate writes a temporary certificate at once")
    func temporaryCertificate() throws {
        let sim = try KubeSim.start()
        defer { sim.stop() }
        try sim.apply(yaml: Self.issuer())
        try sim.apply(yaml: Self.certificate("team", host: "t.example.com", secret: "t-tls", annotations: "annotations: {cert-manager.io/issue-temporary-certificate: \"true\"}"))
        sim.reconcile()
        let secret = try #require(sim.get("Secret", "team", "t-tls"))
        #expect(secret["type"]?.string == "kubernetes.io/tls")
        #expect(secret[path: "data", "tls.key"] != nil)
        let cert = try #require(sim.get("Certificate", "team", "team-cert"))
        #expect(Self.condition(cert, "Ready")?["reason"]?.string == "TemporaryCertificate")
        #expect(Self.condition(cert, "Issuing")?["status"]?.string == "True")
    }

    @Test("seed 001: the CA forgets the Order during renewal; issuance fails and backs off 1h, 2h, 4h…; deleting the failed CertificateRequest retries at once")
    func vanishedOrder() throws {
        let sim = try KubeSim.start()
        defer { sim.stop() }
        try sim.apply(yaml: Self.issuer(dns01: true))
        try sim.apply(yaml: Self.certificate("xpro", host: "xpro-web.odl.example.edu", secret: "xpro-tls-pair"))
        sim.advance(by: 60)
        var cert = try #require(sim.get("Certificate", "xpro", "xpro-cert"))
        #expect(Self.condition(cert, "Ready")?["status"]?.string == "True")
        #expect(cert[path: "status", "revision"]?.int == 1)
        let renewal = try #require(KubeTime.parse(cert[path: "status", "renewalTime"]?.string ?? ""))
        let notAfter = try #require(KubeTime.parse(cert[path: "status", "notAfter"]?.string ?? ""))
        #expect(abs(notAfter.timeIntervalSince(renewal) - 30 * 86400) < 120, "renewal at 2/3 of 90 days")

        sim.setOrdersVanishAtCA(true)
        sim.advance(by: renewal.timeIntervalSince(sim.now) + 60)
        cert = try #require(sim.get("Certificate", "xpro", "xpro-cert"))
        #expect(Self.condition(cert, "Issuing")?["status"]?.string == "False")
        #expect(Self.condition(cert, "Issuing")?["reason"]?.string == "Failed")
        #expect(cert[path: "status", "failedIssuanceAttempts"]?.int == 1)
        #expect(Self.condition(cert, "Ready")?["status"]?.string == "True", "still valid inside the renewal window")
        let cr = try #require(sim.get("CertificateRequest", "xpro", "xpro-cert-2"))
        #expect(Self.condition(cr, "Ready")?["reason"]?.string == "Failed")
        let order = try #require(sim.list("Order", namespace: "xpro").first { $0.metadataName.hasPrefix("xpro-cert-2-") })
        #expect(order[path: "status", "state"]?.string == "errored")
        #expect(order[path: "status", "reason"]?.string?.contains("404 urn:ietf:params:acme:error:malformed: No order for ID") == true)

        // Backoff: 1 h, then 2 h.
        sim.advance(by: 3600 + 60)
        #expect(sim.get("Certificate", "xpro", "xpro-cert")?[path: "status", "failedIssuanceAttempts"]?.int == 2)
        sim.advance(by: 3600)
        #expect(sim.get("Certificate", "xpro", "xpro-cert")?[path: "status", "failedIssuanceAttempts"]?.int == 2)
        sim.advance(by: 3600 + 60)
        #expect(sim.get("Certificate", "xpro", "xpro-cert")?[path: "status", "failedIssuanceAttempts"]?.int == 3)

        // Past expiry: not Ready.
        sim.advance(by: notAfter.timeIntervalSince(sim.now) + 60)
        cert = try #require(sim.get("Certificate", "xpro", "xpro-cert"))
        #expect(Self.condition(cert, "Ready")?["status"]?.string == "False")
        #expect(Self.condition(cert, "Ready")?["reason"]?.string == "Expired")

        // The fix from seed 001: delete the failed CertificateRequest; cert-manager retries at once.
        sim.setOrdersVanishAtCA(false)
        sim.store.remove(ResourceKey(group: "cert-manager.io", plural: "certificaterequests"), namespace: "xpro", name: "xpro-cert-2")
        sim.advance(by: 30)
        cert = try #require(sim.get("Certificate", "xpro", "xpro-cert"))
        #expect(Self.condition(cert, "Ready")?["status"]?.string == "True")
        #expect(cert[path: "status", "revision"]?.int == 2)
    }

    static func condition(_ v: Value, _ type: String) -> Value? {
        v[path: "status", "conditions"]?.elements.first { $0["type"]?.string == type }
    }
}

/// KubeSim's one CA serves the API's TLS at wall-clock time and signs cert-manager certificates at virtual time,
/// which starts on seed 000's evening by default: it must be valid at both.
@Suite struct LocalCAValidityTests {
    @Test func caIsValidAtVirtualAndWallClockTime() throws {
        var options = KubeSimOptions()
        options.clock = .virtual()
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        let ca = try SyncGateX509.Certificate(pem: sim.ca.certificatePEM)
        let virtualNow = Int64(sim.now.timeIntervalSince1970)
        let wallNow = Int64(Date().timeIntervalSince1970)
        #expect(virtualNow < wallNow - 86_400, "the default virtual clock starts in the past")
        #expect(ca.isValid(at: virtualNow))
        #expect(ca.isValid(at: wallNow))
    }
}
