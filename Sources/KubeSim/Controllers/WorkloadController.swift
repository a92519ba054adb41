import Foundation
import SyncGateCore

/// Deployments, StatefulSets and DaemonSets become ready at once when every container image is pullable
/// (`KubeSimOptions.imageAvailable`); otherwise they stay unavailable with ImagePullBackOff — seed 000's
/// backend whose image had not been pushed yet.
final class WorkloadController: Controller, @unchecked Sendable {
    let kind = ControllerKind.workloads
    let ctx: ControllerContext
    private let seen = Locked<[ResourceKey: Int]>([:])

    init(_ ctx: ControllerContext) { self.ctx = ctx }

    static let keys = [ResourceKey(group: "apps", plural: "deployments"), ResourceKey(group: "apps", plural: "statefulsets"),
                       ResourceKey(group: "apps", plural: "daemonsets")]

    func reconcile(now: Date) -> Date? {
        for key in Self.keys {
            let last = ctx.store.lastChange(key)
            if seen.value[key] == last { continue }
            for w in ctx.store.list(key) { reconcile(w, key: key, now: now) }
            seen.withLock { $0[key] = ctx.store.lastChange(key) }
        }
        return nil
    }

    private func reconcile(_ w: Value, key: ResourceKey, now: Date) {
        let gen = w[path: "metadata", "generation"]?.int ?? 1
        let replicas = key.plural == "daemonsets" ? 1 : (w[path: "spec", "replicas"]?.int ?? 1)
        let containers = w[path: "spec", "template", "spec", "containers"]?.elements ?? []
        let missing = containers.compactMap { $0["image"]?.string }.filter { !ctx.options.imageAvailable($0) }
        let ready = missing.isEmpty ? replicas : 0
        ctx.store.mutate(key, namespace: w.metadataNamespace, name: w.metadataName, status: true) { v in
            var conds = v[path: "status", "conditions"]?.elements ?? []
            if missing.isEmpty {
                conds = Conditions.set(conds, type: "Available", status: "True", reason: "MinimumReplicasAvailable",
                                       message: "Deployment has minimum availability.", now: now)
                conds = Conditions.set(conds, type: "Progressing", status: "True", reason: "NewReplicaSetAvailable",
                                       message: "ReplicaSet \"\(w.metadataName)\" has successfully progressed.", now: now)
            } else {
                conds = Conditions.set(conds, type: "Available", status: "False", reason: "MinimumReplicasUnavailable",
                                       message: "Deployment does not have minimum availability.", now: now)
                conds = Conditions.set(conds, type: "Progressing", status: "True", reason: "ReplicaSetUpdated",
                                       message: "Pods are in ImagePullBackOff: image \(missing[0]) not found", now: now)
            }
            v.set(["status", "observedGeneration"], .int(gen))
            v.set(["status", "replicas"], .int(replicas))
            v.set(["status", "updatedReplicas"], .int(replicas))
            v.set(["status", "readyReplicas"], ready == 0 ? nil : .int(ready))
            v.set(["status", "availableReplicas"], ready == 0 ? nil : .int(ready))
            v.set(["status", "unavailableReplicas"], ready == 0 ? .int(replicas) : nil)
            v.set(["status", "conditions"], key.plural == "deployments" ? .array(conds) : nil)
        }
    }
}
