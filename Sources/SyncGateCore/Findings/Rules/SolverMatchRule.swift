/// SG116: an ACME issuer none of whose solvers matches one of a Certificate's DNS names.
public enum SolverMatchRule: StaticRule {
    public static let rule = RuleCatalog.issuerMissingSolver

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var out: [Finding] = []
        for c in inv.certificates {
            guard let issuer = inv.issuer(for: c.issuerRef), issuer.isACME else { continue }
            for name in c.dnsNames where issuer.solver(for: name) == nil {
                out.append(Finding(rule,
                    message: "\(c.displayName): no solver of \(issuer.manifest.displayName) matches \(name); cert-manager cannot create a challenge for it",
                    object: c.displayName, location: c.location, application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
            }
        }
        return out
    }
}
