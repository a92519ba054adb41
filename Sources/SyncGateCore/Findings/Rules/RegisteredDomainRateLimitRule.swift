/// SG111: more Certificates for one registered domain than the CA's weekly limit (Let's Encrypt production:
/// 50 per registered domain per week). Staging and non-Let's-Encrypt CAs are not counted.
public enum RegisteredDomainRateLimitRule: StaticRule {
    public static let rule = RuleCatalog.rateLimit

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        let limit = input.policy.certificatesPerRegisteredDomainPerWeek
        var counts: [String: [Certificate]] = [:]
        for c in inv.certificates {
            guard let issuer = inv.issuer(for: c.issuerRef), issuer.isLetsEncrypt, !issuer.isStaging else { continue }
            for domain in Set(c.dnsNames.map(PublicSuffix.registeredDomain)) { counts[domain, default: []].append(c) }
        }
        var out: [Finding] = []
        for domain in counts.keys.sorted() {
            let certs = counts[domain]!
            guard certs.count > limit else { continue }
            let over = certs[limit]
            out.append(Finding(rule,
                message: "\(certs.count) Certificates from Let's Encrypt production cover registered domain \(domain); the CA allows \(limit) per registered domain per week, so \(certs.count - limit) would fail (first over the limit: \(over.displayName))",
                object: "registered domain \(domain)", location: over.location, application: over.application))
        }
        return out
    }
}
