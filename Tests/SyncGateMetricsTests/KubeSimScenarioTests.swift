import Foundation
import KubeSim
import SyncGateCore
import SyncGateKube
import SyncGateMetrics
import SyncGateX509
import Testing

/// Seed 000 on KubeSim: a Certificate whose host does not resolve to the ingress leaks solver routes while a
/// healthy one is issued; an Application is paused. The metrics must match what the (simulated) cluster holds.
@Suite struct KubeSimScenarioTests {
    static let scenario = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: acme-pay-production}
    ---
    apiVersion: v1
    kind: Namespace
    metadata: {name: acme-catalog}
    ---
    apiVersion: v1
    kind: Namespace
    metadata: {name: argocd}
    ---
    apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata: {name: letsencrypt-prod}
    spec:
      acme:
        server: https://acme-v02.api.letsencrypt.org/directory
        privateKeySecretRef: {name: letsencrypt-prod-account}
        solvers:
          - http01:
              gatewayHTTPRoute:
                parentRefs: [{name: traefik-gateway, namespace: traefik, kind: Gateway}]
    ---
    apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata: {name: letsencrypt-ingress}
    spec:
      acme:
        server: https://acme-v02.api.letsencrypt.org/directory
        privateKeySecretRef: {name: letsencrypt-ingress-account}
        solvers:
          - http01:
              ingress: {ingressClassName: traefik}
    ---
    apiVersion: cert-manager.io/v1
    kind: Certificate
    metadata: {name: pay-cert, namespace: acme-pay-production}
    spec:
      secretName: pay-tls
      dnsNames: [pay.acme.example.com]
      issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
    ---
    apiVersion: cert-manager.io/v1
    kind: Certificate
    metadata: {name: catalog-cert, namespace: acme-catalog}
    spec:
      secretName: catalog-tls
      dnsNames: [catalog.acme.example.com]
      issuerRef: {name: letsencrypt-ingress, kind: ClusterIssuer}
    ---
    apiVersion: v1
    kind: Namespace
    metadata: {name: traefik}
    ---

    """ + SeedObjects.traefikGatewayClass + "---\n" + SeedObjects.traefikGateway(listeners: """
        - name: websecure-pay
          port: 8443
          protocol: HTTPS
          hostname: pay.acme.example.com
          tls:
            mode: Terminate
            certificateRefs: [{kind: Secret, name: pay-tls, namespace: acme-pay-production}]
          allowedRoutes: {namespaces: {from: All}}
    """) + """
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: acme-pay-production
      namespace: argocd
      annotations:
        syncgate.dev/paused-reason: "DNS pay.acme.example.com does not resolve to the ingress"
        syncgate.dev/paused-at: "2026-03-22T18:20:00Z"
        syncgate.dev/paused-sync-policy: '{"automated":{"prune":true,"selfHeal":true}}'
    spec:
      project: default
      source: {repoURL: https://git.example.com/acme/platform-gitops.git, path: services/pay/production, targetRevision: main}
      destination: {server: https://kubernetes.default.svc, namespace: acme-pay-production}
      syncPolicy: {}
    """

    static func start() throws -> KubeSim {
        var options = KubeSimOptions()
        options.tls = true
        options.controllers = [.certManager, .gateway]
        options.resolver = StaticHostResolver(["catalog.acme.example.com": [options.ingressAddress]])
        let sim = try KubeSim.start(options)
        try sim.apply(yaml: scenario)
        // Twenty virtual minutes: pay's HTTP-01 self-check fails every few seconds, catalog is issued.
        for _ in 0..<20 { sim.advance(by: 60) }
        return sim
    }

    static func client(_ sim: KubeSim) throws -> KubeClient {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-kubesim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try sim.writeKubeconfig(to: directory.appendingPathComponent("kubeconfig").path)
        return KubeClient(configuration: try ClientConfiguration.load(KubeConfigOptions(kubeconfig: path, environment: [:])))
    }

    @Test func metricsMatchTheSimulatedCluster() async throws {
        let sim = try Self.start()
        defer { sim.stop() }
        let collector = MetricsCollector(reader: KubeClusterReader(client: try Self.client(sim)))
        let now = sim.now.timeIntervalSince1970
        let families = await collector.collect(now: { now })
        let m = try PrometheusTextParser.parse(PrometheusText.render(families))

        #expect(m["syncgate_collector_errors"]?.samples.allSatisfy { $0.value == 0 } == true,
                "every list succeeded: \(m["syncgate_collector_errors"]?.samples.filter { $0.value != 0 } ?? [])")
        let leaked = sim.solverRouteCounts()["acme-pay-production"] ?? 0
        #expect(leaked > 10, "KubeSim leaks a solver route per failed self-check (got \(leaked))")
        #expect(m["syncgate_acme_solver_routes"]?.value(["namespace": "acme-pay-production"]) == Double(leaked))
        #expect(m["syncgate_acme_solver_routes"]?.value(["namespace": "acme-catalog"]) == Double(sim.solverRouteCounts()["acme-catalog"] ?? 0))

        #expect(m["syncgate_certificate_ready"]?.value(["certificate": "catalog-cert"]) == 1)
        #expect(m["syncgate_certificate_ready"]?.value(["certificate": "pay-cert"]) == 0)
        // The issued Secret's expiry, read through the API and parsed from tls.crt.
        let secret = try #require(sim.get("Secret", "acme-catalog", "catalog-tls"))
        let pem = String(decoding: Data(base64Encoded: try #require(secret[path: "data", "tls.crt"]?.string))!, as: UTF8.self)
        let leaf = try SyncGateX509.Certificate(pem: pem)
        #expect(m["syncgate_certificate_expiry_seconds"]?.value(["certificate": "catalog-cert", "source": "secret"]) == Double(leaf.notAfter) - now)

        let paused = try #require(m["syncgate_application_paused"]?.values(["application": "acme-pay-production"]).first)
        #expect(paused.value == 1)
        #expect(paused.labels["reason"] == "DNS pay.acme.example.com does not resolve to the ingress")
        #expect(m["syncgate_application_paused_timestamp_seconds"]?.value(["application": "acme-pay-production"]) == 1_774_203_600)
        // Seed 000's compounding failure: the listener's Secret is missing and the whole Gateway is not Programmed.
        let gateway = try #require(sim.get("Gateway", "traefik", "traefik-gateway", group: "gateway.networking.k8s.io"))
        let programmed = gateway[path: "status", "conditions"]?.elements.first { $0["type"]?.string == "Programmed" }?["status"]?.string
        #expect(programmed == "False")
        #expect(m["syncgate_gateway_programmed"]?.value(["namespace": "traefik", "gateway": "traefik-gateway"]) == 0)
        #expect(m["syncgate_gateway_listener_condition"]?.value(["listener": "websecure-pay", "condition": "ResolvedRefs"]) == 0)
        let challenges = m["syncgate_acme_challenges"]?.values(["namespace": "acme-pay-production"]).reduce(0) { $0 + $1.value } ?? 0
        #expect(challenges == Double(sim.list("Challenge", namespace: "acme-pay-production").count))
    }

    @Test func theBinaryServesTheSameOverHTTP() async throws {
        let sim = try Self.start()
        defer { sim.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-kubesim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = try sim.writeKubeconfig(to: directory.appendingPathComponent("kubeconfig").path)
        guard let binary = CommandTests.binary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["metrics", "--kubeconfig", kubeconfig, "--listen", "127.0.0.1:0", "--interval", "3600", "--no-endpoint-probes"]
        process.environment = ["HOME": directory.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }

        // "syncgate metrics: serving http://127.0.0.1:PORT/metrics every 3600s"
        var stderr = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(30)
        while port == nil, Date() < deadline, process.isRunning {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { try await Task.sleep(nanoseconds: 50_000_000); continue }
            stderr += String(decoding: chunk, as: UTF8.self)
            if let r = stderr.range(of: "http://127.0.0.1:"), let end = stderr[r.upperBound...].firstIndex(of: "/") {
                port = Int(stderr[r.upperBound..<end])
            }
        }
        let bound = try #require(port, "syncgate metrics did not report its port: \(stderr)")
        var response = try HTTPGet.get(port: bound, path: "/metrics")
        while response.status == 503, Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            response = try HTTPGet.get(port: bound, path: "/metrics")
        }
        #expect(response.status == 200)
        let m = try PrometheusTextParser.parse(response.body)
        #expect(m["syncgate_acme_solver_routes"]?.value(["namespace": "acme-pay-production"]) == Double(sim.solverRouteCounts()["acme-pay-production"] ?? -1))
        #expect(m["syncgate_certificate_ready"]?.value(["certificate": "catalog-cert"]) == 1)
        #expect(m["syncgate_application_paused"]?.value(["application": "acme-pay-production"]) == 1)
    }
}
