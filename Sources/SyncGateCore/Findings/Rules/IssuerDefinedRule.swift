/// SG106: a Certificate (declared or implied) whose cert-manager issuer is not defined in the repository.
public enum IssuerDefinedRule: StaticRule {
    public static let rule = RuleCatalog.issuerUndefined

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var out: [Finding] = []
        for c in inv.certificates where c.issuerRef.isCertManager {
            if c.issuerRef.name.isEmpty {
                out.append(Finding(rule, message: "\(c.displayName) has no issuerRef.name", object: c.displayName,
                                   location: c.location, application: c.application, severity: .error, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
                continue
            }
            guard inv.issuer(for: c.issuerRef) == nil else { continue }
            let what = c.issuerRef.kind == "ClusterIssuer" ? "ClusterIssuer \(c.issuerRef.name)" : "\(c.issuerRef.kind) \(c.namespace)/\(c.issuerRef.name)"
            var hint = ""
            if c.issuerRef.kind != "ClusterIssuer", inv.issuers.contains(where: { $0.isCluster && $0.name == c.issuerRef.name }) {
                hint = " (a ClusterIssuer of that name exists: set issuerRef.kind: ClusterIssuer)"
            }
            out.append(Finding(rule,
                message: "\(c.displayName) is issued by \(what), which is not defined in the repository\(hint)",
                object: c.displayName, location: c.manifest.location(of: c.manifest.value[path: "spec", "issuerRef"]),
                application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
        }
        return out
    }
}
