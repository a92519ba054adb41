/// SG110: two Certificates of the same CA requesting the exact same set of DNS names count against the
/// duplicate-certificate limit (Let's Encrypt: 5 per week) and usually mean two owners of one Secret.
public enum DuplicateCertificateRule: StaticRule {
    public static let rule = RuleCatalog.duplicateCertificate

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var groups: [String: [Certificate]] = [:]
        var order: [String] = []
        for c in inv.certificates where !c.dnsNames.isEmpty {
            guard let issuer = inv.issuer(for: c.issuerRef), let server = issuer.acmeServer else { continue }
            let names = Set(c.dnsNames.map(HostMatch.lowercased)).sorted().joined(separator: ",")
            let key = server + " " + names
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(c)
        }
        var out: [Finding] = []
        for key in order {
            let certs = groups[key]!
            guard certs.count > 1 else { continue }
            let first = certs[0]
            for c in certs.dropFirst() {
                out.append(Finding(rule,
                    message: "\(c.displayName) requests exactly the names of \(first.displayName) (\(c.dnsNames.joined(separator: ", "))) from the same CA; duplicate certificates are rate-limited",
                    object: c.displayName, location: c.location, application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
            }
        }
        return out
    }
}
