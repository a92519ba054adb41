import ArgumentParser
import Foundation
import KubeSim
import SyncGateCore
import SyncGateKube
import SyncGateRollout

/// `syncgate demo`: seed 000 end to end on an in-process simulated cluster and a built-in zone, no setup.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Replay seed 000 (INC-2026-03-23) in-process and watch SyncGate stop it, then roll it out safely.",
        discussion: """
        Builds the incident's cluster in memory (a shared Traefik Gateway with 20 healthy listeners, cert-manager,
        Argo CD with auto-sync) and a built-in DNS zone and registry, all on a virtual clock. Four new Applications
        arrive before their DNS records and images exist. SyncGate pauses them at once with the reasons, keeps the
        Gateway up with placeholder Secrets, and no solver route leaks; cert-manager alone leaks thousands over the
        same 18 hours. Then DNS and images appear, the Applications are resumed, and the rollout verifies the canary
        before production. Prints the timeline.

        --benchmark prints the numbers of issue 5: virtual time from the failed prerequisite to auto-sync paused and
        solver routes leaked (SyncGate vs cert-manager alone), and the wall time of a 100-Application, 2-stage rollout.

        Examples:
          syncgate demo
          syncgate demo --events json
          syncgate demo --benchmark
        """
    )

    @Option(name: .long, help: "Progress format: live, plain, json.")
    var events: EventPrinter.Style?

    @Flag(name: .long, help: "Print the rollout benchmark instead of the story.")
    var benchmark = false

    @Flag(name: .long, help: "Run on the engine's small in-memory world instead of KubeSim (faster, less faithful).")
    var memory = false

    func run() async throws {
        if benchmark { try await runBenchmark(); return }
        if !memory { try await runOnKubeSim(); return }
        let style = events ?? EventPrinter.defaultStyle()
        let say: (String) -> Void = { line in if style != .json { Self.out(line) } }
        let s = try Seed000Scenario.make()
        let printer = EventPrinter(style: style)
        say("── seed 000: a shared Gateway with \(Seed000Scenario.existingServices.count) healthy listeners; four new Applications arrive, DNS and images missing")
        let report1 = try await rollout(s, printer: printer, runID: "demo-1")
        say(report1.text)
        s.world.advance(seconds: 18 * 3600, step: 60)
        say("── 18 virtual hours later: solver routes \(s.world.solverRouteCount), Gateway Programmed: \(gatewayProgrammed(s))")
        let baseline = try Self.certManagerAlone(hours: 18)
        say("   (cert-manager alone over the same 18 hours: \(baseline.routes) solver routes leaked, Gateway Programmed: \(baseline.programmed))")
        say("── DNS records and images appear; `syncgate resume` the four Applications; `syncgate rollout`")
        s.publishPrerequisites()
        let env = s.environment(events: printer)
        for app in s.newApplications { say("   resume \(app.id): \(try await env.autoSync.resume(app))") }
        let report2 = try await rollout(s, printer: printer, runID: "demo-2")
        say(report2.text)
        say("── timeline of the simulated cluster")
        for line in s.world.log { say("   \(line)") }
        if report2.exitCode != .success { throw ExitCode(report2.exitCode.rawValue) }
    }

    /// Unbuffered, so the story and the events interleave in order (also into a file or a pipe).
    static func out(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// The 100-Application benchmarks measure the engine, not the CA: 50 production Certificates on one registered
    /// domain in one run are (rightly) over the default budget of 25 a week, so the benchmark lifts that guard.
    static func liftRateLimit(_ policy: inout RolloutPolicy) {
        policy.guards.rateLimitBudget = 1
        policy.guards.weeklyCertificateLimit = 1_000
    }

    func rollout(_ s: Seed000Scenario, printer: EventPrinter, runID: String) async throws -> RolloutReport {
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory)
        return await RolloutEngine(policy: s.policy, plan: plan, environment: s.environment(events: printer, runID: runID)).run()
    }

    func gatewayProgrammed(_ s: Seed000Scenario) -> Bool {
        let gw = s.world.cluster.peek(.gateways, namespace: "traefik", name: "traefik-gateway")
        return Condition.find("Programmed", in: gw?["status"])?.isTrue == true
    }

    /// The seed without SyncGate: Argo CD syncs the four Applications, cert-manager retries every 11.4 s
    /// (KubeSim's challenge retry), each retry leaking a solver route; the Gateway stays down.
    static func certManagerAlone(hours: Double) throws -> (routes: Int, programmed: Bool) {
        let s = try Seed000Scenario.make()
        s.world.retryInterval = 11.4
        s.world.advance(seconds: hours * 3600, step: 11.4)
        let gw = s.world.cluster.peek(.gateways, namespace: "traefik", name: "traefik-gateway")
        return (s.world.solverRouteCount, Condition.find("Programmed", in: gw?["status"])?.isTrue == true)
    }

    func runBenchmark() async throws {
        Self.out("rollout benchmark (virtual time in the simulated cluster; wall time on this machine)")
        // 1. Failed prerequisite -> paused, and routes leaked, SyncGate vs cert-manager alone.
        let s = try Seed000Scenario.make()
        s.world.retryInterval = 11.4
        let recorder = EventRecorder()
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory)
        let report = await RolloutEngine(policy: s.policy, plan: plan, environment: s.environment(events: recorder, runID: "bench")).run()
        let firstFailure = recorder.events.first { $0.kind == .failed }?.time
        let lastPause = recorder.events.filter { $0.kind == .paused }.map(\.time).max()
        s.world.advance(seconds: 18 * 3600, step: 11.4)
        let alone = try Self.certManagerAlone(hours: 18)
        let toPause = (firstFailure.flatMap { f in lastPause.map { $0.timeIntervalSince(f) } }) ?? -1
        Self.out("  seed 000, 18 h: SyncGate  exit \(report.exitCode.rawValue), failed prerequisite -> 4 Applications paused in \(String(format: "%.1f", toPause)) s virtual, solver routes leaked: \(s.world.solverRouteCount)")
        Self.out("                  cert-manager alone: solver routes leaked: \(alone.routes) (seed: 22,514), Gateway Programmed: \(alone.programmed)")
        // 2. 100 Applications, 2 stages.
        let names = (1...50).map { "svc\($0)" }
        let big = try Seed000Scenario.make(services: names, existing: 20)
        big.publishPrerequisites()
        var policy = big.policy
        policy.stages[0].verification?.soakSeconds = 60
        policy.stages[1].verification?.soakSeconds = 60
        Self.liftRateLimit(&policy)
        let scenario = Seed000Scenario(world: big.world, inventory: big.inventory, policy: policy, newApplications: big.newApplications)
        let bigPlan = try RolloutPlanner.plan(policy: scenario.policy, inventory: scenario.inventory)
        let wallStart = Date()
        let virtualStart = big.world.now
        let bigReport = await RolloutEngine(policy: scenario.policy, plan: bigPlan, environment: scenario.environment(events: EventRecorder(), runID: "bench-100")).run()
        let wall = Date().timeIntervalSince(wallStart)
        Self.out("  100 Applications, 2 stages: exit \(bigReport.exitCode.rawValue), \(bigPlan.steps.count) steps, virtual \(RolloutEvent.duration(big.world.now.timeIntervalSince(virtualStart))) (the waits), wall \(String(format: "%.2f", wall)) s (the engine + simulated API)")
        // 3. The same on KubeSim: cert-manager alone for one virtual hour, SyncGate's pause, a 100-Application rollout.
        let alone1h = try KubeSimDemo(existing: ["web", "api", "docs"], new: ["pay", "rbac"])
        try alone1h.boot()
        try alone1h.commitNewApplications()
        let w0 = Date()
        alone1h.sim.advance(by: 3600)
        Self.out("  KubeSim, cert-manager alone, 1 virtual hour: \(alone1h.solverRoutes) solver routes leaked (seed: ~1,250/h), Gateway Programmed: \(alone1h.gatewayProgrammed) [\(String(format: "%.1f", Date().timeIntervalSince(w0))) s wall]")
        let guarded = try KubeSimDemo(existing: ["web", "api", "docs"], new: ["pay", "rbac"])
        try guarded.boot()
        try guarded.commitNewApplications()
        let rec = EventRecorder()
        let g = try await guarded.rollout(events: rec, runID: "bench-kubesim")
        let f0 = rec.events.first { $0.kind == .failed }?.time
        let p1 = rec.events.filter { $0.kind == .paused }.map(\.time).max()
        guarded.sim.advance(by: 3600)
        Self.out("  KubeSim, SyncGate: exit \(g.exitCode.rawValue), failed prerequisite -> paused in \(String(format: "%.1f", (f0.flatMap { f in p1.map { $0.timeIntervalSince(f) } }) ?? -1)) s virtual, solver routes after 1 h: \(guarded.solverRoutes)")
        let hundred = try KubeSimDemo(existing: ["web", "api", "docs"], new: (1...50).map { "svc\($0)" })
        try hundred.boot()
        hundred.publishPrerequisites()
        try hundred.commitNewApplications()
        let k0 = Date(), v0 = hundred.sim.now
        let kr = try await hundred.rollout(events: EventRecorder(), runID: "bench-kubesim-100", liftRateLimit: true)
        Self.out("  KubeSim, 100 Applications, 2 stages: exit \(kr.exitCode.rawValue), virtual \(RolloutEvent.duration(hundred.sim.now.timeIntervalSince(v0))) (the waits), wall \(String(format: "%.2f", Date().timeIntervalSince(k0))) s (engine + HTTP API + controllers)")
    }
}

