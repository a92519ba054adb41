import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct SolverIntegrationTests {
    static func challenge(_ name: String, state: String) -> String {
        """
        apiVersion: acme.cert-manager.io/v1
        kind: Challenge
        metadata: {name: \(name), namespace: pay-prod}
        spec:
          url: https://acme.example/chall/\(name)
          authorizationURL: https://acme.example/authz/\(name)
          dnsName: pay.example.com
          type: HTTP-01
          token: token-\(name)
          key: key-\(name)
          solver: {http01: {gatewayHTTPRoute: {parentRefs: [{name: traefik-gateway, namespace: traefik}]}}}
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        status: {state: \(state), processing: false, presented: false}
        """
    }

    static func route(_ name: String, ownerName: String?, ownerUID: String?, token: String? = nil, kind: String = "HTTPRoute") -> String {
        var labels = "{acme.cert-manager.io/http01-solver: \"true\"}"
        if let token { labels = "{acme.cert-manager.io/http01-solver: \"true\", acme.cert-manager.io/http-token: \"\(SolverRules.adler32(token))\"}" }
        let owner = ownerName.map { "\n  ownerReferences: [{apiVersion: acme.cert-manager.io/v1, kind: Challenge, name: \($0), uid: \(ownerUID ?? "gone-uid"), controller: true}]" } ?? ""
        if kind == "Ingress" {
            return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: \(name)
                  namespace: pay-prod
                  labels: \(labels)\(owner)
                spec: {rules: [{host: pay.example.com}]}
                """
        }
        return """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: \(name)
              namespace: pay-prod
              labels: \(labels)\(owner)
            spec:
              parentRefs: [{name: traefik-gateway, namespace: traefik}]
              hostnames: [pay.example.com]
            """
    }

    @Test func pruneDeletesExactlyTheStaleRoutes() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        let live = try #require(try h.sim.apply(yaml: Self.challenge("live", state: "pending")).first)
        let failed = try #require(try h.sim.apply(yaml: Self.challenge("failed", state: "invalid")).first)
        let liveUID = live[path: "metadata", "uid"]!.string!, failedUID = failed[path: "metadata", "uid"]!.string!
        var docs: [String] = []
        var expectedStale: Set<String> = []
        var expectedKept: Set<String> = []
        for i in 0..<7 { docs.append(Self.route("cm-acme-http-solver-live\(i)", ownerName: "live", ownerUID: liveUID)); expectedKept.insert("cm-acme-http-solver-live\(i)") }
        for i in 0..<9 { docs.append(Self.route("cm-acme-http-solver-fail\(i)", ownerName: "failed", ownerUID: failedUID)); expectedStale.insert("cm-acme-http-solver-fail\(i)") }
        for i in 0..<5 { docs.append(Self.route("cm-acme-http-solver-orphan\(i)", ownerName: "deleted-long-ago", ownerUID: nil)); expectedStale.insert("cm-acme-http-solver-orphan\(i)") }
        docs.append(Self.route("cm-acme-http-solver-bylabel", ownerName: nil, ownerUID: nil, token: "token-live")); expectedKept.insert("cm-acme-http-solver-bylabel")
        docs.append(Self.route("cm-acme-http-solver-oldlabel", ownerName: nil, ownerUID: nil, token: "token-nobody")); expectedStale.insert("cm-acme-http-solver-oldlabel")
        docs.append(Self.route("cm-acme-http-solver-ing", ownerName: "failed", ownerUID: failedUID, kind: "Ingress")); expectedStale.insert("cm-acme-http-solver-ing")
        docs.append("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: cm-acme-http-solver-handmade, namespace: pay-prod}
            spec: {hostnames: [pay.example.com]}
            """)
        expectedKept.insert("cm-acme-http-solver-handmade")
        docs.append("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: pay-web, namespace: pay-prod}
            spec: {hostnames: [pay.example.com]}
            """)
        try h.sim.apply(yaml: docs.joined(separator: "\n---\n"))

        let janitor = SolverRouteJanitor(client: h.client, concurrency: 3)
        let census = try await janitor.census(threshold: 20)
        #expect(census.counts == [SolverNamespaceCount(namespace: "pay-prod", httpRoutes: 24, ingresses: 1)])
        #expect(census.overThreshold.map(\.namespace) == ["pay-prod"])
        #expect(Set(census.stale.map(\.name)) == expectedStale)

        h.sim.faults.add(Fault(.status(503), trigger: .nth(2), methods: ["DELETE"]))  // retried mid-prune
        let pruned = try await janitor.prune(census, batchSize: 4)
        #expect(Set(pruned.deleted.map(\.name)) == expectedStale)
        #expect(pruned.failed.isEmpty)
        let left = Set(h.sim.list("HTTPRoute", namespace: "pay-prod").compactMap { $0[path: "metadata", "name"]?.string })
            .union(h.sim.list("Ingress", namespace: "pay-prod").compactMap { $0[path: "metadata", "name"]?.string })
        #expect(left == expectedKept.union(["pay-web"]))
        // nothing stale remains; a second prune deletes nothing
        let again = try await janitor.prune(try await janitor.census(threshold: 20))
        #expect(again.deleted.isEmpty)
    }

    @Test func aChallengeThatBecomesActiveProtectsItsRoutesAndChangedRoutesAreSkipped() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: [0, 1, 2].map { Self.route("cm-acme-http-solver-x\($0)", ownerName: nil, ownerUID: nil, token: "token-late") }.joined(separator: "\n---\n"))
        try h.sim.apply(yaml: Self.route("cm-acme-http-solver-changed", ownerName: nil, ownerUID: nil, token: "token-gone"))
        let janitor = SolverRouteJanitor(client: h.client, concurrency: 1)
        let census = try await janitor.census()
        #expect(census.stale.count == 4)
        // between census and prune: a Challenge with that token appears, and one route is modified
        try h.sim.apply(yaml: Self.challenge("late", state: "pending"))
        _ = try await h.client.mergePatch(.httpRoutes, namespace: "pay-prod", name: "cm-acme-http-solver-changed",
                                          json(#"{"metadata":{"annotations":{"touched":"yes"}}}"#))
        let pruned = try await janitor.prune(census, batchSize: 10)
        #expect(pruned.deleted.isEmpty)
        #expect(pruned.skipped.count == 4)
        #expect(h.sim.list("HTTPRoute", namespace: "pay-prod").count == 4)
    }
}
