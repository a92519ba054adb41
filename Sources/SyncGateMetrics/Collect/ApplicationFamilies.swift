import Foundation
import SyncGateCore

/// Per Argo CD Application: paused by SyncGate (with the reason and since when), auto-sync, and the gate results.
struct ApplicationFamilies {
    static let pausedReason = "syncgate.dev/paused-reason"
    static let pausedAt = "syncgate.dev/paused-at"
    static let pausedPolicy = "syncgate.dev/paused-sync-policy"
    static let gateResults = "syncgate.dev/gate-results"

    let observation: ClusterObservation

    func families() -> [MetricFamily] {
        var paused = MetricFamily(MetricCatalog.applicationPaused)
        var pausedAt = MetricFamily(MetricCatalog.applicationPausedAt)
        var autoSync = MetricFamily(MetricCatalog.applicationAutoSync)
        var gates = MetricFamily(MetricCatalog.applicationGate)

        for app in observation.applications.sorted(by: { ($0.namespaceName, $0.objectName) < ($1.namespaceName, $1.objectName) }) {
            let base = [Label("namespace", app.namespaceName), Label("application", app.objectName)]
            let reason = app.annotation(Self.pausedReason)
            let isPaused = reason != nil || app.annotation(Self.pausedAt) != nil || app.annotation(Self.pausedPolicy) != nil
            paused.samples.append(Sample(base + [Label("reason", reason ?? "")], isPaused ? 1 : 0))
            if isPaused, let at = KubeTime.parse(app.annotation(Self.pausedAt)) {
                pausedAt.samples.append(Sample(base + [Label("reason", reason ?? "")], at))
            }
            autoSync.samples.append(Sample(base, Self.autoSyncEnabled(app) ? 1 : 0))
            for (gate, result) in Self.gateResults(app) {
                gates.samples.append(Sample(base + [Label("gate", gate), Label("result", result)], 1))
            }
        }
        return [paused, pausedAt, autoSync, gates]
    }

    /// `spec.syncPolicy.automated` present and (Argo CD v3.1+) not `enabled: false`.
    static func autoSyncEnabled(_ app: Value) -> Bool {
        guard let automated = app[path: "spec", "syncPolicy", "automated"], !automated.isNull else { return false }
        return automated["enabled"]?.bool ?? true
    }

    /// The annotation holds a JSON object {gate: result}; results may also be objects with a "result" field.
    static func gateResults(_ app: Value) -> [(String, String)] {
        guard let text = app.annotation(gateResults), let value = try? YAMLDecoder.decodeOne(Array(text.utf8)),
              let object = value.object else { return [] }
        return object.pairs.compactMap { gate, result in
            if let r = result.scalarText { return (gate, r) }
            if let r = result["result"]?.scalarText { return (gate, r) }
            return nil
        }.sorted { $0.0 < $1.0 }
    }
}
