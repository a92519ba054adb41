import Foundation
import SyncGateCore

/// The annotations SyncGate keeps on a paused Application.
public enum AutoSyncAnnotation {
    /// JSON of `spec.syncPolicy` as it was before the first pause (`null` when there was none).
    public static let previousPolicy = "syncgate.dev/paused-sync-policy"
    public static let reason = "syncgate.dev/paused-reason"
    /// RFC 3339.
    public static let pausedAt = "syncgate.dev/paused-at"
    public static let all = [previousPolicy, reason, pausedAt]
}

/// How auto-sync is turned off.
public enum PauseMode: String, Sendable, Equatable {
    /// `spec.syncPolicy.automated.enabled: false` (Argo CD v3.1+ CRDs have the field).
    case disableField = "automated.enabled=false"
    /// Remove `spec.syncPolicy.automated` (older CRDs would silently drop an unknown `enabled`).
    case removeAutomated = "remove automated"

    public init(_ features: ApplicationCRDFeatures) {
        self = features.hasAutomatedEnabled ? .disableField : .removeAutomated
    }
}

/// What a paused Application carries.
public struct PauseRecord: Sendable, Equatable {
    /// `spec.syncPolicy` before the pause (`.null` when absent).
    public var previousPolicy: Value
    public var reason: String
    public var pausedAt: Date?
    public var pausedAtText: String
}

public enum PauseDecision: Sendable, Equatable {
    /// SyncGate paused it before and auto-sync is still off: nothing to do (the first record is kept).
    case alreadyPaused(PauseRecord)
    /// Auto-sync is off and SyncGate did not turn it off: nothing to pause or record.
    case notAutomated
    /// Send this guarded patch. `repause`: SyncGate's record exists but auto-sync was turned back on by someone
    /// else (an ApplicationSet, a person); the first record is kept and only auto-sync is turned off again.
    case patch([JSONPatchOperation], repause: Bool)
}

public enum ResumeDecision: Sendable, Equatable {
    /// No SyncGate record. `autoSyncOn` tells whether auto-sync is on anyway.
    case notPaused(autoSyncOn: Bool)
    /// The policy is no longer what SyncGate left: someone changed it while paused. Refused without --force.
    case policyChanged(record: PauseRecord, expected: Value, actual: Value)
    /// Restore with this guarded patch (removing the record).
    case patch([JSONPatchOperation], record: PauseRecord)
}

/// Pure decisions over an Application `Value`: what pause and resume must change, as guarded JSON patches.
public enum AutoSyncRules {
    /// Auto-sync is on when `spec.syncPolicy.automated` is an object and `enabled` is not false.
    public static func isAutoSyncOn(_ policy: Value?) -> Bool {
        guard let automated = policy?["automated"], automated.object != nil else { return false }
        return automated["enabled"]?.bool ?? true
    }

    /// The policy as a pause in `mode` leaves it.
    public static func pausedPolicy(from policy: Value, mode: PauseMode) -> Value {
        guard var o = policy.object, var automated = o["automated"]?.object else { return policy }
        switch mode {
        case .disableField:
            automated["enabled"] = .bool(false)
            o["automated"] = .object(automated)
        case .removeAutomated:
            o["automated"] = nil
        }
        return .object(o)
    }

    /// Reads SyncGate's record; nil when there is none; throws when it is damaged.
    public static func record(of app: Value) throws -> PauseRecord? {
        let annotations = app[path: "metadata", "annotations"]
        guard let raw = annotations?[AutoSyncAnnotation.previousPolicy]?.string else { return nil }
        let previous: Value
        do { previous = try YAMLDecoder.decodeOne(Array(raw.utf8), file: AutoSyncAnnotation.previousPolicy) } catch {
            throw AutoSyncError.damagedRecord(app: name(app), message: "annotation \(AutoSyncAnnotation.previousPolicy) is not JSON (\(error))")
        }
        let at = annotations?[AutoSyncAnnotation.pausedAt]?.string ?? ""
        return PauseRecord(previousPolicy: previous, reason: annotations?[AutoSyncAnnotation.reason]?.string ?? "",
                           pausedAt: RFC3339.parse(at), pausedAtText: at)
    }

