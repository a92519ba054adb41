import Foundation
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct AutoSyncRulesTests {
    static let now = Date(timeIntervalSince1970: 1_774_269_000)  // 2026-03-23T12:30:00Z

    static func app(policy: String?, annotations: String? = nil, rv: String = "42") -> Value {
        json("""
            {"apiVersion":"argoproj.io/v1alpha1","kind":"Application",
             "metadata":{"name":"pay-production","namespace":"argocd","resourceVersion":"\(rv)"\(annotations.map { #","annotations":\#($0)"# } ?? "")},
             "spec":{"project":"default"\(policy.map { #","syncPolicy":\#($0)"# } ?? "")}}
            """)
    }

    static func apply(_ ops: [JSONPatchOperation], to v: Value) throws -> Value {
        try JSONPatchOperation.apply(ops, to: v)
    }

    static let policy = #"{"automated":{"prune":true,"selfHeal":true},"syncOptions":["CreateNamespace=true"]}"#

    @Test(arguments: [PauseMode.disableField, .removeAutomated])
    func pauseThenResumeRestoresExactly(mode: PauseMode) throws {
        let original = Self.app(policy: Self.policy, annotations: #"{"team":"pay"}"#)
        guard case .patch(let ops, let repause) = try AutoSyncRules.planPause(original, reason: "DNS for pay.example.com missing", now: Self.now, mode: mode) else {
            Issue.record("expected a patch"); return
        }
        #expect(!repause)
        #expect(ops.first == .test("/metadata/resourceVersion", .string("42")))
        #expect(ops.contains(.test("/spec/syncPolicy", json(Self.policy))))
        let paused = try Self.apply(ops, to: original)
        #expect(!AutoSyncRules.isAutoSyncOn(paused[path: "spec", "syncPolicy"]))
        switch mode {
        case .disableField: #expect(paused[path: "spec", "syncPolicy", "automated", "enabled"]?.bool == false)
        case .removeAutomated: #expect(paused[path: "spec", "syncPolicy", "automated"] == nil)
        }
        let rec = try #require(try AutoSyncRules.record(of: paused))
        #expect(rec.previousPolicy == json(Self.policy))
        #expect(rec.reason == "DNS for pay.example.com missing")
        #expect(rec.pausedAtText == "2026-03-23T12:30:00Z")
        #expect(paused[path: "metadata", "annotations", "team"]?.string == "pay")

        // pausing again changes nothing and keeps the first record
        guard case .alreadyPaused(let again) = try AutoSyncRules.planPause(paused, reason: "other", now: Self.now.addingTimeInterval(60), mode: mode) else {
            Issue.record("expected alreadyPaused"); return
        }
        #expect(again.reason == "DNS for pay.example.com missing")

        guard case .patch(let rops, _) = try AutoSyncRules.planResume(paused, force: false) else { Issue.record("expected resume patch"); return }
        let resumed = try Self.apply(rops, to: paused)
        #expect(resumed[path: "spec", "syncPolicy"] == json(Self.policy))
        #expect(resumed[path: "metadata", "annotations"] == json(#"{"team":"pay"}"#))
        #expect(try AutoSyncRules.planResume(resumed, force: false) == .notPaused(autoSyncOn: true))
    }

    @Test func pauseWithoutAnnotationsAddsTheMap() throws {
        let original = Self.app(policy: #"{"automated":{}}"#)
        guard case .patch(let ops, _) = try AutoSyncRules.planPause(original, reason: "r", now: Self.now, mode: .disableField) else {
            Issue.record("expected a patch"); return
        }
        #expect(ops.contains { if case .add("/metadata/annotations", _) = $0 { true } else { false } })
        let paused = try Self.apply(ops, to: original)
        #expect(paused[path: "spec", "syncPolicy", "automated"] == json(#"{"enabled":false}"#))
        guard case .patch(let rops, _) = try AutoSyncRules.planResume(paused, force: false) else { Issue.record("expected patch"); return }
        #expect(try Self.apply(rops, to: paused)[path: "spec", "syncPolicy"] == json(#"{"automated":{}}"#))
    }

    @Test func nothingToPauseWhenAutoSyncIsOff() throws {
        #expect(try AutoSyncRules.planPause(Self.app(policy: nil), reason: "r", now: Self.now, mode: .removeAutomated) == .notAutomated)
        #expect(try AutoSyncRules.planPause(Self.app(policy: #"{"automated":{"enabled":false}}"#), reason: "r", now: Self.now, mode: .disableField) == .notAutomated)
        #expect(try AutoSyncRules.planResume(Self.app(policy: #"{"automated":{"enabled":false}}"#), force: false) == .notPaused(autoSyncOn: false))
    }

    @Test func repauseWhenSomeoneTurnedItBackOn() throws {
        let ann = #"{"syncgate.dev/paused-sync-policy":"{\"automated\":{\"prune\":true}}","syncgate.dev/paused-reason":"first","syncgate.dev/paused-at":"2026-03-23T12:30:00Z"}"#
        let reverted = Self.app(policy: #"{"automated":{"prune":true}}"#, annotations: ann)
        guard case .patch(let ops, let repause) = try AutoSyncRules.planPause(reverted, reason: "second", now: Self.now, mode: .removeAutomated) else {
            Issue.record("expected a patch"); return
        }
        #expect(repause)
        #expect(!ops.contains { if case .add(let p, _) = $0 { p.contains("annotations") } else { false } })
        let paused = try Self.apply(ops, to: reverted)
        #expect(try AutoSyncRules.record(of: paused)?.reason == "first")
        // resume on the reverted (= already restored) policy just clears the record
        guard case .patch(let rops, _) = try AutoSyncRules.planResume(reverted, force: false) else { Issue.record("expected patch"); return }
        #expect(try Self.apply(rops, to: reverted)[path: "spec", "syncPolicy"] == json(#"{"automated":{"prune":true}}"#))
    }

    @Test func resumeRefusesAChangedPolicyUnlessForced() throws {
        let ann = #"{"syncgate.dev/paused-sync-policy":"{\"automated\":{\"prune\":true}}","syncgate.dev/paused-reason":"r","syncgate.dev/paused-at":"2026-03-23T12:30:00Z"}"#
        let changed = Self.app(policy: #"{"syncOptions":["ServerSideApply=true"]}"#, annotations: ann)
        guard case .policyChanged(_, _, let actual) = try AutoSyncRules.planResume(changed, force: false) else {
            Issue.record("expected policyChanged"); return
        }
        #expect(actual == json(#"{"syncOptions":["ServerSideApply=true"]}"#))
        guard case .patch(let ops, _) = try AutoSyncRules.planResume(changed, force: true) else { Issue.record("expected patch"); return }
        #expect(ops.contains(.test("/spec/syncPolicy", json(#"{"syncOptions":["ServerSideApply=true"]}"#))))  // still guarded
        #expect(try Self.apply(ops, to: changed)[path: "spec", "syncPolicy"] == json(#"{"automated":{"prune":true}}"#))
    }

    @Test func previousPolicyNullRemovesSyncPolicyOnResume() throws {
        let ann = #"{"syncgate.dev/paused-sync-policy":"null","syncgate.dev/paused-reason":"r","syncgate.dev/paused-at":"x"}"#
        let app = Self.app(policy: "{}", annotations: ann)
        guard case .patch(let ops, _) = try AutoSyncRules.planResume(app, force: false) else { Issue.record("expected patch"); return }
        #expect(ops.contains(.remove("/spec/syncPolicy")))
    }

    @Test func damagedRecordIsReported() {
        let app = Self.app(policy: "{}", annotations: #"{"syncgate.dev/paused-sync-policy":"{not json"}"#)
        #expect(throws: AutoSyncError.self) { try AutoSyncRules.planResume(app, force: false) }
    }

    @Test func applicationSetAnalysis() {
        let owned = json(#"{"metadata":{"name":"a","ownerReferences":[{"apiVersion":"argoproj.io/v1alpha1","kind":"ApplicationSet","name":"pay-set","uid":"1"}]}}"#)
        #expect(ApplicationSetOwnership.owner(of: owned) == "pay-set")
        #expect(ApplicationSetOwnership.owner(of: json(#"{"metadata":{"name":"a"}}"#)) == nil)
        let reverting = json(#"{"spec":{"template":{}}}"#)
        #expect(!ApplicationSetOwnership.analyze(appSet: reverting, appName: "a").ignores)
        #expect(ApplicationSetOwnership.analyze(appSet: json(#"{"spec":{"ignoreApplicationDifferences":[{"jsonPointers":["/spec/syncPolicy"]}]}}"#), appName: "a").ignores)
        #expect(ApplicationSetOwnership.analyze(appSet: json(#"{"spec":{"ignoreApplicationDifferences":[{"jqPathExpressions":[".spec.syncPolicy.automated"]}]}}"#), appName: "a").ignores)
        #expect(!ApplicationSetOwnership.analyze(appSet: json(#"{"spec":{"ignoreApplicationDifferences":[{"name":"other","jsonPointers":["/spec/syncPolicy"]}]}}"#), appName: "a").ignores)
        #expect(!ApplicationSetOwnership.analyze(appSet: json(#"{"spec":{"ignoreApplicationDifferences":[{"jsonPointers":["/spec/syncPolicy/retry"]}]}}"#), appName: "a").ignores)
        #expect(ApplicationSetOwnership.analyze(appSet: json(#"{"spec":{"syncPolicy":{"applicationsSync":"create-only"}}}"#), appName: "a").ignores)
        let o = ApplicationSetOwnership(name: "pay-set", namespace: "argocd", ignoresSyncPolicy: false, explanation: "x")
        #expect(o.remedy(app: "argocd/a").contains("ignoreApplicationDifferences"))
    }

    @Test func crdFeatureDetection() throws {
        let crdFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/crds/argo-cd/application-crd.yaml").standardized.path
        let text = try String(contentsOfFile: crdFile, encoding: .utf8)
        let crd = try YAMLDecoder.decodeOne(Array(text.utf8))
        #expect(ApplicationCRDFeatures.from(crd: crd).hasAutomatedEnabled)
        // the same CRD without the field (Argo CD before v3.1)
        let old = try YAMLDecoder.decodeOne(Array(text.replacingOccurrences(of: "                      enabled:\n                        description: Enable allows apps to explicitly control automated\n                          sync\n                        type: boolean\n", with: "").utf8))
        #expect(!ApplicationCRDFeatures.from(crd: old).hasAutomatedEnabled)
    }
}
