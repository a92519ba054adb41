/// SG113: an HTTPRoute whose parentRef names a Gateway the repo does not define, or a sectionName the Gateway
/// has no listener for (a dangling reference).
public enum RouteParentRule: StaticRule {
    public static let rule = RuleCatalog.routeParentMissing

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        guard !inv.gateways.isEmpty else { return [] }  // Gateways managed elsewhere: nothing to compare against.
        var out: [Finding] = []
        for r in inv.routes {
            let object = "\(r.manifest.kind) \(r.namespace)/\(r.name)"
            for p in r.parentRefs where p.kind == "Gateway" {
                let location = r.manifest.location(of: p.value)
                guard let gw = inv.gateway(p.gatewayKey) else {
                    out.append(Finding(rule, message: "\(object) attaches to Gateway \(p.gatewayKey), which is not defined in the repository",
                                       object: object, location: location, application: r.manifest.application))
                    continue
                }
                if let section = p.sectionName, !inv.listeners(ofGateway: gw.key).contains(where: { $0.name == section }) {
                    out.append(Finding(rule, message: "\(object) attaches to listener \(section) of Gateway \(gw.key), which has no listener of that name",
                                       object: object, location: location, application: r.manifest.application))
                }
            }
        }
        return out
    }
}
