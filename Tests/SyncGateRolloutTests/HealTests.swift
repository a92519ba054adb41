import Foundation
import KubeSim
import Testing
import SyncGateCore
import SyncGateKube
@testable import SyncGateRollout

/// Seed 001 on KubeSim: the renewal's Order vanished at the CA, the CertificateRequest failed and cert-manager
/// waits out its backoff while expiry nears. `Healer` finds it and deleting the failed request heals it before expiry.
@Suite struct HealTests {
    static let setup = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: traefik}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: xpro}
        ---

        """ + SeedObjects.traefikGatewayWithHTTPListener + "---\n" + SeedObjects.letsencryptProdHTTP01 + """
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: xpro-cert, namespace: xpro}
        spec:
          secretName: xpro-tls-pair
          dnsNames: [xpro-web.odl.example.edu]
          duration: 2160h
          renewBefore: 720h
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        """

    @Test func seed001RenewalWhoseOrderVanishedIsHealedBeforeExpiry() async throws {
        var options = KubeSimOptions()
        options.resolver = StaticHostResolver(["xpro-web.odl.example.edu": ["203.0.113.10"]])
        options.controllers = [.gateway, .certManager]
        options.clock = .virtual(start: Date())
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        let cluster = KubeClusterAdapter(client: KubeClient(configuration: ClientConfiguration(server: sim.baseURL), requestTimeout: 10))
        try sim.apply(yaml: Self.setup)
        sim.advance(by: 600)
        let issued = try #require(sim.get("Certificate", "xpro", "xpro-cert", group: "cert-manager.io"))
        #expect(Condition.find("Ready", in: issued["status"])?.isTrue == true, "\(String(describing: issued["status"]))")
        let firstNotAfter = try #require((issued[path: "status", "notAfter"]?.scalarText).flatMap(RFC3339.parse))
        #expect(try await Healer.scan(cluster: cluster, namespace: nil, now: sim.now).isEmpty)

        // The renewal starts 30 days before expiry; the CA has forgotten the Order by the time cert-manager asks.
        sim.setOrdersVanishAtCA(true)
        sim.advance(by: 61 * 86_400)
        let stuck = try await Healer.scan(cluster: cluster, namespace: nil, now: sim.now)
        let s = try #require(stuck.first, "a stuck renewal must be found: \(String(describing: sim.get("Certificate", "xpro", "xpro-cert", group: "cert-manager.io")?["status"]))")
        #expect(s.certificate == ObjectName("xpro", "xpro-cert"))
        #expect(!s.failedRequests.isEmpty)
        #expect(s.notAfter.map { $0 > sim.now } == true, "still before expiry")
        #expect(s.describe(now: sim.now).contains("expires in"))

        // The CA is healthy again (a new Order works); cert-manager would still wait out its backoff. Heal.
        sim.setOrdersVanishAtCA(false)
        let deleted = try await Healer.heal(stuck, cluster: cluster)
        #expect(deleted.count == s.failedRequests.count)
        sim.advance(by: 300)
        let healed = try #require(sim.get("Certificate", "xpro", "xpro-cert", group: "cert-manager.io"))
        let newNotAfter = try #require((healed[path: "status", "notAfter"]?.scalarText).flatMap(RFC3339.parse))
        #expect(newNotAfter > firstNotAfter, "renewed")
        #expect(sim.now < firstNotAfter, "healed before the old certificate expired")
        #expect(try await Healer.scan(cluster: cluster, namespace: nil, now: sim.now).isEmpty)
    }

    @Test func pureFindIgnoresHealthyAndReportsEvidence() {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        func cond(_ t: String, _ s: String, _ r: String) -> Value { .object(["type": .string(t), "status": .string(s), "reason": .string(r), "message": .string("")]) }
        let healthy: Value = .object(["metadata": .object(["name": .string("ok"), "namespace": .string("a")]),
                                      "status": .object(["conditions": .array([cond("Ready", "True", "Ready")]),
                                                         "notAfter": .string(RFC3339.format(now.addingTimeInterval(80 * 86_400)))])])
        let stuckCert: Value = .object(["metadata": .object(["name": .string("xpro-cert"), "namespace": .string("xpro")]),
                                        "spec": .object(["dnsNames": .array([.string("xpro.example.edu")])]),
                                        "status": .object(["conditions": .array([cond("Ready", "False", "Expired")])])])
        let request: Value = .object(["metadata": .object(["name": .string("xpro-cert-2"), "namespace": .string("xpro"),
                                                           "annotations": .object(["cert-manager.io/certificate-name": .string("xpro-cert")])]),
                                      "status": .object(["conditions": .array([cond("Ready", "False", "Failed")])])])
        let order: Value = .object(["metadata": .object(["name": .string("xpro-cert-2-1040610603"), "namespace": .string("xpro"),
                                                         "ownerReferences": .array([.object(["name": .string("xpro-cert-2")])])]),
                                    "status": .object(["state": .string("errored"), "reason": .string("404 No order for ID 507326254665")])])
        let found = Healer.find(certificates: [healthy, stuckCert], requests: [request], orders: [order], challenges: [], now: now)
        #expect(found.count == 1)
        #expect(found.first?.failedRequests == ["xpro-cert-2"])
        #expect(found.first?.evidence.contains { $0.contains("No order for ID") } == true)
    }
}
