import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct ClusterAccessTests {
    @Test func watchStreamsAndResumesAfterTheServerEndsTheStream() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("first", syncPolicy: nil))
        let sim = h.sim
        var seen: [String] = []
        for try await event in h.client.watch(.applications, namespace: "argocd", serverTimeoutSeconds: 1) {
            switch event {
            case .relisted(let items, _):
                seen.append("relisted:" + items.compactMap { $0[path: "metadata", "name"]?.string }.sorted().joined(separator: ","))
                Task {
                    try await Task.sleep(nanoseconds: 1_600_000_000)  // after the server ended the first stream
                    _ = try sim.apply(yaml: SimHarness.application("second", syncPolicy: nil))
                }
            case .added(let o): seen.append("added:\(o[path: "metadata", "name"]?.string ?? "")")
            case .modified(let o): seen.append("modified:\(o[path: "metadata", "name"]?.string ?? "")")
            case .deleted, .bookmark: break
            }
            if seen.count == 2 { break }  // leaving the loop cancels the transfer
        }
        #expect(seen == ["relisted:first", "added:second"])
        // one list, the first watch, and at least one resumed watch (KubeSim logs paths without queries)
        let calls = sim.requestLog.filter { $0.hasPrefix("GET /apis/argoproj.io/v1alpha1/namespaces/argocd/applications") }
        #expect(calls.count >= 3, "expected a resumed watch: \(calls)")
    }

    @Test func watchFromACompactedVersionRelists() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("a", syncPolicy: nil))
        try h.sim.apply(yaml: SimHarness.application("b", syncPolicy: nil))
        h.sim.store.compactHistory()
        for try await event in h.client.watch(.applications, namespace: "argocd", resourceVersion: "1") {
            guard case .relisted(let items, let rv) = event else { Issue.record("expected a relist after 410, got \(event)"); break }
            #expect(items.compactMap { $0[path: "metadata", "name"]?.string }.sorted() == ["a", "b"])
            #expect(!rv.isEmpty)
            break
        }
    }

    @Test func watchEndsWhenTheConsumerIsCancelled() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        let client = h.client
        let task = Task { () -> Int in
            var n = 0
            for try await _ in client.watch(.applications, namespace: "argocd", serverTimeoutSeconds: 600) { n += 1 }
            return n
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        let start = Date()
        _ = try? await task.value
        #expect(Date().timeIntervalSince(start) < 5, "an idle watch must notice cancellation promptly")
    }

    @Test func tokensAreCheckedAndInClusterTokenIsReReadOnRotation() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        let wrong = try h.client(token: "not-a-token")
        do {
            _ = try await wrong.get(.namespaces, name: "default")
            Issue.record("expected 401")
        } catch let e as KubeError {
            guard case .unauthorized = e else { Issue.record("expected unauthorized, got \(e)"); return }
            #expect("\(e)".contains("credentials were rejected"))
        }

        // in-cluster: env vars and service account files (injected paths); the token file rotates
        let s = try Scratch()
        try s.write("sa/token", "revoked-token\n")
        try s.write("sa/ca.crt", h.sim.ca.certificatePEM)
        try s.write("sa/namespace", "kube-system\n")
        let opts = KubeConfigOptions(environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(h.sim.port)],
                                     homeDirectory: s.path, inCluster: InClusterPaths(directory: s.path + "/sa"), forceInCluster: true)
        let config = try ClientConfiguration.load(opts)
        #expect(config.namespace == "kube-system")
        let pod = KubeClient(configuration: config, retry: .none, requestTimeout: 10)
        await #expect(throws: KubeError.self) { _ = try await pod.get(.namespaces, name: "default") }
        try s.write("sa/token", SimHarness.adminToken + "\n")  // kubelet rotated the projected token
        let ns = try await pod.get(.namespaces, name: "default")  // 401 -> re-read -> retry
        #expect(ns[path: "metadata", "name"]?.string == "default")
    }

    @Test func discoveryAndTheApplicationCRD() async throws {
        let h = try SimHarness.start(argoCD: .beforeAutomatedEnabled)
        defer { h.stop() }
        let d = try await APIDiscovery.load(h.client)
        let served = d.check().allSatisfy { $0.served }
        #expect(served, "\(d.check())")
        #expect(d.resolve(.gateways, fallbacks: ["v1beta1"])?.version == "v1")
        #expect(APIDiscovery(groups: ["gateway.networking.k8s.io": ["v1beta1"]]).resolve(.httpRoutes, fallbacks: ["v1beta1"])?.version == "v1beta1")
        #expect(APIDiscovery(groups: [:]).resolve(.httpRoutes, fallbacks: ["v1beta1"]) == nil)
        let features = await ApplicationCRDFeatures.load(h.client)
        #expect(!features.hasAutomatedEnabled)

        // Why SyncGate reads the CRD first: on an older CRD, `enabled: false` is silently dropped and auto-sync stays on.
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("naive", syncPolicy: #"{"automated":{"prune":true}}"#))
        let patched = try await h.client.mergePatch(.applications, namespace: "argocd", name: "naive",
                                                    json(#"{"spec":{"syncPolicy":{"automated":{"enabled":false}}}}"#))
        #expect(AutoSyncRules.isAutoSyncOn(patched[path: "spec", "syncPolicy"]))
    }
}
