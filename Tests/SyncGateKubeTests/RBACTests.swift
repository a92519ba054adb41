import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

/// examples/rbac/ applied to KubeSim with RBAC enforced: every SyncGate command works as the ServiceAccount,
/// and everything else is refused.
@Suite struct RBACTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func rbacYAML() throws -> String {
        try ["serviceaccount.yaml", "autosync.yaml", "placeholder.yaml", "solvers.yaml"].map {
            try String(contentsOfFile: "\(repoRoot)/examples/rbac/\($0)", encoding: .utf8)
        }.joined(separator: "\n---\n")
    }

    @Test func everyCommandPassesAndNothingElse() async throws {
        let token = "syncgate-sa-token"
        let h = try SimHarness.start(controllers: [.gateway], tokens: [token: .serviceAccount(namespace: "syncgate", name: "syncgate")],
                                     enforceRBAC: true)
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: try Self.rbacYAML())
        try h.sim.apply(yaml: SimHarness.application("pay-production", syncPolicy: #"{"automated":{"prune":true}}"#))
        try h.sim.apply(yaml: PlaceholderIntegrationTests.gateway)
        let failed = try #require(try h.sim.apply(yaml: SolverIntegrationTests.challenge("failed", state: "invalid")).first)
        try h.sim.apply(yaml: SolverIntegrationTests.route("cm-acme-http-solver-old", ownerName: "failed", ownerUID: failed[path: "metadata", "uid"]?.string))
        let sa = try h.client(token: token)

        // pause / status / resume
        let control = AutoSyncControl(client: sa, now: { pausedAt })
        let features = await control.features()
        #expect(features.hasAutomatedEnabled, "the CRD must be readable: \(features.source)")
        #expect(try await control.pause("pay-production", reason: "rbac test", features: features).result == .paused)
        #expect(try await control.paused(namespace: "argocd").count == 1)
        #expect(try await control.resume("pay-production").result == .resumed)

        // placeholder ensure / list
        let placeholders = PlaceholderSecrets(client: sa)
        let made = try await placeholders.ensure()
        #expect(made.allSatisfy { $0.action == .created }, "\(made.map(\.message))")
        #expect(try await placeholders.list().count == 2)

        // solvers, with --prune
        let janitor = SolverRouteJanitor(client: sa)
        let pruned = try await janitor.prune(try await janitor.census())
        #expect(pruned.deleted.map(\.name) == ["cm-acme-http-solver-old"])

        // and nothing else
        let app = try await sa.get(.applications, namespace: "argocd", name: "pay-production")
        let refused: [(String, () async throws -> Void)] = [
            ("update Application", { _ = try await sa.update(.applications, app) }),
            ("delete Application", { try await sa.delete(.applications, namespace: "argocd", name: "pay-production") }),
            ("list Applications elsewhere", { _ = try await sa.list(.applications, namespace: "default") }),
            ("patch Secret", { _ = try await sa.mergePatch(.secrets, namespace: "pay-prod", name: "pay-tls", json(#"{"metadata":{"labels":{"x":"y"}}}"#)) }),
            ("delete Secret", { try await sa.delete(.secrets, namespace: "pay-prod", name: "pay-tls") }),
            ("patch Gateway", { _ = try await sa.mergePatch(.gateways, namespace: "traefik", name: "traefik-gateway", json(#"{"metadata":{"labels":{"x":"y"}}}"#)) }),
            ("create HTTPRoute", { _ = try await sa.create(.httpRoutes, namespace: "pay-prod", json(#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"x"}}"#)) }),
            ("delete Challenge", { try await sa.delete(.challenges, namespace: "pay-prod", name: "failed") }),
            ("get Certificate", { _ = try await sa.getIfPresent(.certificates, namespace: "pay-prod", name: "x") }),
            ("get another CRD", { _ = try await sa.get(.customResourceDefinitions, name: "certificates.cert-manager.io") }),
            ("patch ApplicationSet", { _ = try await sa.mergePatch(.applicationSets, namespace: "argocd", name: "x", json("{}")) }),
        ]
        for (what, call) in refused {
            do {
                try await call()
                Issue.record("\(what) was allowed")
            } catch let e as KubeError {
                guard case .forbidden(let s) = e else { Issue.record("\(what): expected 403, got \(e)"); continue }
                #expect(!s.verb.isEmpty && !s.resource.isEmpty && "\(e)".contains("Grant the '\(s.verb)' verb on \(s.resource)"), "\(what): \(e)")
            }
        }
    }
}
