import Foundation
import Testing
import SyncGateCore
import SyncGateKube
@testable import SyncGateRollout

/// Journal resume after a kill at every write, Lease exclusion of concurrent runs, injected API faults.
@Suite struct CrashSafetyTests {
    func scenario() throws -> Seed000Scenario {
        let s = try Seed000Scenario.make(services: ["pay"], existing: 3)
        s.publishPrerequisites()
        return s
    }

    func engine(_ s: Seed000Scenario, runID: String, cluster: (any RolloutCluster)? = nil, events: EventRecorder = EventRecorder()) throws -> RolloutEngine {
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory)
        return RolloutEngine(policy: s.policy, plan: plan, environment: s.environment(events: events, runID: runID, cluster: cluster))
    }

    /// Every Application is either auto-syncing with no SyncGate record, or paused with a reason: never half-paused.
    func assertNoHalfPause(_ s: Seed000Scenario, _ comment: Comment) {
        for app in s.world.cluster.all(.applications) {
            let on = AutoSyncRules.isAutoSyncOn(app[path: "spec", "syncPolicy"])
            let reason = app[path: "metadata", "annotations", AutoSyncAnnotation.reason]?.scalarText
            #expect(on == (reason == nil), comment)
        }
    }

    @Test func killedAtEveryWriteThenRerunConverges() async throws {
        // How many writes does a whole run make?
        let reference = try scenario()
        let ref = await try engine(reference, runID: "run-ref").run()
        #expect(ref.exitCode == .success, "\(ref.text)")
        let total = reference.world.cluster.writes.count
        #expect(total > 10)
        for k in 1..<total {
            let s = try scenario()
            let killed = await try engine(s, runID: "run-killed", cluster: s.world.cluster.client(killAfter: k)).run()
            #expect(killed.exitCode != .success || k >= total - 3, "kill after \(k) writes")
            // The killed run's Leases expire; the next run takes over and finishes.
            s.world.advance(seconds: s.policy.timeouts.lease + 1)
            let routesBefore = s.world.solverRouteCount  // leaked while no SyncGate ran (auto-sync on, Gateway down)
            let rerun = await try engine(s, runID: "run-rerun").run()
            #expect(rerun.exitCode == .success, "kill after \(k) writes: \(rerun.text)")
            #expect(rerun.verifiedStages == ["canary", "production"], "kill after \(k) writes")
            assertNoHalfPause(s, "kill after \(k) writes")
            #expect(s.world.solverRouteCount <= routesBefore, "kill after \(k) writes")
        }
    }

    @Test func rerunReportsTheInterruptedRun() async throws {
        let s = try scenario()
        _ = await try engine(s, runID: "run-killed", cluster: s.world.cluster.client(killAfter: 12)).run()
        s.world.advance(seconds: s.policy.timeouts.lease + 1)
        let rerun = await try engine(s, runID: "run-next").run()
        #expect(rerun.resumedFrom?.contains("run-killed") == true, "\(rerun.text)")
        #expect(rerun.notes.contains { $0.contains("took over the expired Lease") })
    }

    @Test func twoConcurrentRunsNeverBothAct() async throws {
        for round in 0..<20 {
            let s = try scenario()
            let a = try engine(s, runID: "run-a")
            let b = try engine(s, runID: "run-b")
            async let ra = a.run()
            async let rb = b.run()
            let (x, y) = await (ra, rb)
            let codes = [x.exitCode, y.exitCode]
            #expect(codes.filter { $0 == .success }.count == 1, "round \(round): \(x.text)\n\(y.text)")
            let loser = x.exitCode == .success ? y : x
            let winner = x.exitCode == .success ? x : y
            #expect(loser.exitCode == .timedOut)
            #expect(loser.failures.first?.failure.evidence.contains("being rolled out by \(winner.runID)") == true)
            // Every sync SyncGate requested carries the winner's run.
            for app in s.world.cluster.all(.applications) {
                let info = app[path: "status", "operationState", "operation", "info"]?.elements ?? []
                if let run = info.first(where: { $0["name"]?.scalarText == "run" })?["value"]?.scalarText {
                    #expect(run == winner.runID)
                }
            }
            assertNoHalfPause(s, "round \(round)")
        }
    }

    @Test func injectedAPIFaultsEndInSuccessOrCleanFailure() async throws {
        for seed in 0..<12 {
            let s = try scenario()
            if seed % 3 == 0 {  // some rounds with the prerequisites missing again, so that pauses happen under faults
                s.world.setDNS("pay.acme.example.com", [])
            }
            let rng = Locked(SplitMix(seed: UInt64(seed + 1)))
            s.world.cluster.faults = { verb, resource, _, _ in
                let roll = rng.withLock { $0.next() } % 100
                if roll < 6 { throw KubeError.api(KubeStatus(code: 500, reason: "InternalError", message: "injected", verb: verb, path: resource.plural)) }
                if roll < 9 { throw KubeError.timedOut(request: "\(verb) \(resource.plural)", seconds: 30) }
                if roll < 11, verb == "update" || verb == "patch" {
                    throw KubeError.conflict(KubeStatus(code: 409, reason: "Conflict", message: "injected", verb: verb, path: resource.plural))
                }
            }
            let clock = SimClock(world: s.world)
            let retrying = RetryingCluster(s.world.cluster, attempts: 4, clock: clock)
            let report = await try engine(s, runID: "run-f\(seed)", cluster: retrying).run()
            #expect([.success, .internalError, .blocked, .verificationFailed, .timedOut].contains(report.exitCode))
            if report.exitCode != .success { #expect(!report.headline.isEmpty && !report.text.isEmpty) }
            assertNoHalfPause(s, "seed \(seed)")
            // Faults stop: the next run converges (after the DNS fix and a resume where needed).
            s.world.cluster.faults = nil
            s.publishPrerequisites()
            let env = s.environment(events: EventRecorder())
            for app in s.newApplications { _ = try await env.autoSync.resume(app) }
            s.world.advance(seconds: s.policy.timeouts.lease + 1)
            let again = await try engine(s, runID: "run-g\(seed)").run()
            #expect(again.exitCode == .success, "seed \(seed): \(again.text)")
        }
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ v: T) { value = v }
    func withLock<R>(_ body: (inout T) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
