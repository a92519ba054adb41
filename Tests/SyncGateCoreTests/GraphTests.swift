import Foundation
import Testing
@testable import SyncGateCore

@Suite("Graph, chains and waves")
struct GraphTests {
    let yaml = Fixtures.join(Fixtures.issuer, Fixtures.gateway(), Fixtures.certificate(), Fixtures.backend)

    @Test("node ids and the edges of one hostname chain, each with reason and file:line")
    func chain() throws {
        let inv = inventory(yaml)
        let g = GraphBuilder().build(inv)
        for id in ["dns:app.example.com", "service:infra/app", "workload:infra/Deployment/app", "image:registry.example.com/app:1.0",
                   "secret:infra/app-tls", "listener:infra/gw/https-app", "gateway:infra/gw", "certificate:infra/app-cert",
                   "issuer:ClusterIssuer/letsencrypt-prod"] {
            #expect(g.nodes[id] != nil, "missing \(id)")
        }
        func has(_ from: String, _ to: String, _ kind: EdgeKind) -> Edge? { g.edges.first { $0.from == from && $0.to == to && $0.kind == kind } }
        #expect(has("image:registry.example.com/app:1.0", "workload:infra/Deployment/app", .runsImage) != nil)
        #expect(has("workload:infra/Deployment/app", "service:infra/app", .selects) != nil)
        #expect(has("service:infra/app", "listener:infra/gw/https-app", .routesTo) != nil)
        #expect(has("secret:infra/app-tls", "listener:infra/gw/https-app", .terminatesWith) != nil)
        #expect(has("listener:infra/gw/https-app", "certificate:infra/app-cert", .servedBy) != nil)
        #expect(has("issuer:ClusterIssuer/letsencrypt-prod", "certificate:infra/app-cert", .issuedBy) != nil)
        let validates = try #require(has("dns:app.example.com", "certificate:infra/app-cert", .validates))
        #expect(validates.location.line > 0)
        #expect(!validates.reason.isEmpty)
        #expect(g.edges.allSatisfy { !$0.reason.isEmpty && !$0.location.file.isEmpty })
        // The secret exists only after issuance: not declared, written by the Certificate.
        #expect(g.nodes["secret:infra/app-tls"]?.declared == false)
        #expect(g.writers["secret:infra/app-tls"] == ["certificate:infra/app-cert"])

        let chains = HostChains.build(graph: g, inventory: inv)
        let c = try #require(chains.first { $0.host == "app.example.com" })
        #expect(c.nodes == ["dns:app.example.com", "service:infra/app", "workload:infra/Deployment/app",
                            "image:registry.example.com/app:1.0", "secret:infra/app-tls", "listener:infra/gw/https-app",
                            "certificate:infra/app-cert"])
    }

    @Test("every edge inside an Application is respected by the recommended waves")
    func wavesRespectEdges() throws {
        let repo = try TempRepo([
            "app.yaml": app("a", path: "a", ns: "infra"),
            "a/all.yaml": Fixtures.join(Fixtures.issuer, Fixtures.gateway(), Fixtures.certificate(annotations: ["cert-manager.io/issue-temporary-certificate": "true"]), Fixtures.backend),
        ])
        defer { repo.remove() }
        for path in [repo.root, Paths.example("incident-2026-03-22"), Paths.example("quickstart")] {
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let plan = try Planner(options: PlanOptions(renderer: NoSourceRenderer())).plan(repo: path)
            var waves: [PlannedObjectKey: Int] = [:]
            for w in plan.waves.entries { waves[PlannedObjectKey(application: w.application, object: w.object)] = w.recommended }
            for e in plan.waves.objectEdges where e.from.application == e.to.application && e.edge.kind != .selects {
                let a = try #require(waves[e.from]), b = try #require(waves[e.to])
                #expect(a < b, "\(e.from.object) (\(a)) must precede \(e.to.object) (\(b)): \(e.edge.reason)")
            }
        }
    }

    @Test("temporary certificate: the Certificate is ordered before the Gateway, not after")
    func temporary() throws {
        let inv = inventory(Fixtures.join(Fixtures.issuer, Fixtures.gateway(),
                                          Fixtures.certificate(annotations: ["cert-manager.io/issue-temporary-certificate": "true"])))
        let g = GraphBuilder().build(inv)
        #expect(g.edges.contains { $0.from == "certificate:infra/app-cert" && $0.to == "secret:infra/app-tls" && $0.kind == .createsTemporary })
        #expect(!g.edges.contains { $0.to == "certificate:infra/app-cert" && $0.kind == .servedBy })
        let waves = WavePlanner().plan(graph: g, inventory: inv)
        let cert = try #require(waves.entries.first { $0.object == "Certificate infra/app-cert" })
        let gw = try #require(waves.entries.first { $0.object == "Gateway infra/gw" })
        #expect(cert.recommended < gw.recommended)
    }

    @Test("output is deterministic across runs (and across parallel decoding)")
    func determinism() throws {
        let path = Paths.example("incident-2026-03-22")
        try #require(FileManager.default.fileExists(atPath: path))
        let a = try Planner(options: PlanOptions(renderer: NoSourceRenderer(), parallelism: 1)).plan(repo: path)
        let b = try Planner(options: PlanOptions(renderer: NoSourceRenderer(), parallelism: 2)).plan(repo: path)
        for format in OutputFormat.allCases {
            #expect(format.renderer().render(a) == format.renderer().render(b), "\(format) differs")
        }
    }

    @Test("a cycle is reported, not looped")
    func cycle() {
        let succ = ["a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]]
        #expect(Cycles.find(nodes: ["a", "b", "c", "d"], successors: succ) == [["a", "b", "c"]])
        let (levels, cycles) = WavePlanner.levels(nodes: ["a", "b", "c", "d"], edges: [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
        #expect(cycles == [["a", "b", "c"]])
        #expect(levels["d"] == 0)
        #expect(levels.count == 4)
    }

    @Test("a dependency cycle between objects becomes an SG114 finding")
    func cycleFinding() {
        // Two Gateways serving each other's Secrets through temporary certificates written by the other.
        let graph = { () -> DependencyGraph in
            var g = DependencyGraph()
            for id in ["x", "y"] { g.add(Node(id: "secret:n/\(id)", kind: .secret, application: "a", location: .none, object: "Secret n/\(id)", declared: true)) }
            g.connect(Edge(from: "secret:n/x", to: "secret:n/y", kind: .terminatesWith, reason: "r1", location: SourceLocation(file: "f", line: 1)))
            g.connect(Edge(from: "secret:n/y", to: "secret:n/x", kind: .terminatesWith, reason: "r2", location: SourceLocation(file: "f", line: 2)))
            return g
        }()
        let inv = Inventory()
        let input = RuleInput(inventory: inv, graph: graph, waves: WavePlanner().plan(graph: graph, inventory: inv))
        let f = DependencyCycleRule.evaluate(input)
        #expect(f.count >= 1)
        #expect(f.allSatisfy { $0.id == RuleCatalog.dependencyCycle.id })
    }

    @Test("no cycle in an ordinary chain: no SG114")
    func noCycle() {
        #expect(DependencyCycleRule.evaluate(RuleInput(inventory: inventory(yaml))).isEmpty)
    }

    @Test("a renderer that hangs is stopped by the timeout and reported as failed")
    func timeout() {
        let r = ProcessSourceRenderer(timeoutSeconds: 0.3)
        guard let sleep = r.which("sleep") else { Issue.record("sleep not found"); return }
        let result = r.run(sleep, ["10"])
        guard case .failed(let why) = result else { Issue.record("expected a failure, got \(result)"); return }
        #expect(why.contains("timed out"))
        #expect(r.run(r.which("true") ?? "/bin/true", []) == .rendered([]))
    }

    @Test("Argo CD order within an Application: phase, wave, kind, name")
    func syncOrder() {
        let keys = [
            SyncOrderKey(phase: .sync, wave: 0, kind: "Certificate", name: "a"),
            SyncOrderKey(phase: .sync, wave: 0, kind: "Deployment", name: "z"),
            SyncOrderKey(phase: .sync, wave: 0, kind: "Service", name: "z"),
            SyncOrderKey(phase: .sync, wave: 0, kind: "Secret", name: "z"),
            SyncOrderKey(phase: .sync, wave: -1, kind: "Gateway", name: "g"),
            SyncOrderKey(phase: .preSync, wave: 5, kind: "Job", name: "j"),
            SyncOrderKey(phase: .sync, wave: 0, kind: "Namespace", name: "n"),
        ].sorted()
        #expect(keys.map(\.kind) == ["Job", "Gateway", "Namespace", "Secret", "Service", "Deployment", "Certificate"])
        #expect(SyncPhase(hookAnnotation: "PostSync,PreSync") == .preSync)
        #expect(KindOrder.rank("Gateway") == 0)
        #expect(KindOrder.rank("Namespace") < KindOrder.rank("Ingress"))
    }

    @Test("cross-Application order: the Application with the Gateway before the one with the Certificate")
    func applicationOrder() throws {
        let repo = try TempRepo([
            "root.yaml": app("root", path: "apps", ns: "argocd"),
            "apps/gw.yaml": app("gw", path: "gw", ns: "infra", wave: 1),
            "apps/web.yaml": app("web", path: "web", ns: "infra", wave: 0),
            "gw/gw.yaml": Fixtures.gateway(),
            "web/all.yaml": Fixtures.join(Fixtures.issuer, Fixtures.certificate(), Fixtures.backend),
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops")
        #expect(plan.waves.applicationOrder.contains { $0.before == "argocd/gw" && $0.after == "argocd/web" })
        let f = try #require(plan.findings.first { $0.id == RuleCatalog.applicationOrder.id })
        #expect(f.object == "Application argocd/web")
        #expect(plan.waves.applicationWaves["argocd/gw"] ?? 9 < plan.waves.applicationWaves["argocd/web"] ?? -9)
    }

    @Test("cross-Application order that the parent's waves respect: no SG115")
    func applicationOrderRespected() throws {
        let repo = try TempRepo([
            "root.yaml": app("root", path: "apps", ns: "argocd"),
            "apps/gw.yaml": app("gw", path: "gw", ns: "infra", wave: -1),
            "apps/web.yaml": app("web", path: "web", ns: "infra", wave: 0),
            "gw/gw.yaml": Fixtures.gateway(),
            "web/all.yaml": Fixtures.join(Fixtures.issuer, Fixtures.certificate(), Fixtures.backend),
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops")
        #expect(plan.waves.applicationOrder.contains { $0.before == "argocd/gw" && $0.after == "argocd/web" })
        #expect(!plan.findings.contains { $0.id == RuleCatalog.applicationOrder.id })
    }
}
