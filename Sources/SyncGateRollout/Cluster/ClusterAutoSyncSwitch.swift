import Foundation
import SyncGateCore
import SyncGateKube

/// `AutoSyncSwitch` over any `RolloutCluster` with merge patches, recording the same annotations as
/// `SyncGateKube.AutoSyncControl` (previous policy, reason, time). Used with `MemoryCluster` (tests, the offline
/// demo). Against a real API server use `KubeAutoSyncSwitch`, which reads the CRD and guards its patches.
public struct ClusterAutoSyncSwitch: AutoSyncSwitch {
    public let cluster: any RolloutCluster
    public let clock: any RolloutClock
    public init(cluster: any RolloutCluster, clock: any RolloutClock) {
        self.cluster = cluster
        self.clock = clock
    }

    public func pause(_ app: ApplicationIdentity, reason: String) async throws -> String {
        guard let live = try await cluster.get(.applications, namespace: app.namespace, name: app.name) else {
            throw KubeError.notFound(KubeStatus(code: 404, reason: "NotFound", message: "Application \(app.id) not found"))
        }
        let policy = live[path: "spec", "syncPolicy"]
        if live[path: "metadata", "annotations", AutoSyncAnnotation.reason] != nil, !AutoSyncRules.isAutoSyncOn(policy) {
            return "already paused"
        }
        guard AutoSyncRules.isAutoSyncOn(policy) else { return "auto-sync was not on (nothing to pause)" }
        var newPolicy = policy?.object ?? Object()
        newPolicy["automated"] = nil
        var o = live.object!
        var spec = o["spec"]?.object ?? Object()
        spec["syncPolicy"] = .object(newPolicy)
        o["spec"] = .object(spec)
        var meta = o["metadata"]?.object ?? Object()
        var ann = meta["annotations"]?.object ?? Object()
        ann[AutoSyncAnnotation.previousPolicy] = .string(JSONWriter.string(policy ?? .null))
        ann[AutoSyncAnnotation.reason] = .string(reason)
        ann[AutoSyncAnnotation.pausedAt] = .string(RFC3339.format(clock.now))
        meta["annotations"] = .object(ann)
        o["metadata"] = .object(meta)
        _ = try await cluster.update(.applications, namespace: app.namespace, .object(o))
        return "paused"
    }

    public func resume(_ app: ApplicationIdentity) async throws -> String {
        guard let live = try await cluster.get(.applications, namespace: app.namespace, name: app.name) else {
            throw KubeError.notFound(KubeStatus(code: 404, reason: "NotFound", message: "Application \(app.id) not found"))
        }
        guard let text = live[path: "metadata", "annotations", AutoSyncAnnotation.previousPolicy]?.scalarText else { return "not paused by SyncGate" }
        let previous = (try? YAMLDecoder.decodeOne(Array(text.utf8))) ?? .null
        var o = live.object!
        var spec = o["spec"]?.object ?? Object()
        spec["syncPolicy"] = previous.isNull ? nil : previous
        o["spec"] = .object(spec)
        var meta = o["metadata"]?.object ?? Object()
        var ann = meta["annotations"]?.object ?? Object()
        for k in AutoSyncAnnotation.all { ann[k] = nil }
        meta["annotations"] = .object(ann)
        o["metadata"] = .object(meta)
        _ = try await cluster.update(.applications, namespace: app.namespace, .object(o))
        return "resumed"
    }
}
