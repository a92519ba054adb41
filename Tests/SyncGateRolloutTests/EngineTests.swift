import Foundation
import Testing
import SyncGateCore
import SyncGateKube
import SyncGateX509
@testable import SyncGateRollout

/// Pure engine tests over `SimWorld` (in-memory cluster, virtual time): ordering, stage gating, fail closed,
/// early failure detection, exit codes.
@Suite struct EngineTests {
    func run(_ s: Seed000Scenario, stage: String? = nil, runID: String = "run-test", options: RolloutOptions = RolloutOptions(),
             cluster: (any RolloutCluster)? = nil, events: EventRecorder = EventRecorder()) async throws -> RolloutReport {
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory, only: stage)
        let engine = RolloutEngine(policy: s.policy, plan: plan, environment: s.environment(events: events, runID: runID, cluster: cluster), options: options)
        return await engine.run()
    }

    func isPaused(_ s: Seed000Scenario, _ app: ApplicationIdentity) -> String? {
        let live = s.world.cluster.peek(.applications, namespace: app.namespace, name: app.name)
        guard !AutoSyncRules.isAutoSyncOn(live?[path: "spec", "syncPolicy"]) else { return nil }
        return live?[path: "metadata", "annotations", AutoSyncAnnotation.reason]?.scalarText
    }

    @Test func planIsSortedByOneComparator() throws {
        let s = try Seed000Scenario.make()
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory)
        #expect(plan.steps == plan.steps.sorted(by: StepOrder.areInIncreasingOrder))
        // Every Lease before anything acts, then every prerequisite and Secret, then the stages.
        let phases = plan.steps.map(\.phase)
        #expect(phases == phases.sorted())
        #expect(plan.steps.prefix(4).allSatisfy { $0.gate == .lease })
        let phase2 = plan.steps.filter { $0.phase == 2 }
        #expect(phase2.first?.stage == "canary")
        let lastCanary = phase2.lastIndex { $0.stage == "canary" }!
        let firstProd = phase2.firstIndex { $0.stage == "production" }!
        #expect(lastCanary < firstProd)
        #expect(phase2[lastCanary].gate == .stageVerified)
        // Inside one Application: listener, sync, certificate, verify.
        let pay = phase2.filter { $0.application?.name == "acme-pay-sandbox" }.map(\.gate)
        #expect(pay == [.listener, .sync, .certificate, .verify])
        #expect(plan.stages.map { $0.applications.map(\.identity.name) } == [["acme-pay-sandbox", "acme-rbac-sandbox"], ["acme-pay-production", "acme-rbac-production"]])
    }

    @Test func dependencyOrderInsideAStage() throws {
        let a = RolloutApplication(identity: ApplicationIdentity(name: "a"), dependsOn: ["argocd/c"])
        let b = RolloutApplication(identity: ApplicationIdentity(name: "b"))
        let c = RolloutApplication(identity: ApplicationIdentity(name: "c"), dependsOn: ["argocd/b"])
        let (order, note) = RolloutPlanner.dependencyOrder([a, b, c])
        #expect(order.map(\.identity.name) == ["b", "c", "a"])
        #expect(note == nil)
        let x = RolloutApplication(identity: ApplicationIdentity(name: "x"), dependsOn: ["argocd/y"])
        let y = RolloutApplication(identity: ApplicationIdentity(name: "y"), dependsOn: ["argocd/x"])
        let (o2, n2) = RolloutPlanner.dependencyOrder([x, y])
        #expect(o2.count == 2 && n2?.contains("cycle") == true)
    }

    /// Seed 000 replayed: DNS and images missing. Every new Application pauses at once with its reasons, nothing is
    /// synced, no solver route appears, the existing listeners stay Programmed (placeholders keep the Gateway up).
    @Test func seed000BlockedPrerequisitesPauseEveryAffectedApplication() async throws {
        let s = try Seed000Scenario.make()
        let events = EventRecorder()
        let report = try await run(s, events: events)
        #expect(report.exitCode == .blocked)
        for app in s.newApplications {
            let reason = try #require(isPaused(s, app), "\(app) not paused")
            #expect(reason.contains("dns:"))
            #expect(reason.contains("image:"))
        }
        #expect(s.world.cluster.all(.applications).allSatisfy { $0["operation"] == nil })
        s.world.advance(seconds: 3600)
        #expect(s.world.solverRouteCount == 0)
        let gw = try #require(s.world.cluster.peek(.gateways, namespace: "traefik", name: "traefik-gateway"))
        #expect(Condition.find("Programmed", in: gw["status"])?.isTrue == true)
        #expect(report.placeholders.count == 4)
        #expect(report.text.contains("evidence:"))
        #expect(report.failures.allSatisfy { !$0.failure.remedy.isEmpty })
        // Paused within one check interval of the run's start (virtual time).
        let pausedAt = events.events.filter { $0.kind == .paused }.map(\.time)
        #expect(pausedAt.count == 4)
        #expect(pausedAt.allSatisfy { $0.timeIntervalSince(report.startedAt) <= s.policy.verification.checkIntervalSeconds })
    }

    /// Once DNS and images exist: resume, then rollout completes canary, verifies, then production.
    @Test func seed000AfterFixResumeAndRolloutCompletes() async throws {
        let s = try Seed000Scenario.make()
        _ = try await run(s, runID: "run-1")
        s.publishPrerequisites()
        let env = s.environment(events: EventRecorder())
        for app in s.newApplications { _ = try await env.autoSync.resume(app) }
        let events = EventRecorder()
        let report = try await run(s, runID: "run-2", events: events)
        #expect(report.exitCode == .success, "\(report.text)")
        #expect(report.verifiedStages == ["canary", "production"])
        // Canary verified before production synced.
        let canaryVerified = events.events.firstIndex { $0.kind == .passed && $0.gate == "stage-verified" && $0.stage == "canary" }!
        let firstProdSync = events.events.firstIndex { $0.kind == .syncTriggered && $0.stage == "production" }
        if let firstProdSync { #expect(canaryVerified < firstProdSync) }
        for app in s.newApplications { #expect(isPaused(s, app) == nil) }
        #expect(s.world.solverRouteCount == 0)
    }

    /// The canary serves the wrong certificate: exit 3, the canary Application paused, production never synced.
    @Test func canaryVerificationFailureStopsProduction() async throws {
        let s = try Seed000Scenario.make()
        s.publishPrerequisites()
        for app in s.newApplications {
            var o = s.world.cluster.peek(.applications, namespace: "argocd", name: app.name)!.object!
            o["spec"] = .object(["syncPolicy": .object([:])])
            s.world.cluster.put(.applications, .object(o))  // auto-sync off: SyncGate drives the syncs
        }
        let stale = try SyncGateX509.Certificate.parseBundle(pem: SelfSignedPEM.make(host: "pay.sandbox.acme.example.com")).first!
        s.world.serveStale("pay.sandbox.acme.example.com", certificateDER: stale.der)
        let events = EventRecorder()
        let report = try await run(s, events: events)
        #expect(report.exitCode == .verificationFailed, "\(report.text)")
        #expect(report.failures.first?.failure.gate == .verify)
        #expect(report.failures.first?.application?.name == "acme-pay-sandbox")
        #expect(!events.events.contains { $0.kind == .syncTriggered && $0.stage == "production" })
        #expect(s.world.cluster.peek(.certificates, namespace: "acme-pay-production", name: "acme-pay-web-cert") == nil)
        #expect(report.verifiedStages.isEmpty)
    }

    /// DNS resolves to the ingress but the Gateway cannot serve the challenge (listener secret placeholders disabled
    /// and no Secret): cert-manager fails; SyncGate sees the failed request at once instead of waiting 10 minutes.
    @Test func earlyFailureInsteadOfTimeout() async throws {
        let s = try Seed000Scenario.make(services: ["pay"])
        s.publishPrerequisites()
        s.world.setDNS("pay.sandbox.acme.example.com", ["198.51.100.7"])  // pointed elsewhere after the check
        var policy = s.policy
        policy.timeouts.certificate = 3600
        let scenario = Seed000Scenario(world: s.world, inventory: s.inventory, policy: policy, newApplications: s.newApplications)
        // Pass the preflight by checking against the wrong address too (a split-horizon resolver would do this).
        var p2 = scenario.policy
        p2.ingress.addresses = [s.world.ingressAddress, "198.51.100.7"]
        let sc2 = Seed000Scenario(world: s.world, inventory: s.inventory, policy: p2, newApplications: s.newApplications)
        let report = try await run(sc2, stage: "canary")
        #expect(report.exitCode == .verificationFailed, "\(report.text)")
        let f = try #require(report.failures.first)
        #expect(f.failure.gate == .certificate)
        #expect(f.failure.evidence.contains("failed") || f.failure.evidence.contains("invalid"))
        #expect(report.finishedAt.timeIntervalSince(report.startedAt) < 600)
        #expect(s.world.solverRouteCount <= 3)
        #expect(isPaused(sc2, ApplicationIdentity(name: "acme-pay-sandbox")) != nil)
    }

    @Test func waitThatNeverEndsTimesOut() async throws {
        let s = try Seed000Scenario.make(services: ["pay"])
        s.publishPrerequisites()
        s.world.caUnresponsive = true
        var p = s.policy
        p.timeouts.certificate = 300
        let sc = Seed000Scenario(world: s.world, inventory: s.inventory, policy: p, newApplications: s.newApplications)
        let report = try await run(sc, stage: "canary")
        #expect(report.exitCode == .timedOut, "\(report.text)")
        #expect(report.failures.first?.failure.failure == .timedOut)
        #expect(report.text.contains("timeouts.certificate"))
    }

    @Test func manualPromotionStopsThenPromoteReleases() async throws {
        let s = try Seed000Scenario.make(services: ["pay"])
        s.publishPrerequisites()
        var p = s.policy
        p.stages[0].promotion = .manual
        let sc = Seed000Scenario(world: s.world, inventory: s.inventory, policy: p, newApplications: s.newApplications)
        let first = try await run(sc, runID: "run-a")
        #expect(first.exitCode == .success)
        #expect(first.headline.contains("syncgate promote --to production"))
        #expect(first.verifiedStages == ["canary"])
        let journal = ClusterJournal(cluster: s.world.cluster, namespace: "argocd", rollout: "default")
        try await journal.promote(stage: "production", now: s.world.now)
        let events = EventRecorder()
        let second = try await run(sc, runID: "run-b", events: events)
        #expect(second.exitCode == .success, "\(second.text)")
        #expect(second.verifiedStages == ["canary", "production"])
        // The canary's sync was not requested again.
        #expect(!events.events.contains { $0.kind == .syncTriggered && $0.stage == "canary" })
    }

    @Test func noPauseWhenPolicySaysSo() async throws {
        let s = try Seed000Scenario.make(services: ["pay"])
        var p = s.policy
        p.onFailure.pauseAutoSync = false
        let sc = Seed000Scenario(world: s.world, inventory: s.inventory, policy: p, newApplications: s.newApplications)
        let report = try await run(sc)
        #expect(report.exitCode == .blocked)
        #expect(report.paused.isEmpty)
        #expect(report.notes.contains { $0.contains("pauseAutoSync is false") })
    }

    @Test func stageIssuerIsEnforced() async throws {
        let s = try Seed000Scenario.make(services: ["pay"])
        s.publishPrerequisites()
        var p = s.policy
        p.stages[0].issuer = IssuerRequirement(name: "letsencrypt-prod")
        let sc = Seed000Scenario(world: s.world, inventory: s.inventory, policy: p, newApplications: s.newApplications)
        let report = try await run(sc)
        #expect(report.exitCode == .blocked)
        #expect(report.failures.contains { $0.failure.evidence.contains("requires letsencrypt-prod") })
    }

    @Test func hookModeChecksOnly() async throws {
        let s = try Seed000Scenario.make(services: ["pay"])
        s.publishPrerequisites()
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory, applications: ["acme-pay-sandbox"])
        let engine = RolloutEngine(policy: s.policy, plan: plan, environment: s.environment(events: EventRecorder()),
                                   options: RolloutOptions(mode: .hook, rolloutName: "hook-acme-pay-sandbox"))
        #expect(engine.steps.allSatisfy { [.lease, .prerequisites, .secret, .listener].contains($0.gate) })
        let report = await engine.run()
        #expect(report.exitCode == .success, "\(report.text)")
        #expect(s.world.cluster.peek(.applications, namespace: "argocd", name: "acme-pay-sandbox")?["operation"] == nil)
    }
}

