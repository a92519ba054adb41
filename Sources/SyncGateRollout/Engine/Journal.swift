import Foundation
import SyncGateCore
import SyncGateKube

/// Progress of one rollout, kept on the cluster in a ConfigMap (`syncgate-rollout-NAME`), so a run killed at any
/// point is resumed (or cleanly reported) by the next one.
public struct JournalState: Sendable, Equatable {
    public enum Status: String, Sendable { case running, blocked, failed, timedOut = "timed-out", succeeded, waitingForPromotion = "waiting-for-promotion" }
    public var rollout: String
    public var runID: String
    public var status: Status
    public var startedAt: String
    public var updatedAt: String
    /// Step id -> when it finished.
    public var done: [String: String]
    /// Stages released by `syncgate promote`.
    public var promoted: [String]
    /// Stages verified.
    public var verified: [String]
    public var lastStep: String?
    public var failure: String?

    public init(rollout: String, runID: String, status: Status = .running, startedAt: String, updatedAt: String? = nil,
                done: [String: String] = [:], promoted: [String] = [], verified: [String] = [], lastStep: String? = nil, failure: String? = nil) {
        self.rollout = rollout
        self.runID = runID
        self.status = status
        self.startedAt = startedAt
        self.updatedAt = updatedAt ?? startedAt
        self.done = done
        self.promoted = promoted
        self.verified = verified
        self.lastStep = lastStep
        self.failure = failure
    }

    public var value: Value {
        var o = Object()
        o["rollout"] = .string(rollout)
        o["runID"] = .string(runID)
        o["status"] = .string(status.rawValue)
        o["startedAt"] = .string(startedAt)
        o["updatedAt"] = .string(updatedAt)
        var d = Object()
        for k in done.keys.sorted() { d[k] = .string(done[k]!) }
        o["done"] = .object(d)
        o["promoted"] = .array(promoted.map(Value.string))
        o["verified"] = .array(verified.map(Value.string))
        if let lastStep { o["lastStep"] = .string(lastStep) }
        if let failure { o["failure"] = .string(failure) }
        return .object(o)
    }

    public init?(_ v: Value) {
        guard let rollout = v["rollout"]?.string, let run = v["runID"]?.string else { return nil }
        self.rollout = rollout
        self.runID = run
        self.status = v["status"]?.string.flatMap(Status.init(rawValue:)) ?? .running
        self.startedAt = v["startedAt"]?.string ?? ""
        self.updatedAt = v["updatedAt"]?.string ?? ""
        var done: [String: String] = [:]
        for (k, t) in v["done"]?.object?.pairs.map({ ($0, $1) }) ?? [] { done[k] = t.scalarText ?? "" }
        self.done = done
        self.promoted = v["promoted"]?.elements.compactMap(\.string) ?? []
        self.verified = v["verified"]?.elements.compactMap(\.string) ?? []
        self.lastStep = v["lastStep"]?.string
        self.failure = v["failure"]?.string
    }
}

