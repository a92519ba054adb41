import SyncGateCore

/// Per rollout journal (`syncgate-rollout-NAME`, data `journal.json`): status, stages verified and promoted, and
/// the steps done per Application and gate (step ids are `stage/namespace/name/gate/object`, `-` for no Application).
struct RolloutFamilies {
    static let statuses = ["running", "blocked", "failed", "timed-out", "succeeded", "waiting-for-promotion"]

    let observation: ClusterObservation

    func families() -> [MetricFamily] {
        var status = MetricFamily(MetricCatalog.rolloutStatus)
        var updated = MetricFamily(MetricCatalog.rolloutUpdated)
        var stages = MetricFamily(MetricCatalog.rolloutStage)
        var steps = MetricFamily(MetricCatalog.rolloutStepsDone)
        for configMap in observation.rolloutJournals.sorted(by: { ($0.namespaceName, $0.objectName) < ($1.namespaceName, $1.objectName) }) {
            guard let text = configMap[path: "data", "journal.json"]?.string,
                  let journal = try? YAMLDecoder.decodeOne(Array(text.utf8), file: configMap.objectName), journal.object != nil else { continue }
            let rollout = journal["rollout"]?.string ?? String(configMap.objectName.dropFirst("syncgate-rollout-".count))
            let base = [Label("namespace", configMap.namespaceName), Label("rollout", rollout)]
            let current = journal["status"]?.string ?? ""
            for s in Set(Self.statuses + [current]).filter({ !$0.isEmpty }).sorted() {
                status.samples.append(Sample(base + [Label("status", s)], s == current ? 1 : 0))
            }
            if let at = KubeTime.parse(journal["updatedAt"]?.string) { updated.samples.append(Sample(base, at)) }
            for (state, key) in [("promoted", "promoted"), ("verified", "verified")] {
                for stage in journal[key]?.elements.compactMap(\.string).sorted() ?? [] {
                    stages.samples.append(Sample(base + [Label("stage", stage), Label("state", state)], 1))
                }
            }
            var counts: [String: [String: Int]] = [:]
            for id in journal["done"]?.object?.keys ?? [] {
                guard let (application, gate) = Self.applicationAndGate(ofStep: id) else { continue }
                counts[application, default: [:]][gate, default: 0] += 1
            }
            for application in counts.keys.sorted() {
                for gate in counts[application]!.keys.sorted() {
                    steps.samples.append(Sample(base + [Label("application", application), Label("gate", gate)], Double(counts[application]![gate]!)))
                }
            }
        }
        return [status, updated, stages, steps]
    }

    /// ("argocd/acme-pay-production", "certificate") from "canary/argocd/acme-pay-production/certificate/certificate:ns/name";
    /// stage-level steps ("canary/-/promotion/stage:canary") belong to application "-".
    static func applicationAndGate(ofStep id: String) -> (String, String)? {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 3, parts[1] == "-" { return ("-", parts[2]) }
        guard parts.count >= 4 else { return nil }
        return ("\(parts[1])/\(parts[2])", parts[3])
    }
}
