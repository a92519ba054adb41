import Foundation
import KubeSim
import SyncGateCore
import Testing

/// pipelines/metrics: applied with the real kubectl to KubeSim with RBAC enforced, its ServiceAccount can run
/// exactly what the Deployment runs, and every read of a collection succeeds.
@Suite struct MetricsDeploymentTests {
    @Test func theMetricsServiceAccountCollectsWithoutErrors() throws {
        var options = KubeSimOptions()
        options.tls = true
        options.enforceRBAC = true
        options.controllers = []
        options.tokens = ["admin": .admin(), "metrics": .serviceAccount(namespace: "syncgate", name: "syncgate-metrics")]
        if let crds = CRDSchemas.locate() { options.crdDirectory = crds }
        let sim = try KubeSim.start(options)
        defer { sim.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-metrics-rbac-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let admin = try sim.writeKubeconfig(to: directory.appendingPathComponent("admin").path, token: "admin")
        let metrics = try sim.writeKubeconfig(to: directory.appendingPathComponent("metrics").path, token: "metrics")

        var r = try HookRBACTests.kubectl(admin, ["apply"], stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n")
        #expect(r.status == 0, "\(r.stderr)")
        // KubeSim has no prometheus-operator CRDs: apply everything but the ServiceMonitor (validated by KustomizeTests).
        let built = try KustomizeTests.build("pipelines/metrics").filter { $0["kind"]?.string != "ServiceMonitor" }
        #expect(built.count == 8)
        r = try HookRBACTests.kubectl(admin, ["apply"], stdin: JSONWriter.string(.object(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(built)])))
        #expect(r.status == 0, "kubectl apply (pipelines/metrics): \(r.stderr)")
        r = try HookRBACTests.kubectl(admin, ["apply"], stdin: """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: pay-cert, namespace: syncgate}
        spec: {secretName: pay-tls, dnsNames: [pay.acme.example.com], issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}}
        """)
        #expect(r.status == 0, "\(r.stderr)")

        // The Deployment's own arguments, with the cluster connection swapped for the test's kubeconfig, the
        // listener for --once (tests listen on 127.0.0.1 only) and no endpoint probes (no DNS in tests).
        let deployment = try #require(sim.get("Deployment", "syncgate", "syncgate-metrics", group: "apps"))
        var args = deployment[path: "spec", "template", "spec", "containers"]?[0]?["args"]?.elements.compactMap(\.string) ?? []
        #expect(args.first == "metrics" && args.contains("--in-cluster"))
        args.removeAll { $0 == "--in-cluster" }
        if let i = args.firstIndex(of: "--listen") { args.removeSubrange(i...(i + 1)) }
        guard let binary = DockerfileTests.builtBinary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return
        }
        let run = try #require(try RepoFiles.run(binary, args + ["--once", "--kubeconfig", metrics, "--no-endpoint-probes"],
                                                 environment: ["HOME": directory.path, "PATH": "/usr/bin:/bin"]))
        #expect(run.status == 0, "syncgate \((args + ["--once"]).joined(separator: " ")): \(run.stderr)")
        // Every read the collector made was allowed.
        for line in run.stdout.split(separator: "\n") where line.hasPrefix("syncgate_collector_errors{") {
            #expect(line.hasSuffix(" 0"), "\(line) — the syncgate-metrics ClusterRole misses a permission")
        }
        #expect(run.stdout.contains(#"syncgate_certificate_ready{namespace="syncgate",certificate="pay-cert"} 0"#))
    }
}