enum SelfSignedPEM {
    static func make(host: String) throws -> String {
        try SyncGateX509.SelfSigned.placeholder(host: host, validity: 90 * 86_400, now: 1_774_191_600).certificatePEM
    }
}

/// The rate-limit guard in the engine: production (a production ACME directory) is blocked before any order when
/// its new Certificates would exceed the budget; the canary on the staging directory is not counted.
@Suite struct RateLimitEngineTests {
    @Test func productionOverBudgetIsBlockedBeforeAnyOrder() async throws {
        let s = try Seed000Scenario.make()
        s.publishPrerequisites()
        var p = s.policy
        p.guards.weeklyCertificateLimit = 2   // allowance 1 per registered domain; production orders 2 on example.com
        let sc = Seed000Scenario(world: s.world, inventory: s.inventory, policy: p, newApplications: s.newApplications)
        let plan = try RolloutPlanner.plan(policy: sc.policy, inventory: sc.inventory)
        let report = await RolloutEngine(policy: sc.policy, plan: plan, environment: sc.environment(events: EventRecorder(), runID: "run-rl")).run()
        #expect(report.exitCode == .blocked, "\(report.text)")
        let limited = report.failures.filter { $0.failure.evidence.contains("exceed the budget of 1") }
        #expect(!limited.isEmpty, "\(report.text)")
        #expect(limited.allSatisfy { $0.application?.name.hasSuffix("-production") == true })
        #expect(s.world.solverRouteCount == 0)
    }
}