// MARK: - On KubeSim

/// Seed 000 on an in-process KubeSim (its API server on 127.0.0.1, Gateway, cert-manager and Argo CD controllers
/// on a virtual clock) with a generated repository and a built-in zone and registry.
final class KubeSimDemo: @unchecked Sendable {
    let sim: KubeSim
    let client: KubeClient
    let repo: String
    let resolver = MutableHostResolver()
    let new: [String]
    private let lock = NSLock()
    private var pushed: Set<String> = []

    init(existing: [String], new: [String]) throws {
        self.new = new
        repo = NSTemporaryDirectory() + "syncgate-demo-\(UUID().uuidString)"
        try Self.write(DemoRepository.files(existing: existing, new: new, withNewListeners: false), to: repo)
        for s in existing { resolver.set(DemoRepository.host(s, sandbox: false), [DemoRepository.ingressAddress]) }
        var options = KubeSimOptions()
        options.argoCD.repoDirectory = repo
        options.resolver = resolver
        options.ingressAddress = DemoRepository.ingressAddress
        options.clock = .virtual(start: Date())  // KubeSim's CA is made at wall-clock time
        sim = try KubeSim.start(options)
        client = KubeClient(configuration: ClientConfiguration(server: sim.baseURL), retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05), requestTimeout: 10)
        self.existing = existing
    }
    let existing: [String]

    deinit {
        sim.stop()
        try? FileManager.default.removeItem(atPath: repo)
    }

    static func write(_ files: [String: String], to root: String) throws {
        for (path, text) in files {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// The platform and the running services, settled; then the commit of the new services lands in the repo.
    func boot() throws {
        try sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n")
        for f in ["platform-gateway", "platform-issuers"] + existing {
            try sim.apply(yaml: try String(contentsOfFile: "\(repo)/argocd/apps/\(f).yaml", encoding: .utf8))
        }
        sim.advance(by: 1800)
        try Self.write(DemoRepository.files(existing: existing, new: new, withNewListeners: true), to: repo)
    }

    func commitNewApplications() throws {
        for s in new { for env in ["sandbox", "production"] {
            try sim.apply(yaml: try String(contentsOfFile: "\(repo)/argocd/apps/\(s)-\(env).yaml", encoding: .utf8))
        } }
    }

    func publishPrerequisites() {
        for s in new {
            resolver.set(DemoRepository.host(s, sandbox: true), [DemoRepository.ingressAddress])
            resolver.set(DemoRepository.host(s, sandbox: false), [DemoRepository.ingressAddress])
            lock.withLock { _ = pushed.insert(DemoRepository.image(s)) }
        }
    }

    var newApplications: [ApplicationIdentity] {
        new.flatMap { s in ["sandbox", "production"].map { ApplicationIdentity(name: "acme-\(s)-\($0)") } }
    }

    func environment(events: any RolloutEventSink, runID: String) -> RolloutEnvironment {
        let cluster = KubeClusterAdapter(client: client)
        let resolver = self.resolver
        let live = ClusterIngressEvidence(cluster: cluster, ingressAddress: DemoRepository.ingressAddress, zone: { h in
            if case .addresses(let a) = resolver.resolve(h) { return a }
            return nil
        }, image: { [weak self] ref in self?.lock.withLock { self?.pushed.contains(ref) ?? false } ?? false })
        let clock = KubeSimClock(sim: sim)
        return RolloutEnvironment(cluster: cluster, autoSync: KubeAutoSyncSwitch(control: AutoSyncControl(client: client, now: { clock.now })),
                                  live: live, clock: clock, events: events, runID: runID)
    }

    func rollout(events: any RolloutEventSink, runID: String, liftRateLimit: Bool = false) async throws -> RolloutReport {
        var policy = try PolicyLoader.load(repo: repo)
        if liftRateLimit { DemoCommand.liftRateLimit(&policy) }
        let plan = try RolloutPlanner.plan(policy: policy, inventory: InventoryAdapter.inventory(from: try Planner().plan(repo: repo)))
        return await RolloutEngine(policy: policy, plan: plan, environment: environment(events: events, runID: runID)).run()
    }

    var solverRoutes: Int { sim.solverRouteCounts().values.reduce(0, +) }
    var gatewayProgrammed: Bool {
        Condition.find("Programmed", in: sim.get("Gateway", "traefik", "traefik-gateway", group: "gateway.networking.k8s.io")?["status"])?.isTrue == true
    }
}

struct KubeSimClock: RolloutClock {
    let sim: KubeSim
    var now: Date { sim.now }
    func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        sim.advance(by: seconds)
        await Task.yield()
    }
}

