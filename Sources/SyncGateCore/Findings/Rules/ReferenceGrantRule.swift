/// SG107: a listener certificateRef to a Secret in another namespace without a ReferenceGrant there allowing
/// Gateways of the listener's namespace: the reference does not resolve (ResolvedRefs=False).
public enum ReferenceGrantRule: StaticRule {
    public static let rule = RuleCatalog.referenceGrantMissing

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var out: [Finding] = []
        for (i, gw) in inv.gateways.enumerated() {
            for l in inv.listeners(ofGatewayAt: i) {
                for ref in l.certificateRefs where ref.kind == "Secret" && ref.isCrossNamespace {
                    let allowed = inv.grants(in: ref.namespace).contains { $0.allowsGateway(in: gw.namespace, toSecret: ref.name) }
                    if allowed { continue }
                    out.append(Finding(rule,
                        message: "listener \(l.name) of Gateway \(gw.key) references Secret \(ref.key) in another namespace, and no ReferenceGrant in \(ref.namespace) allows Gateways from \(gw.namespace); the listener's refs will not resolve",
                        object: "Gateway \(gw.key) listener \(l.name)", location: gw.manifest.location(of: ref.value),
                        remedy: "Add a ReferenceGrant in namespace \(ref.namespace): from {group: gateway.networking.k8s.io, kind: Gateway, namespace: \(gw.namespace)}, to {group: \"\", kind: Secret}.",
                        application: gw.manifest.application, node: l.nodeID))
                }
            }
        }
        return out
    }
}
