import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

/// Seed 000 on KubeSim's cert-manager: a host that does not resolve makes every HTTP-01 attempt leave a solver
/// HTTPRoute behind. While the Challenge is pending its routes are protected; once it has finished (here: the
/// CA forgot the Order, the Challenge expires), `solvers --prune` removes every one of them.
@Suite struct SolverLeakScenarioTests {
    static let setup = SeedObjects.traefikGatewayWithHTTPListener + "---\n" + SeedObjects.letsencryptProdHTTP01 + """
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: pay-cert, namespace: pay-prod}
        spec:
          secretName: pay-tls
          dnsNames: [pay.example.com]
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        """

    @Test func leakedRoutesArePrunedOnceTheirChallengeIsOver() async throws {
        let h = try SimHarness.start(controllers: [.gateway, .certManager])
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: Self.setup)
        h.sim.advance(by: 600)  // ten virtual minutes of failing self-checks
        let leaked = h.sim.solverRouteCounts()["pay-prod"] ?? 0
        #expect(leaked > 20, "KubeSim should have leaked solver routes: \(h.sim.solverRouteCounts())")

        let janitor = SolverRouteJanitor(client: h.client, concurrency: 4)
        let during = try await janitor.census(threshold: 20)
        #expect(during.counts.first?.httpRoutes == leaked)
        #expect(during.overThreshold.count == 1)
        #expect(during.active.count == leaked, "routes of the pending Challenge are protected")
        #expect(try await janitor.prune(during).deleted.isEmpty)

        h.sim.setOrdersVanishAtCA(true)
        h.sim.advance(by: 1)
        let after = try await janitor.census(threshold: 20)
        let stillCounted = after.counts.first?.httpRoutes ?? 0
        let pruned = try await janitor.prune(after, batchSize: 7)
        #expect(pruned.deleted.count == after.stale.count)
        #expect(pruned.deleted.count >= leaked, "every leaked route of the expired Challenge goes")
        #expect(pruned.failed.isEmpty)
        #expect((h.sim.solverRouteCounts()["pay-prod"] ?? 0) == stillCounted - pruned.deleted.count)
        #expect((h.sim.solverRouteCounts()["pay-prod"] ?? 0) == after.active.count)
    }
}
