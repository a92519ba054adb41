import ArgumentParser
import Foundation
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

    func run() async throws {
        if benchmark { try await runBenchmark(); return }
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
        let scenario = Seed000Scenario(world: big.world, inventory: big.inventory, policy: policy, newApplications: big.newApplications)
        let bigPlan = try RolloutPlanner.plan(policy: scenario.policy, inventory: scenario.inventory)
        let wallStart = Date()
        let virtualStart = big.world.now
        let bigReport = await RolloutEngine(policy: scenario.policy, plan: bigPlan, environment: scenario.environment(events: EventRecorder(), runID: "bench-100")).run()
        let wall = Date().timeIntervalSince(wallStart)
        Self.out("  100 Applications, 2 stages: exit \(bigReport.exitCode.rawValue), \(bigPlan.steps.count) steps, virtual \(RolloutEvent.duration(big.world.now.timeIntervalSince(virtualStart))) (the waits), wall \(String(format: "%.2f", wall)) s (the engine + simulated API)")
    }
}
