import Foundation
import SyncGateCore

/// The result of pausing one Application.
public struct PauseOutcome: Sendable {
    public enum Result: String, Sendable { case paused, repaused, alreadyPaused, notAutomated }
    public var application: String
    public var result: Result
    public var mode: PauseMode
    /// The record on the Application after the call (nil for `notAutomated`).
    public var record: PauseRecord?
    public var applicationSet: ApplicationSetOwnership?
    public var warnings: [String]

    public var message: String {
        switch result {
        case .paused: return "\(application): auto-sync paused (\(mode.rawValue)); previous policy recorded"
        case .repaused: return "\(application): auto-sync had been turned back on while paused; turned off again, first record kept"
        case .alreadyPaused: return "\(application): already paused since \(record?.pausedAtText ?? "?") (\(record?.reason ?? "")); nothing changed"
        case .notAutomated: return "\(application): auto-sync is not on; nothing to pause"
        }
    }
}

public struct ResumeOutcome: Sendable {
    public enum Result: String, Sendable { case resumed, forced, notPaused }
    public var application: String
    public var result: Result
    public var restoredPolicy: Value?
    public var autoSyncOn: Bool

    public var message: String {
        switch result {
        case .resumed: return "\(application): sync policy restored to \(restoredPolicy.map { JSONWriter.string($0) } ?? "none")"
        case .forced: return "\(application): sync policy restored (--force) to \(restoredPolicy.map { JSONWriter.string($0) } ?? "none")"
        case .notPaused: return "\(application): not paused by SyncGate (auto-sync is \(autoSyncOn ? "on" : "off")); nothing changed"
        }
    }
}

/// A paused Application as `syncgate status` shows it.
public struct PausedApplication: Sendable {
    public var namespace: String
    public var name: String
    public var record: PauseRecord
    /// Someone turned auto-sync back on while the record stayed (e.g. an ApplicationSet reverted the pause).
    public var autoSyncOn: Bool

    public func age(now: Date) -> TimeInterval? { record.pausedAt.map { now.timeIntervalSince($0) } }
}

/// Turns Argo CD auto-sync off and back on, safely: reads the installed CRD to pick the method, records the
/// previous policy, reason and time on the Application, patches with `test` preconditions only (a concurrent
/// change is never overwritten: SyncGate re-reads and decides again, a bounded number of times), and detects
/// ApplicationSets that would revert the change. The rollout engine and the `pause`/`resume`/`status` commands
/// call this.
public struct AutoSyncControl: Sendable {
    public let client: KubeClient
    public var now: @Sendable () -> Date
    public var maxAttempts: Int

    public init(client: KubeClient, now: @escaping @Sendable () -> Date = { Date() }, maxAttempts: Int = 5) {
        self.client = client
        self.now = now
        self.maxAttempts = maxAttempts
    }

    /// Reads the Application CRD once; pass the result to several pause calls.
    public func features() async -> ApplicationCRDFeatures { await ApplicationCRDFeatures.load(client) }

    /// Pauses auto-sync on one Application. Throws `AutoSyncError.ownedByApplicationSet` when an ApplicationSet
    /// would revert it (unless `allowApplicationSet`).
    public func pause(_ name: String, namespace: String = "argocd", reason: String,
                      features: ApplicationCRDFeatures? = nil, allowApplicationSet: Bool = false) async throws -> PauseOutcome {
        let features = if let features { features } else { await self.features() }
        let mode = PauseMode(features)
        let label = "\(namespace)/\(name)"
        var warnings: [String] = []
        if !features.hasAutomatedEnabled && !features.source.contains("has no") { warnings.append(features.source) }
        for attempt in 1...maxAttempts {
            let app = try await client.get(.applications, namespace: namespace, name: name)
            let ownership = try await applicationSet(of: app, namespace: namespace)
            let decision = try AutoSyncRules.planPause(app, reason: reason, now: now(), mode: mode)
            switch decision {
            case .alreadyPaused(let rec):
                return PauseOutcome(application: label, result: .alreadyPaused, mode: mode, record: rec, applicationSet: ownership, warnings: warnings)
            case .notAutomated:
                return PauseOutcome(application: label, result: .notAutomated, mode: mode, record: nil, applicationSet: ownership, warnings: warnings)
            case .patch(let ops, let repause):
                if let ownership, ownership.ignoresSyncPolicy != true {
                    if !allowApplicationSet { throw AutoSyncError.ownedByApplicationSet(app: label, ownership: ownership) }
                    warnings.append(ownership.remedy(app: label))
                }
                do {
                    let patched = try await client.jsonPatch(.applications, namespace: namespace, name: name, ops)
                    return PauseOutcome(application: label, result: repause ? .repaused : .paused, mode: mode,
                                        record: try AutoSyncRules.record(of: patched), applicationSet: ownership, warnings: warnings)
                } catch let e as KubeError where e.isPreconditionFailure && attempt < maxAttempts {
                    continue  // changed since read: read again and decide again
                } catch let e as KubeError where e.isPreconditionFailure {
                    throw AutoSyncError.keptChanging(app: label, attempts: attempt)
                }
            }
        }
        throw AutoSyncError.keptChanging(app: label, attempts: maxAttempts)
    }