    public static func planPause(_ app: Value, reason: String, now: Date, mode: PauseMode) throws -> PauseDecision {
        let policy = app[path: "spec", "syncPolicy"]
        let on = isAutoSyncOn(policy)
        let existing = try record(of: app)
        if let existing, !on { return .alreadyPaused(existing) }
        if existing == nil && !on { return .notAutomated }

        var ops = guards(app)
        let current = policy ?? .null
        if existing == nil {
            let annotations: [(String, Value)] = [
                (AutoSyncAnnotation.previousPolicy, .string(JSONWriter.string(current))),
                (AutoSyncAnnotation.reason, .string(reason)),
                (AutoSyncAnnotation.pausedAt, .string(RFC3339.format(now))),
            ]
            if app[path: "metadata", "annotations"]?.object == nil {
                var o = Object()
                for (k, v) in annotations { o[k] = v }
                ops.append(.add("/metadata/annotations", .object(o)))
            } else {
                for (k, v) in annotations { ops.append(.add(JSONPointer.path("metadata", "annotations", k), v)) }
            }
        }
        switch mode {
        case .disableField: ops.append(.add("/spec/syncPolicy/automated/enabled", .bool(false)))
        case .removeAutomated: ops.append(.remove("/spec/syncPolicy/automated"))
        }
        return .patch(ops, repause: existing != nil)
    }

    public static func planResume(_ app: Value, force: Bool) throws -> ResumeDecision {
        let policy = app[path: "spec", "syncPolicy"]
        guard let rec = try record(of: app) else { return .notPaused(autoSyncOn: isAutoSyncOn(policy)) }
        let actual = policy ?? .null
        let candidates = [pausedPolicy(from: rec.previousPolicy, mode: .disableField),
                          pausedPolicy(from: rec.previousPolicy, mode: .removeAutomated),
                          rec.previousPolicy]
        let unchanged = candidates.contains { sameDocument($0, actual) }
        if !unchanged && !force {
            // Show what the pause left in the flavour this cluster uses (an `enabled` key means v3.1+).
            let mode: PauseMode = actual["automated"]?["enabled"] != nil ? .disableField : .removeAutomated
            return .policyChanged(record: rec, expected: pausedPolicy(from: rec.previousPolicy, mode: mode), actual: actual)
        }
        var ops = guards(app)
        if rec.previousPolicy.isNull {
            if policy != nil { ops.append(.remove("/spec/syncPolicy")) }
        } else {
            ops.append(.add("/spec/syncPolicy", rec.previousPolicy))
        }
        let annotations = app[path: "metadata", "annotations"]
        for key in AutoSyncAnnotation.all where annotations?[key] != nil {
            ops.append(.remove(JSONPointer.path("metadata", "annotations", key)))
        }
        return .patch(ops, record: rec)
    }

    /// `test` operations naming the object as read: its resourceVersion and its sync policy.
    static func guards(_ app: Value) -> [JSONPatchOperation] {
        var ops: [JSONPatchOperation] = []
        if let rv = app[path: "metadata", "resourceVersion"]?.string { ops.append(.test("/metadata/resourceVersion", .string(rv))) }
        if let policy = app[path: "spec", "syncPolicy"] { ops.append(.test("/spec/syncPolicy", policy)) }
        return ops
    }

    /// Equal as documents, treating an absent/null policy and an empty object alike.
    static func sameDocument(_ a: Value, _ b: Value) -> Bool {
        func norm(_ v: Value) -> Value { (v.object?.isEmpty ?? false) ? .null : v }
        return norm(a) == norm(b)
    }

    static func name(_ app: Value) -> String {
        let ns = app[path: "metadata", "namespace"]?.string
        return (ns.map { "\($0)/" } ?? "") + (app[path: "metadata", "name"]?.string ?? "?")
    }
}

