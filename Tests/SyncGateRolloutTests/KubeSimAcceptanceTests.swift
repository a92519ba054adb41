import Foundation
import KubeSim
import Testing
import SyncGateCore
import SyncGateKube
import SyncGateX509
@testable import SyncGateRollout

/// Issue 5's acceptance tests on KubeSim (a loopback API server with Gateway, cert-manager and Argo CD
/// controllers on a virtual clock), driving the real `KubeClient` and `AutoSyncControl`, with the example repo
/// `examples/canary-production` planned by the real planning core.
final class SimRollout: @unchecked Sendable {
    let sim: KubeSim
    let client: KubeClient
    let repo: String
    let resolver: MutableHostResolver
    let images = LockedBox<Set<String>>([])
    let stale = LockedBox<[String: [UInt8]]>([:])
    static let ingress = "203.0.113.10"
    static let existing = ["web", "api", "docs"]
    static let newHosts = ["pay.sandbox.acme.example.com", "pay.acme.example.com", "rbac.sandbox.acme.example.com", "rbac.acme.example.com"]
    static let newApps = ["acme-pay-sandbox", "acme-pay-production", "acme-rbac-sandbox", "acme-rbac-production"]

    init() throws {
        repo = NSTemporaryDirectory() + "syncgate-rollout-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: TestPaths.example("canary-production"), toPath: repo)
        resolver = MutableHostResolver()
        for s in Self.existing { resolver.set("\(s).acme.example.com", [Self.ingress]) }
        var options = KubeSimOptions()
        options.argoCD.repoDirectory = repo
        options.resolver = resolver
        options.ingressAddress = Self.ingress
        // KubeSim's CA is made at wall-clock time: start the virtual clock there, so its chain verifies.
        options.clock = .virtual(start: Date())
        sim = try KubeSim.start(options)
        client = KubeClient(configuration: ClientConfiguration(server: sim.baseURL), retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05), requestTimeout: 10)
    }

    deinit {
        sim.stop()
        try? FileManager.default.removeItem(atPath: repo)
    }

    func file(_ path: String) throws -> String { try String(contentsOfFile: repo + "/" + path, encoding: .utf8) }

    /// The cluster before the commit of 2026-03-22: the platform and the running services, steady.
    func bootExisting() throws {
        let gateway = try file("platform/gateway/gateway.yaml")
        try Self.withoutNewListeners(gateway).write(toFile: repo + "/platform/gateway/gateway.yaml", atomically: true, encoding: .utf8)
        try sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n")
        for f in ["platform-gateway", "platform-issuers", "web", "api", "docs"] { try sim.apply(yaml: try file("argocd/apps/\(f).yaml")) }
        sim.advance(by: 1800)
        try? FileManager.default.removeItem(atPath: repo + "/platform/gateway/gateway.yaml")
        try gateway.write(toFile: repo + "/platform/gateway/gateway.yaml", atomically: true, encoding: .utf8)
    }

    /// The commit: four new Applications with auto-sync on (and the new listeners in the Gateway file).
    func commitNewApplications() throws {
        for f in ["pay-sandbox", "pay-production", "rbac-sandbox", "rbac-production"] { try sim.apply(yaml: try file("argocd/apps/\(f).yaml")) }
    }

    func publishPrerequisites() {
        for h in Self.newHosts { resolver.set(h, [Self.ingress]) }
        images.withLock { $0.formUnion(["registry.example.com/acme/pay-web:1.0.0", "registry.example.com/acme/rbac-web:1.0.0"]) }
    }

    static func withoutNewListeners(_ yaml: String) -> String {
        var out: [String] = []
        var skipping = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("    - name: ") { skipping = line.contains("pay-") || line.contains("rbac-") }
            if !skipping { out.append(String(line)) }
        }
        return out.joined(separator: "\n")
    }

    func planned() throws -> (RolloutPolicy, RolloutPlan) {
        let policy = try PolicyLoader.load(repo: repo)
        let corePlan = try Planner().plan(repo: repo)
        let inventory = InventoryAdapter.inventory(from: corePlan)
        return (policy, try RolloutPlanner.plan(policy: policy, inventory: inventory))
    }

    func environment(runID: String, events: any RolloutEventSink) -> RolloutEnvironment {
        let cluster = KubeClusterAdapter(client: client)
        let resolver = self.resolver, images = self.images, stale = self.stale
        let live = ClusterIngressEvidence(cluster: cluster, ingressAddress: Self.ingress, zone: { h in
            if case .addresses(let a) = resolver.resolve(h) { return a }
            return nil
        }, image: { ref in images.withLock { $0.contains(ref) } }, override: { h in stale.withLock { $0[h] } })
        let clock = KubeSimRolloutClock(sim: sim)
        return RolloutEnvironment(cluster: cluster, autoSync: KubeAutoSyncSwitch(control: AutoSyncControl(client: client, now: { clock.now })),
                                  live: live, clock: clock, events: events, runID: runID)
    }

    func run(runID: String, events: EventRecorder = EventRecorder()) async throws -> RolloutReport {
        let (policy, plan) = try planned()
        let sink: any RolloutEventSink = ProcessInfo.processInfo.environment["SYNCGATE_TEST_EVENTS"] == nil ? events
            : EventRecorder(forwardingTo: TeeSink(a: events, b: EventPrinter(style: .plain, write: { FileHandle.standardError.write(Data($0.utf8)) })))
        return await RolloutEngine(policy: policy, plan: plan, environment: environment(runID: runID, events: sink)).run()
    }

    func app(_ name: String) -> Value? { sim.get("Application", "argocd", name, group: "argoproj.io") }
    func pausedReason(_ name: String) -> String? {
        guard let a = app(name), !AutoSyncRules.isAutoSyncOn(a[path: "spec", "syncPolicy"]) else { return nil }
        return a[path: "metadata", "annotations", AutoSyncAnnotation.reason]?.scalarText
    }
    var gatewayProgrammed: Bool {
        Condition.find("Programmed", in: sim.get("Gateway", "traefik", "traefik-gateway", group: "gateway.networking.k8s.io")?["status"])?.isTrue == true
    }
}

