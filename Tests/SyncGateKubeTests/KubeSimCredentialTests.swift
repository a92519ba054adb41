import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct KubeSimCredentialTests {
    @Test func execPluginAgainstKubeSimOverTLS() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        let s = h.scratch
        let plugin = try s.write("get-token.sh", """
            #!/bin/sh
            n=$(cat "\(s.path)/runs" 2>/dev/null || echo 0); echo $((n+1)) > "\(s.path)/runs"
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"\(SimHarness.adminToken)","expirationTimestamp":"2099-01-01T00:00:00Z"}}'
            """, executable: true)
        // KubeSim's kubeconfig with the token user replaced by an exec user
        var text = h.sim.kubeconfig(token: "placeholder")
        text = text.replacingOccurrences(of: "    token: placeholder", with: """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: \(plugin)
                  interactiveMode: Never
            """)
        let path = try s.write("exec-kubeconfig", text)
        let config = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: path, environment: [:], homeDirectory: s.path))
        guard case .exec = config.auth else { Issue.record("not an exec user: \(text)"); return }
        let client = KubeClient(configuration: config, environment: ["PATH": "/usr/bin:/bin"], retry: .none, requestTimeout: 10)
        for _ in 0..<3 { _ = try await client.get(.namespaces, name: "default") }
        #expect(await client.credentials.execRuns == 1)
        #expect(try String(contentsOfFile: s.path + "/runs", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func slowServerTimesOutBoundedAndLeavesNothingHalfDone() async throws {
        let h = try SimHarness.start(retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01))
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("slow", syncPolicy: #"{"automated":{}}"#))
        var client = h.client
        client.requestTimeout = 0.5
        h.sim.faults.add(Fault(.latency(1.5), methods: ["PATCH"]))
        let before = try #require(h.sim.get("Application", "argocd", "slow"))
        let start = Date()
        do {
            _ = try await AutoSyncControl(client: client, now: { pausedAt }).pause("slow", reason: "r")
            Issue.record("expected a timeout")
        } catch let e as KubeError {
            guard case .timedOut = e else { Issue.record("expected timedOut, got \(e)"); return }
        }
        // Two attempts of 0.5 s each; the bound is loose because the whole test process shares two cores.
        #expect(Date().timeIntervalSince(start) < 30)
        // The server may still apply a patch whose answer timed out; whatever happened is all-or-nothing:
        // either untouched, or fully paused with the record.
        try await Task.sleep(nanoseconds: 2_000_000_000)
        let after = try #require(h.sim.get("Application", "argocd", "slow"))
        if after != before {
            #expect(try AutoSyncRules.record(of: after)?.previousPolicy == json(#"{"automated":{}}"#))
            #expect(!AutoSyncRules.isAutoSyncOn(after[path: "spec", "syncPolicy"]))
        }
        h.sim.faults.clear()
        // and the next run converges
        let outcome = try await AutoSyncControl(client: h.client, now: { pausedAt }).pause("slow", reason: "r")
        #expect([.paused, .alreadyPaused].contains(outcome.result))
    }
}
