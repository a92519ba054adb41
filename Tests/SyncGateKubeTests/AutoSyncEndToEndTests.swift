import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

/// With KubeSim's Argo CD controller: a paused Application stops following Git, a resumed one catches up.
@Suite struct AutoSyncEndToEndTests {
    static func configMap(_ value: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: pay-config, namespace: pay-prod}
        data: {version: "\(value)"}
        """
    }

    @Test(arguments: [CustomResourceDefinitions.ArgoCDVersion.current, .beforeAutomatedEnabled])
    func pausedApplicationsStopFollowingGit(crd: CustomResourceDefinitions.ArgoCDVersion) async throws {
        let repo = try Scratch()
        try repo.write("apps/pay-production/config.yaml", Self.configMap("1"))
        let h = try SimHarness.start(controllers: [.argoCD], argoCD: crd) { o in
            o.argoCD.repoDirectory = repo.path
            o.argoCD.kustomize = false
        }
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("pay-production", syncPolicy: #"{"automated":{"prune":true,"selfHeal":true}}"#)
            .replacingOccurrences(of: "namespace: pay-production", with: "namespace: pay-prod"))
        func deployed() -> String? { h.sim.get("ConfigMap", "pay-prod", "pay-config")?[path: "data", "version"]?.string }
        h.sim.advance(by: 5)
        #expect(deployed() == "1", "auto-sync should deploy the repo: \(String(describing: h.sim.get("Application", "argocd", "pay-production")?["status"]))")

        let control = AutoSyncControl(client: h.client, now: { pausedAt })
        _ = try await control.pause("pay-production", reason: "DNS for pay.example.com missing")
        try repo.write("apps/pay-production/config.yaml", Self.configMap("2"))
        h.sim.advance(by: 900)
        #expect(deployed() == "1", "a paused Application must not sync")

        _ = try await control.resume("pay-production")
        h.sim.advance(by: 400)
        #expect(deployed() == "2", "after resume auto-sync catches up with Git")
    }
}