struct TeeSink: RolloutEventSink {
    let a: any RolloutEventSink
    let b: any RolloutEventSink
    func emit(_ e: RolloutEvent) { a.emit(e); b.emit(e) }
}

/// KubeSim's virtual clock as the rollout clock: sleeping runs KubeSim's controllers.
struct KubeSimRolloutClock: RolloutClock {
    let sim: KubeSim
    var now: Date { sim.now }
    func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        sim.advance(by: seconds)
        await Task.yield()
    }
}

final class LockedBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func withLock<R>(_ body: (inout T) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

@Suite(.serialized) struct KubeSimAcceptanceTests {
    @Test func examplePlansIntoStagesInDependencyOrder() throws {
        let h = try SimRollout()
        let (_, plan) = try h.planned()
        #expect(plan.stages.map(\.stage.name) == ["canary", "production"])
        #expect(plan.stages[0].applications.map(\.identity.name) == ["acme-pay-sandbox", "acme-rbac-sandbox"])
        #expect(plan.stages[1].applications.map(\.identity.name) == ["acme-pay-production", "acme-rbac-production"])
        let pay = try #require(plan.stages[0].applications.first?.hosts.first)
        #expect(pay.host == "pay.sandbox.acme.example.com")
        #expect(pay.images == ["registry.example.com/acme/pay-web:1.0.0"])
        #expect(pay.listeners.map(\.description) == ["traefik/traefik-gateway/websecure-pay-sandbox"])
        #expect(pay.issuer?.name == "letsencrypt-staging")
        #expect(plan.stages[0].applications.first?.dependsOn.contains("argocd/platform-gateway") == true)
    }

    /// Seed 000 replayed on KubeSim: the four new Applications are paused within one check interval with reasons
    /// (DNS, image), no solver route is created (half a virtual hour), the existing listeners stay Programmed; once DNS and
    /// images exist, `resume` + `rollout` completes canary, verifies, then production.
    @Test func seed000OnKubeSim() async throws {
        let h = try SimRollout()
        try h.bootExisting()
        #expect(h.gatewayProgrammed)
        try h.commitNewApplications()
        let events = EventRecorder()
        let blocked = try await h.run(runID: "run-blocked", events: events)
        #expect(blocked.exitCode == .blocked, "\(blocked.text)")
        for name in SimRollout.newApps {
            let reason = try #require(h.pausedReason(name), "\(name) is not paused")
            #expect(reason.contains("dns:") && reason.contains("image:"), "\(reason)")
        }
        let paused = events.events.filter { $0.kind == .paused }
        #expect(paused.allSatisfy { $0.time.timeIntervalSince(blocked.startedAt) <= 10 })
        h.sim.advance(by: 1800)  // the seed leaked about 1,250 routes an hour; half an hour proves none leak here
        let routes = h.sim.solverRouteCounts()
        #expect(SimRollout.newApps.allSatisfy { (routes[$0] ?? 0) == 0 }, "\(routes)")
        #expect(h.gatewayProgrammed, "the shared Gateway must stay Programmed (placeholders)")

        h.publishPrerequisites()
        let resumer = KubeAutoSyncSwitch(control: AutoSyncControl(client: h.client))
        for name in SimRollout.newApps { _ = try await resumer.resume(ApplicationIdentity(name: name)) }
        let events2 = EventRecorder()
        let done = try await h.run(runID: "run-after-fix", events: events2)
        #expect(done.exitCode == .success, "\(done.text)\n\(events2.events.suffix(15).map(\.line).joined(separator: "\n"))")
        #expect(done.verifiedStages == ["canary", "production"])
        let canaryVerified = events2.events.firstIndex { $0.kind == .passed && $0.gate == "stage-verified" && $0.stage == "canary" }
        let prodSync = events2.events.firstIndex { $0.kind == .syncTriggered && $0.stage == "production" }
        if let canaryVerified, let prodSync { #expect(canaryVerified < prodSync) }
        for name in SimRollout.newApps { #expect(h.pausedReason(name) == nil, "\(name) left paused") }
        #expect(h.gatewayProgrammed)
    }

    /// The canary serves the old certificate: production does not start, the canary is paused, exit 3.
    @Test func canaryVerificationFailureStopsProductionOnKubeSim() async throws {
        let h = try SimRollout()
        try h.bootExisting()
        h.publishPrerequisites()
        try h.commitNewApplications()
        let old = try SelfSigned.placeholder(host: "pay.sandbox.acme.example.com", validity: 90 * 86_400, now: Int64(h.sim.now.timeIntervalSince1970))
        let der = try SyncGateX509.Certificate(pem: old.certificatePEM).der
        h.stale.withLock { $0["pay.sandbox.acme.example.com"] = der }
        let events = EventRecorder()
        let report = try await h.run(runID: "run-canary-bad", events: events)
        #expect(report.exitCode == .verificationFailed, "\(report.text)")
        #expect(report.failures.first?.failure.gate == .verify)
        #expect(!events.events.contains { $0.kind == .syncTriggered && $0.stage == "production" })
        #expect(h.pausedReason("acme-pay-sandbox") != nil)
        // Production is held (paused with a reason), not synced by Argo CD's auto-sync behind the rollout's back.
        #expect(h.pausedReason("acme-pay-production")?.contains("held by syncgate rollout") == true)
        #expect(h.sim.get("Certificate", "acme-pay-production", "acme-pay-web-cert", group: "cert-manager.io") == nil)
    }
}

@Suite(.serialized) struct KubeSimConcurrencyTests {
    /// Two runs against the same KubeSim at once: the Leases (real coordination.k8s.io/v1 objects through the API)
    /// let exactly one act; the other stops before touching anything and says who holds what.
    @Test func twoConcurrentRunsOnKubeSim() async throws {
        let h = try SimRollout()
        try h.bootExisting()
        h.publishPrerequisites()
        try h.commitNewApplications()
        async let a = h.run(runID: "run-a")
        async let b = h.run(runID: "run-b")
        let (x, y) = try await (a, b)
        #expect([x.exitCode, y.exitCode].filter { $0 == .success }.count == 1, "\(x.text)\n\(y.text)")
        let loser = x.exitCode == .success ? y : x
        let winner = x.exitCode == .success ? x : y
        #expect(loser.exitCode == .timedOut)
        #expect(loser.failures.first?.failure.evidence.contains("being rolled out by \(winner.runID)") == true)
        #expect(loser.paused.isEmpty && loser.placeholders.isEmpty)
        for name in SimRollout.newApps { #expect(h.pausedReason(name) == nil) }
    }

    /// API faults injected by KubeSim (500s, timeouts, 409s) end in success or a clean, reported failure; a rerun
    /// without faults converges; no Application is ever half-paused.
    @Test func injectedFaultsOnKubeSim() async throws {
        let h = try SimRollout()
        try h.bootExisting()
        h.publishPrerequisites()
        try h.commitNewApplications()
        h.sim.faults.add(Fault(.status(500), trigger: .fraction(0.3), methods: ["PATCH", "PUT"], pathContains: "applications"))
        h.sim.faults.add(Fault(.status(503), trigger: .fraction(0.2), methods: ["GET"], pathContains: "certificates"))
        h.sim.faults.add(Fault(.conflict, trigger: .fraction(0.2), methods: ["PUT"], pathContains: "configmaps"))
        h.sim.faults.add(Fault(.dropConnection, trigger: .fraction(0.05), pathContains: "leases"))
        let first = try await h.run(runID: "run-faulty")
        #expect(!first.text.isEmpty)
        #expect(h.sim.faults.injectedCount > 0)
        for app in h.sim.list("Application", namespace: "argocd", group: "argoproj.io") {
            let on = AutoSyncRules.isAutoSyncOn(app[path: "spec", "syncPolicy"])
            let reason = app[path: "metadata", "annotations", AutoSyncAnnotation.reason]?.scalarText
            #expect(on == (reason == nil), "half-paused: \(app[path: "metadata", "name"]?.scalarText ?? "")")
        }
        h.sim.faults.clear()
        let resumer = KubeAutoSyncSwitch(control: AutoSyncControl(client: h.client))
        for name in SimRollout.newApps where h.pausedReason(name).map({ !$0.hasPrefix("held by syncgate") }) ?? false {
            _ = try await resumer.resume(ApplicationIdentity(name: name))
        }
        h.sim.advance(by: 301)
        let again = try await h.run(runID: "run-clean")
        #expect(again.exitCode == .success, "first: \(first.text)\nagain: \(again.text)")
    }
}
