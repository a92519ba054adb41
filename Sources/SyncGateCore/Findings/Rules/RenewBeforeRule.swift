/// SG108: `renewBefore` shorter than a third of `duration`, or no `renewBefore` with a duration under 30 days
/// (too little time to notice and fix a failing renewal, seed 001).
public enum RenewBeforeRule: StaticRule {
    public static let rule = RuleCatalog.renewBeforeShort
    static let thirtyDays = 30.0 * 24 * 3600

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        var out: [Finding] = []
        for c in input.inventory.certificates {
            let duration = c.durationSeconds
            if let text = c.renewBeforeText {
                guard let renew = GoDuration.seconds(text) else {
                    out.append(Finding(rule, message: "\(c.displayName) has renewBefore '\(text)', which is not a duration",
                                       object: c.displayName, location: c.location, application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
                    continue
                }
                let d = duration ?? 90 * 24 * 3600
                if renew >= d {
                    out.append(Finding(rule,
                        message: "\(c.displayName) has renewBefore \(text) >= duration \(c.durationText ?? "2160h (default)"); cert-manager rejects or renews continuously",
                        object: c.displayName, location: c.location, application: c.application, severity: .error, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
                } else if renew < d / 3 {
                    out.append(Finding(rule,
                        message: "\(c.displayName) renews \(text) before expiry, less than a third of its duration \(c.durationText ?? "2160h (default)"); a failing renewal leaves too little time to fix",
                        object: c.displayName, location: c.location, application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
                }
            } else if let duration, duration < thirtyDays {
                out.append(Finding(rule,
                    message: "\(c.displayName) has duration \(c.durationText ?? "") (under 30 days) and no renewBefore",
                    object: c.displayName, location: c.location,
                    remedy: "Set renewBefore explicitly to at least a third of duration, and alert on renewals that do not progress.",
                    application: c.application, node: NodeID.certificate(namespace: c.namespace, name: c.name)))
            }
        }
        return out
    }
}
