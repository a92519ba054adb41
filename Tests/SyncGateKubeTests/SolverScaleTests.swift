import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct SolverScaleTests {
    /// Seed 000 had 5,445-5,697 leaked routes per namespace; prune must page through the list and delete in
    /// bounded batches without one request per route taking long.
    @Test func prunesTwoThousandOrphanedRoutes() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        let n = 2_000
        var docs: [String] = []
        docs.reserveCapacity(n)
        for i in 0..<n {
            docs.append(SolverIntegrationTests.route("cm-acme-http-solver-\(String(i, radix: 36))", ownerName: "gone-\(i % 7)", ownerUID: nil))
        }
        try h.sim.apply(yaml: docs.joined(separator: "\n---\n"))
        let janitor = SolverRouteJanitor(client: h.client, concurrency: 8)
        let start = Date()
        let census = try await janitor.census()
        #expect(census.stale.count == n)
        let pruned = try await janitor.prune(census, batchSize: 250)
        let elapsed = Date().timeIntervalSince(start)
        #expect(pruned.deleted.count == n)
        #expect(h.sim.solverRouteCounts()["pay-prod"] == nil)
        #expect(elapsed < 60, "took \(elapsed)s")
        print("solver prune: \(n) routes listed and deleted in \(String(format: "%.2f", elapsed))s")
    }
}