/// Reads and writes the journal ConfigMap with optimistic concurrency (resourceVersion); a conflict re-reads and
/// re-applies the change.
public actor ClusterJournal {
    public let cluster: any RolloutCluster
    public let namespace: String
    public let rollout: String
    public private(set) var state: JournalState?
    /// The state found when the run began (the previous run's), for the report.
    public private(set) var previous: JournalState?
    private var resourceVersion: String?

    public init(cluster: any RolloutCluster, namespace: String, rollout: String) {
        self.cluster = cluster
        self.namespace = namespace
        self.rollout = rollout
    }

    public var configMapName: String { "syncgate-rollout-\(rollout)" }

    /// Loads the journal; starts a new one when there is none or the last rollout succeeded. Returns what was found.
    @discardableResult
    public func begin(runID: String, now: Date, fresh: Bool = false) async throws -> JournalState? {
        let found = try await read()
        previous = found
        var next: JournalState
        if let found, !fresh, found.status != .succeeded {
            next = found
            next.runID = runID
            next.status = .running
            next.failure = nil
        } else {
            next = JournalState(rollout: rollout, runID: runID, startedAt: RFC3339.format(now))
            if let found, !fresh { next.promoted = []; _ = found }
        }
        next.updatedAt = RFC3339.format(now)
        try await write(next)
        return found
    }

    public func isDone(_ step: Step) -> Bool { state?.done[step.id] != nil }

    public func markDone(_ step: Step, now: Date) async throws {
        try await mutate(now: now) { s in
            s.done[step.id] = RFC3339.format(now)
            s.lastStep = step.id
        }
    }

    public func finish(_ status: JournalState.Status, failure: String?, now: Date) async throws {
        try await mutate(now: now) { s in
            s.status = status
            s.failure = failure
        }
    }

    public func markVerified(stage: String, now: Date) async throws {
        try await mutate(now: now) { s in if !s.verified.contains(stage) { s.verified.append(stage) } }
    }

    public func promote(stage: String, now: Date) async throws {
        if state == nil {
            if let found = try await read() { state = found } else {
                state = JournalState(rollout: rollout, runID: "promote", status: .waitingForPromotion, startedAt: RFC3339.format(now))
            }
        }
        try await mutate(now: now) { s in if !s.promoted.contains(stage) { s.promoted.append(stage) } }
    }

    public func isPromoted(_ stage: String) -> Bool { state?.promoted.contains(stage) ?? false }

    public func read() async throws -> JournalState? {
        guard let cm = try await cluster.get(.configMaps, namespace: namespace, name: configMapName) else {
            resourceVersion = nil
            return nil
        }
        resourceVersion = cm[path: "metadata", "resourceVersion"]?.scalarText
        guard let text = cm[path: "data", "journal.json"]?.string,
              let v = try? YAMLDecoder.decodeOne(Array(text.utf8), file: configMapName) else { return nil }
        return JournalState(v)
    }

    private func mutate(now: Date, _ change: (inout JournalState) -> Void) async throws {
        guard var s = state else { throw RolloutError.internalError("journal \(configMapName) written before it was begun") }
        change(&s)
        s.updatedAt = RFC3339.format(now)
        for attempt in 1...5 {
            do {
                try await write(s)
                return
            } catch let e as KubeError where e.isPreconditionFailure && attempt < 5 {
                // Someone (a `promote`) changed it: re-read, keep their promotions, re-apply ours.
                if let theirs = try await read() {
                    var merged = s
                    merged.promoted = Array(Set(theirs.promoted).union(s.promoted)).sorted()
                    s = merged
                }
            }
        }
    }

    private func write(_ s: JournalState) async throws {
        var data = Object()
        data["journal.json"] = .string(JSONWriter.string(s.value, pretty: true))
        var meta = Object()
        meta["name"] = .string(configMapName)
        meta["namespace"] = .string(namespace)
        meta["labels"] = .object(["app.kubernetes.io/managed-by": .string("syncgate"), "syncgate.dev/rollout": .string(rollout)])
        var cm = Object()
        cm["apiVersion"] = .string("v1")
        cm["kind"] = .string("ConfigMap")
        if let resourceVersion {
            meta["resourceVersion"] = .string(resourceVersion)
            cm["metadata"] = .object(meta)
            cm["data"] = .object(data)
            let updated = try await cluster.update(.configMaps, namespace: namespace, .object(cm))
            self.resourceVersion = updated[path: "metadata", "resourceVersion"]?.scalarText
        } else {
            cm["metadata"] = .object(meta)
            cm["data"] = .object(data)
            do {
                let created = try await cluster.create(.configMaps, namespace: namespace, .object(cm))
                self.resourceVersion = created[path: "metadata", "resourceVersion"]?.scalarText
            } catch let e as KubeError where e.isAlreadyExists {
                _ = try await read()
                throw KubeError.conflict(KubeStatus(code: 409, reason: "Conflict", message: "journal created concurrently"))
            }
        }
        state = s
    }
}
