import SyncGateCore

/// Per Gateway: Programmed; per listener: Programmed, ResolvedRefs and Accepted with their reasons.
struct GatewayFamilies {
    static let listenerConditions = ["Accepted", "Programmed", "ResolvedRefs"]

    let observation: ClusterObservation

    func families() -> [MetricFamily] {
        var programmed = MetricFamily(MetricCatalog.gatewayProgrammed)
        var listeners = MetricFamily(MetricCatalog.gatewayListenerCondition)
        for gateway in observation.gateways.sorted(by: { ($0.namespaceName, $0.objectName) < ($1.namespaceName, $1.objectName) }) {
            let base = [Label("namespace", gateway.namespaceName), Label("gateway", gateway.objectName)]
            programmed.samples.append(Sample(base, gateway.condition("Programmed") == true ? 1 : 0))
            for listener in (gateway[path: "status", "listeners"]?.elements ?? []).sorted(by: { ($0["name"]?.string ?? "") < ($1["name"]?.string ?? "") }) {
                let name = listener["name"]?.string ?? ""
                let conditions = listener["conditions"]?.elements ?? []
                for type in Self.listenerConditions {
                    guard let c = conditions.first(where: { $0["type"]?.string == type }) else { continue }
                    listeners.samples.append(Sample(base + [Label("listener", name), Label("condition", type), Label("reason", c["reason"]?.string ?? "")],
                                                    c["status"]?.string == "True" ? 1 : 0))
                }
            }
        }
        return [programmed, listeners]
    }
}
