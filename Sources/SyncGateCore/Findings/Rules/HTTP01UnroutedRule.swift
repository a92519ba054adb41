/// SG103: an HTTP-01 Certificate for a hostname that no Gateway listener, HTTPRoute or Ingress in the repo routes:
/// the ACME server's request for the challenge token has nowhere to go, and cert-manager retries for hours.
public enum HTTP01UnroutedRule: StaticRule {
    public static let rule = RuleCatalog.http01Unrouted

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        let routed = inv.routedHosts()
        var out: [Finding] = []
        for c in inv.certificates {
            guard let issuer = inv.issuer(for: c.issuerRef), issuer.isACME else { continue }
            for name in c.dnsNames {
                guard let solver = issuer.solver(for: name), solver.isHTTP01 else { continue }
                let host = HostMatch.lowercased(name)
                if host.hasPrefix("*.") {
                    out.append(Finding(rule,
                        message: "\(c.displayName) asks for wildcard \(name) with an HTTP-01 solver of \(c.issuerRef.kind) \(c.issuerRef.name); ACME only validates wildcards with DNS-01",
                        object: c.displayName, location: c.location,
                        remedy: "Use a DNS-01 solver (selector.dnsZones) for the wildcard name.", application: c.application, severity: .error, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
                    continue
                }
                if routed.exact.contains(host) || routed.patterns.contains(where: { HostMatch.matches(pattern: $0, host: host) }) { continue }
                out.append(Finding(rule,
                    message: "\(c.displayName) validates \(name) over HTTP-01, but no Gateway listener, HTTPRoute or Ingress in the repository routes \(name); the challenge cannot be answered and cert-manager will retry (and leak solver routes)",
                    object: c.displayName, location: c.location, application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
            }
        }
        return out
    }
}