/// An ApplicationSet that owns an Application, and whether it would revert a change to the sync policy.
public struct ApplicationSetOwnership: Sendable, Equatable {
    public var name: String
    public var namespace: String
    /// The ApplicationSet leaves the sync policy alone (`ignoreApplicationDifferences` covers it, or it never
    /// updates Applications). Unknown (nil) when the ApplicationSet could not be read.
    public var ignoresSyncPolicy: Bool?
    /// Why (which field), for messages.
    public var explanation: String

    /// The owner reference of kind ApplicationSet, if any.
    public static func owner(of app: Value) -> String? {
        app[path: "metadata", "ownerReferences"]?.elements.first { $0["kind"]?.string == "ApplicationSet" }?["name"]?.string
    }

    /// Whether `appSet` reverts changes under `changedPath` of the Application named `appName`.
    public static func analyze(appSet: Value, appName: String, changedPath: String = "/spec/syncPolicy/automated") -> (ignores: Bool, explanation: String) {
        let sync = appSet[path: "spec", "syncPolicy", "applicationsSync"]?.string
        if sync == "create-only" || sync == "create-delete" {
            return (true, "spec.syncPolicy.applicationsSync is \(sync!): the ApplicationSet never updates its Applications")
        }
        for (i, entry) in (appSet[path: "spec", "ignoreApplicationDifferences"]?.elements ?? []).enumerated() {
            if let n = entry["name"]?.string, !n.isEmpty, n != appName { continue }
            for p in entry["jsonPointers"]?.elements.compactMap(\.string) ?? [] where covers(pointer: p, path: changedPath) {
                return (true, "spec.ignoreApplicationDifferences[\(i)].jsonPointers has \(p)")
            }
            for jq in entry["jqPathExpressions"]?.elements.compactMap(\.string) ?? [] {
                let asPointer = jq.hasPrefix(".") ? jq.replacingOccurrences(of: ".", with: "/") : jq
                if covers(pointer: asPointer, path: changedPath) {
                    return (true, "spec.ignoreApplicationDifferences[\(i)].jqPathExpressions has \(jq)")
                }
            }
        }
        return (false, "spec.ignoreApplicationDifferences does not cover /spec/syncPolicy, so the ApplicationSet controller reverts the change")
    }

    static func covers(pointer: String, path: String) -> Bool {
        let p = pointer.hasSuffix("/") ? String(pointer.dropLast()) : pointer
        return p.isEmpty || path == p || path.hasPrefix(p + "/")
    }

    /// What to tell the user when the ApplicationSet would revert the pause.
    public func remedy(app: String) -> String {
        "Application \(app) is owned by ApplicationSet \(namespace)/\(name): \(explanation). Either add "
            + "`ignoreApplicationDifferences: [{jsonPointers: [/spec/syncPolicy]}]` to the ApplicationSet's spec (then pause again), "
            + "or turn auto-sync off in its template (spec.template.spec.syncPolicy) in Git; "
            + "or pass --ignore-applicationset to patch anyway, knowing it will be reverted."
    }
}

public enum AutoSyncError: Error, Sendable, CustomStringConvertible {
    case ownedByApplicationSet(app: String, ownership: ApplicationSetOwnership)
    case policyChanged(app: String, expected: Value, actual: Value, record: PauseRecord)
    case damagedRecord(app: String, message: String)
    case keptChanging(app: String, attempts: Int)

    public var description: String {
        switch self {
        case .ownedByApplicationSet(let app, let o):
            return o.remedy(app: app)
        case .policyChanged(let app, let expected, let actual, let record):
            return "Application \(app): spec.syncPolicy changed while paused (SyncGate left \(JSONWriter.string(expected)), it is now \(JSONWriter.string(actual))). "
                + "Resume would overwrite that change with the recorded \(JSONWriter.string(record.previousPolicy)). "
                + "Check who changed it; run `syncgate resume --force` to restore the recorded policy anyway, or remove the syncgate.dev/paused-* annotations to keep the current one."
        case .damagedRecord(let app, let message):
            return "Application \(app): \(message). Fix or remove the syncgate.dev/paused-* annotations by hand."
        case .keptChanging(let app, let attempts):
            return "Application \(app) changed \(attempts) times while SyncGate was patching it (every patch was refused by its preconditions, nothing was overwritten). Run the command again."
        }
    }
}
