import Foundation
import SyncGateCore

/// What every controller gets: the store, the options and the live knobs. No global state.
struct ControllerContext: Sendable {
    let store: ObjectStore
    let options: KubeSimOptions
    let ca: LocalCA
    let certManager: Locked<CertManagerOptions>
    let blastRadius: Locked<BlastRadius>

    func type(_ group: String, _ plural: String) -> ResourceType { store.catalog[ResourceKey(group: group, plural: plural)]! }

    static let gatewayGroup = "gateway.networking.k8s.io"
    static let certGroup = "cert-manager.io"
    static let acmeGroup = "acme.cert-manager.io"
    static let argoGroup = "argoproj.io"
}

/// Kubernetes-style conditions on a status.
enum Conditions {
    /// Sets a condition, keeping lastTransitionTime when the status did not change.
    static func set(_ list: [Value], type: String, status: String, reason: String, message: String, now: Date, observedGeneration: Int? = nil) -> [Value] {
        var out = list
        let previous = out.firstIndex { $0["type"]?.string == type }
        var transition = KubeTime.format(now)
        if let previous, out[previous]["status"]?.string == status, let t = out[previous]["lastTransitionTime"]?.string { transition = t }
        var pairs: [(String, Value)] = [("type", .string(type)), ("status", .string(status))]
        if let observedGeneration { pairs.append(("observedGeneration", .int(observedGeneration))) }
        pairs += [("lastTransitionTime", .string(transition)), ("reason", .string(reason)), ("message", .string(message))]
        let c = Value.obj(pairs)
        if let previous { out[previous] = c } else { out.append(c) }
        return out
    }

    static func status(_ list: [Value]?, _ type: String) -> String? {
        list?.first { $0["type"]?.string == type }?["status"]?.string
    }

    static func find(_ list: [Value]?, _ type: String) -> Value? { list?.first { $0["type"]?.string == type } }
}