extension DemoCommand {
    func runOnKubeSim() async throws {
        let style = events ?? EventPrinter.defaultStyle()
        let say: (String) -> Void = { line in if style != .json { Self.out(line) } }
        let printer = EventPrinter(style: style)
        let demo = try KubeSimDemo(existing: ["web", "api", "docs"], new: ["pay", "rbac"])
        say("── KubeSim on \(demo.sim.baseURL): a shared Traefik Gateway, three running services; repo \(demo.repo)")
        try demo.boot()
        say("── the commit of 2026-03-22 lands: four new Applications (pay, rbac × sandbox, production), auto-sync on; DNS and images do not exist")
        try demo.commitNewApplications()
        let blocked = try await demo.rollout(events: printer, runID: "demo-1")
        say(blocked.text)
        demo.sim.advance(by: 3600)
        say("── one virtual hour later: solver routes \(demo.solverRoutes) (the seed leaked ~1,250 an hour), Gateway Programmed: \(demo.gatewayProgrammed)")
        say("── DNS records and images appear; `syncgate resume` the four Applications; `syncgate rollout`")
        demo.publishPrerequisites()
        let resumer = KubeAutoSyncSwitch(control: AutoSyncControl(client: demo.client))
        for app in demo.newApplications { say("   resume \(app.id): \(try await resumer.resume(app))") }
        let done = try await demo.rollout(events: printer, runID: "demo-2")
        say(done.text)
        say("── served now: " + demo.newApplications.map { $0.name }.joined(separator: ", ") + " verified; Gateway Programmed: \(demo.gatewayProgrammed); solver routes: \(demo.solverRoutes)")
        if done.exitCode != .success { throw ExitCode(done.exitCode.rawValue) }
    }
}

