import Foundation
import KubeSim
import Testing
import SyncGateCore
import SyncGateX509
@testable import SyncGateKube

@Suite struct PlaceholderIntegrationTests {
    static let gateway = SeedObjects.traefikGatewayClass + "---\n" + SeedObjects.traefikGateway(listeners: SeedObjects.httpListener + """
          - name: https-shop
            port: 443
            protocol: HTTPS
            hostname: shop.example.com
            tls: {mode: Terminate, certificateRefs: [{name: shop-tls}]}
          - name: https-pay
            port: 443
            protocol: HTTPS
            hostname: pay.example.com
            tls: {certificateRefs: [{kind: Secret, name: pay-tls, namespace: pay-prod}]}
          - name: https-pay-www
            port: 443
            protocol: HTTPS
            hostname: www.pay.example.com
            tls: {certificateRefs: [{name: pay-tls, namespace: pay-prod}]}
        """) + """
        ---
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: ReferenceGrant
        metadata: {name: traefik-secrets, namespace: pay-prod}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: traefik}]
          to: [{group: "", kind: Secret}]
        """

    static func existingSecret() throws -> String {
        let key = try PrivateKey.generateP256()
        let t = WallClock.nowEpochSeconds()
        let cert = try SelfSigned.certificate(CertificateRequest(commonName: "shop.example.com", dnsNames: ["shop.example.com"],
                                                                 notBefore: t - 60, notAfter: t + 86_400), key: key)
        return """
            apiVersion: v1
            kind: Secret
            metadata: {name: shop-tls, namespace: traefik, labels: {owner: cert-manager}}
            type: kubernetes.io/tls
            data:
              tls.crt: \(Data(cert.pem.utf8).base64EncodedString())
              tls.key: \(Data(key.pem.utf8).base64EncodedString())
            """
    }

    static func programmed(_ gw: Value?) -> String? {
        gw?[path: "status", "conditions"]?.elements.first { $0["type"]?.string == "Programmed" }?["status"]?.string
    }

    @Test func placeholdersBringTheGatewayBack() async throws {
        let h = try SimHarness.start(controllers: [.gateway]) { $0.blastRadius = .gateway }
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: try Self.existingSecret())
        try h.sim.apply(yaml: Self.gateway)
        h.sim.reconcile()
        // seed 000: one missing Secret and the whole Gateway is down
        #expect(Self.programmed(h.sim.get("Gateway", "traefik", "traefik-gateway")) == "False")
        let shopBefore = try #require(h.sim.get("Secret", "traefik", "shop-tls"))

        let placeholders = PlaceholderSecrets(client: h.client, now: { pausedAt })
        let results = try await placeholders.ensure(gateway: ("traefik", "traefik-gateway"))
        #expect(results.map(\.action) == [.exists, .created])
        #expect(results[1].hostnames == ["pay.example.com", "www.pay.example.com"])
        h.sim.reconcile()
        let gw = h.sim.get("Gateway", "traefik", "traefik-gateway")
        #expect(Self.programmed(gw) == "True")
        for l in gw?[path: "status", "listeners"]?.elements ?? [] {
            #expect(l["conditions"]?.elements.first { $0["type"]?.string == "Programmed" }?["status"]?.string == "True")
        }

        // the existing Secret was never touched; the placeholder is labelled, for the listener hosts, self-signed
        #expect(h.sim.get("Secret", "traefik", "shop-tls") == shopBefore)
        let made = try #require(h.sim.get("Secret", "pay-prod", "pay-tls"))
        #expect(made["type"]?.string == "kubernetes.io/tls")
        #expect(made[path: "metadata", "labels", "syncgate.dev/placeholder"]?.string == "true")
        let pem = String(decoding: Data(base64Encoded: made[path: "data", "tls.crt"]?.string ?? "") ?? Data(), as: UTF8.self)
        let cert = try Certificate(pem: pem)
        #expect(cert.dnsNames == ["pay.example.com", "www.pay.example.com"])
        #expect(cert.isSelfIssued)
        let keyPEM = String(decoding: Data(base64Encoded: made[path: "data", "tls.key"]?.string ?? "") ?? Data(), as: UTF8.self)
        #expect(cert.matches(key: try PrivateKey(pem: keyPEM)))

        // idempotent: a second ensure creates nothing
        #expect(try await placeholders.ensure().map(\.action) == [.exists, .exists])
        var listed = try await placeholders.list()
        #expect(listed.map { "\($0.namespace)/\($0.name):\($0.stillPlaceholder)" } == ["pay-prod/pay-tls:true"])

        // cert-manager writes the real certificate into the Secret (labels kept): no longer a placeholder
        let realKey = try PrivateKey.generateP256()
        let t = WallClock.nowEpochSeconds()
        let real = try h.sim.ca.issue(commonName: "pay.example.com", dnsNames: ["pay.example.com", "www.pay.example.com"], ipAddresses: [],
                                      notBefore: Date(timeIntervalSince1970: TimeInterval(t - 60)), notAfter: Date(timeIntervalSince1970: TimeInterval(t + 86_400)))
        _ = realKey
        _ = try await h.client.mergePatch(.secrets, namespace: "pay-prod", name: "pay-tls", .object(["data": .object([
            "tls.crt": .string(Data(real.certificatePEM.utf8).base64EncodedString()),
            "tls.key": .string(Data(real.keyPEM.utf8).base64EncodedString()),
        ])]))
        listed = try await placeholders.list()
        #expect(listed.map(\.stillPlaceholder) == [false])
    }

    @Test func createIsCreateOnlyAndRacesAreLeftAlone() async throws {
        let h = try SimHarness.start(controllers: [.gateway])
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: Self.gateway)
        // Someone creates the Secret between our existence check and our create: the 409 leaves theirs alone.
        let theirs = """
            apiVersion: v1
            kind: Secret
            metadata: {name: pay-tls, namespace: pay-prod}
            type: kubernetes.io/tls
            data: {tls.crt: "", tls.key: ""}
            """
        let sim = h.sim
        let placeholders = PlaceholderSecrets(client: h.client, now: { pausedAt }, generate: { hosts, now in
            if hosts.contains("pay.example.com") { _ = try? sim.apply(yaml: theirs) }  // the race, just before our create
            return ("CERT", "KEY", "fp")
        })
        let results = try await placeholders.ensure(gateway: ("traefik", "traefik-gateway"))
        #expect(results.first { $0.secretName == "pay-tls" }?.action == .createdConcurrently)
        #expect(h.sim.get("Secret", "pay-prod", "pay-tls")?[path: "metadata", "labels"] == nil)

        // a create that fails (500 after the retries) reports the Secret and leaves nothing half-made
        let h2 = try SimHarness.start(controllers: [.gateway], retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01))
        defer { h2.stop() }
        try h2.sim.apply(yaml: SimHarness.namespaces)
        try h2.sim.apply(yaml: Self.gateway)
        h2.sim.faults.add(Fault(.status(500), methods: ["POST"], pathContains: "/secrets"))
        let failed = try await PlaceholderSecrets(client: h2.client).ensure()
        #expect(failed.allSatisfy { $0.action == .failed })
        #expect(failed.first?.message.contains("cannot create placeholder Secret") == true)
        #expect(h2.sim.list("Secret", namespace: "pay-prod").isEmpty)
    }
}
