import Foundation
import KubeSim
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct AutoSyncControlTests {
    static let policy = #"{"automated":{"prune":true,"selfHeal":true},"syncOptions":["CreateNamespace=true"]}"#

    @Test(arguments: [CustomResourceDefinitions.ArgoCDVersion.current, .beforeAutomatedEnabled])
    func pauseResumeRoundTrip(crd: CustomResourceDefinitions.ArgoCDVersion) async throws {
        let h = try SimHarness.start(argoCD: crd)
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("pay-production", syncPolicy: Self.policy))
        let control = AutoSyncControl(client: h.client, now: { pausedAt })
        let features = await control.features()
        #expect(features.hasAutomatedEnabled == (crd == .current))

        let before = try await h.client.get(.applications, namespace: "argocd", name: "pay-production")
        let outcome = try await control.pause("pay-production", reason: "DNS for pay.example.com missing", features: features)
        #expect(outcome.result == .paused)
        #expect(outcome.mode == (crd == .current ? .disableField : .removeAutomated))
        let paused = try #require(h.sim.get("Application", "argocd", "pay-production"))
        #expect(!AutoSyncRules.isAutoSyncOn(paused[path: "spec", "syncPolicy"]), "auto-sync still on after pause: \(JSONWriter.string(paused[path: "spec", "syncPolicy"] ?? .null))")
        #expect(paused[path: "metadata", "annotations", "syncgate.dev/paused-at"]?.string == "2026-03-23T12:30:00Z")
        #expect(paused[path: "metadata", "annotations", "syncgate.dev/paused-reason"]?.string == "DNS for pay.example.com missing")
        #expect(try AutoSyncRules.record(of: paused)?.previousPolicy == before[path: "spec", "syncPolicy"])

        // idempotent: the second pause changes nothing (same resourceVersion) and keeps the first record
        let rv = paused[path: "metadata", "resourceVersion"]
        let again = try await control.pause("pay-production", reason: "something else", features: features)
        #expect(again.result == .alreadyPaused)
        #expect(again.record?.reason == "DNS for pay.example.com missing")
        #expect(h.sim.get("Application", "argocd", "pay-production")?[path: "metadata", "resourceVersion"] == rv)

        let listed = try await control.paused(namespace: "argocd")
        #expect(listed.map(\.name) == ["pay-production"])
        #expect(listed.first?.age(now: pausedAt.addingTimeInterval(7200)) == 7200)

        let resumed = try await control.resume("pay-production")
        #expect(resumed.result == .resumed)
        let after = try #require(h.sim.get("Application", "argocd", "pay-production"))
        #expect(after[path: "spec", "syncPolicy"] == before[path: "spec", "syncPolicy"])
        #expect(after[path: "metadata", "annotations"]?.object?.keys.contains { $0.hasPrefix("syncgate.dev/") } != true)
        #expect(try await control.resume("pay-production").result == .notPaused)
        #expect(try await control.paused(namespace: nil).isEmpty)
    }

    @Test func conflictsAreRetriedOrFailCleanly() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("pay-sandbox", syncPolicy: Self.policy))
        let control = AutoSyncControl(client: h.client, now: { pausedAt }, maxAttempts: 3)
        // one 409 on the first patch: re-read, decide again, succeed
        h.sim.faults.add(Fault(.conflict, trigger: .nth(1), methods: ["PATCH"]))
        #expect(try await control.pause("pay-sandbox", reason: "r").result == .paused)
        h.sim.faults.clear()
        _ = try await control.resume("pay-sandbox")

        // every patch conflicts: a clean failure and the Application exactly as before
        let before = try #require(h.sim.get("Application", "argocd", "pay-sandbox"))
        h.sim.faults.add(Fault(.conflict, methods: ["PATCH"]))
        await #expect(throws: AutoSyncError.self) { _ = try await control.pause("pay-sandbox", reason: "r") }
        #expect(h.sim.get("Application", "argocd", "pay-sandbox") == before)
        h.sim.faults.clear()

        // a transient 503 and a dropped connection mid-command are retried; the result is whole
        h.sim.faults.add(Fault(.status(503), trigger: .nth(1), methods: ["PATCH"]))
        h.sim.faults.add(Fault(.dropConnection, trigger: .nth(1), methods: ["GET"]))
        #expect(try await control.pause("pay-sandbox", reason: "flaky").result == .paused)
        let paused = try #require(h.sim.get("Application", "argocd", "pay-sandbox"))
        #expect(try AutoSyncRules.record(of: paused)?.reason == "flaky")
        #expect(!AutoSyncRules.isAutoSyncOn(paused[path: "spec", "syncPolicy"]))
    }

    @Test func concurrentWriterBetweenReadAndPatchIsNeverOverwritten() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("rbac-production", syncPolicy: Self.policy))
        // Someone else patches the policy; SyncGate's patch built from the old read must be refused by its tests.
        let stale = try await h.client.get(.applications, namespace: "argocd", name: "rbac-production")
        _ = try await h.client.mergePatch(.applications, namespace: "argocd", name: "rbac-production",
                                          json(#"{"spec":{"syncPolicy":{"automated":{"prune":false}}}}"#))
        guard case .patch(let ops, _) = try AutoSyncRules.planPause(stale, reason: "r", now: pausedAt, mode: .disableField) else {
            Issue.record("expected a patch"); return
        }
        do {
            _ = try await h.client.jsonPatch(.applications, namespace: "argocd", name: "rbac-production", ops)
            Issue.record("a stale patch went through")
        } catch let e as KubeError {
            #expect(e.isPreconditionFailure, "\(e)")
        }
        #expect(h.sim.get("Application", "argocd", "rbac-production")?[path: "spec", "syncPolicy", "automated", "prune"]?.bool == false)
    }

    @Test func resumeRefusesWhenThePolicyChangedWhilePaused() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        try h.sim.apply(yaml: SimHarness.application("rbac-sandbox", syncPolicy: Self.policy))
        let control = AutoSyncControl(client: h.client, now: { pausedAt })
        _ = try await control.pause("rbac-sandbox", reason: "image missing")
        _ = try await h.client.mergePatch(.applications, namespace: "argocd", name: "rbac-sandbox",
                                          json(#"{"spec":{"syncPolicy":{"syncOptions":["ServerSideApply=true"]}}}"#))
        let changed = try #require(h.sim.get("Application", "argocd", "rbac-sandbox"))
        do {
            _ = try await control.resume("rbac-sandbox")
            Issue.record("resume should refuse")
        } catch let e as AutoSyncError {
            #expect("\(e)".contains("changed while paused"))
            #expect("\(e)".contains("--force"))
        }
        #expect(h.sim.get("Application", "argocd", "rbac-sandbox") == changed)
        let forced = try await control.resume("rbac-sandbox", force: true)
        #expect(forced.result == .forced)
        #expect(h.sim.get("Application", "argocd", "rbac-sandbox")?[path: "spec", "syncPolicy"] == json(Self.policy))
    }

    @Test func applicationSetOwnershipIsDetected() async throws {
        let h = try SimHarness.start()
        defer { h.stop() }
        try h.sim.apply(yaml: SimHarness.namespaces)
        let sets = try h.sim.apply(yaml: """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: reverting, namespace: argocd}
            spec:
              generators: [{list: {elements: [{name: a}]}}]
              template:
                metadata: {name: '{{name}}'}
                spec: {project: default, source: {repoURL: x, path: y}, destination: {server: https://kubernetes.default.svc, namespace: z}}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: tolerant, namespace: argocd}
            spec:
              generators: [{list: {elements: [{name: b}]}}]
              ignoreApplicationDifferences:
              - jsonPointers: [/spec/syncPolicy]
              template:
                metadata: {name: '{{name}}'}
                spec: {project: default, source: {repoURL: x, path: y}, destination: {server: https://kubernetes.default.svc, namespace: z}}
            """)
        func owner(_ set: Value) -> String {
            """
              ownerReferences:
              - {apiVersion: argoproj.io/v1alpha1, kind: ApplicationSet, name: \(set[path: "metadata", "name"]!.string!), uid: \(set[path: "metadata", "uid"]!.string!), controller: true}
            """
        }
        try h.sim.apply(yaml: SimHarness.application("owned-reverting", syncPolicy: Self.policy, extraMetadata: owner(sets[0])))
        try h.sim.apply(yaml: SimHarness.application("owned-tolerant", syncPolicy: Self.policy, extraMetadata: owner(sets[1])))
        let control = AutoSyncControl(client: h.client, now: { pausedAt })
        let before = h.sim.get("Application", "argocd", "owned-reverting")
        do {
            _ = try await control.pause("owned-reverting", reason: "r")
            Issue.record("expected a refusal")
        } catch AutoSyncError.ownedByApplicationSet(let app, let o) {
            #expect(app == "argocd/owned-reverting")
            #expect(o.name == "reverting")
            #expect(o.remedy(app: app).contains("ignoreApplicationDifferences"))
        }
        #expect(h.sim.get("Application", "argocd", "owned-reverting") == before)
        let forced = try await control.pause("owned-reverting", reason: "r", allowApplicationSet: true)
        #expect(forced.result == .paused && !forced.warnings.isEmpty)
        let ok = try await control.pause("owned-tolerant", reason: "r")
        #expect(ok.result == .paused && ok.applicationSet?.ignoresSyncPolicy == true && ok.warnings.isEmpty)
    }
}