    /// Restores the recorded policy exactly and removes the record. Throws `AutoSyncError.policyChanged` when
    /// the policy is not what the pause left (unless `force`).
    public func resume(_ name: String, namespace: String = "argocd", force: Bool = false) async throws -> ResumeOutcome {
        let label = "\(namespace)/\(name)"
        for attempt in 1...maxAttempts {
            let app = try await client.get(.applications, namespace: namespace, name: name)
            switch try AutoSyncRules.planResume(app, force: force) {
            case .notPaused(let on):
                return ResumeOutcome(application: label, result: .notPaused, restoredPolicy: nil, autoSyncOn: on)
            case .policyChanged(let rec, let expected, let actual):
                throw AutoSyncError.policyChanged(app: label, expected: expected, actual: actual, record: rec)
            case .patch(let ops, let rec):
                let wasChanged = (try? AutoSyncRules.planResume(app, force: false)).map { if case .policyChanged = $0 { true } else { false } } ?? false
                do {
                    let patched = try await client.jsonPatch(.applications, namespace: namespace, name: name, ops)
                    return ResumeOutcome(application: label, result: wasChanged ? .forced : .resumed, restoredPolicy: rec.previousPolicy,
                                         autoSyncOn: AutoSyncRules.isAutoSyncOn(patched[path: "spec", "syncPolicy"]))
                } catch let e as KubeError where e.isPreconditionFailure && attempt < maxAttempts {
                    continue
                } catch let e as KubeError where e.isPreconditionFailure {
                    throw AutoSyncError.keptChanging(app: label, attempts: attempt)
                }
            }
        }
        throw AutoSyncError.keptChanging(app: label, attempts: maxAttempts)
    }

    /// Applications SyncGate paused (`namespace: nil` = all namespaces).
    public func paused(namespace: String?) async throws -> [PausedApplication] {
        let list = try await client.list(.applications, namespace: namespace)
        var out: [PausedApplication] = []
        for app in list.items {
            guard let rec = try? AutoSyncRules.record(of: app) else { continue }
            out.append(PausedApplication(namespace: app[path: "metadata", "namespace"]?.string ?? "",
                                         name: app[path: "metadata", "name"]?.string ?? "", record: rec,
                                         autoSyncOn: AutoSyncRules.isAutoSyncOn(app[path: "spec", "syncPolicy"])))
        }
        return out.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    /// The owning ApplicationSet and whether it would revert a sync-policy change; nil when not owned.
    public func applicationSet(of app: Value, namespace: String) async throws -> ApplicationSetOwnership? {
        guard let owner = ApplicationSetOwnership.owner(of: app) else { return nil }
        let appName = app[path: "metadata", "name"]?.string ?? ""
        do {
            let set = try await client.get(.applicationSets, namespace: namespace, name: owner)
            let (ignores, why) = ApplicationSetOwnership.analyze(appSet: set, appName: appName)
            return ApplicationSetOwnership(name: owner, namespace: namespace, ignoresSyncPolicy: ignores, explanation: why)
        } catch KubeError.notFound {
            return ApplicationSetOwnership(name: owner, namespace: namespace, ignoresSyncPolicy: true,
                                           explanation: "the owning ApplicationSet no longer exists")
        } catch let KubeError.forbidden(s) {
            return ApplicationSetOwnership(name: owner, namespace: namespace, ignoresSyncPolicy: nil,
                                           explanation: "cannot read it (\(s.message)); grant get on applicationsets.argoproj.io to check whether it reverts /spec/syncPolicy")
        }
    }
}
