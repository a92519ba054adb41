/// SG109: declared sync waves (Argo CD's order within one Application: phase, wave, kind, name) that put a
/// listener before its Secret, or a Certificate before or with the listener that serves it, or an Issuer after
/// its Certificates.
public enum DeclaredWavesRule: StaticRule {
    public static let rule = RuleCatalog.waveContradiction
    public static let readsGraph = true

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        var out: [Finding] = []
        var seen: Set<[String]> = []
        for oe in input.waves.objectEdges where oe.from.application == oe.to.application && oe.from.application != nil {
            // Only these edges order declared waves (looked at before the two entries are fetched).
            guard oe.edge.kind == .terminatesWith || oe.edge.kind == .servedBy || oe.edge.kind == .issuedBy,
                  let (a, b) = input.waves.entries(of: oe) else { continue }
            let ka = a.orderKey, kb = b.orderKey
            var severity: Severity? = nil
            var what = ""
            switch oe.edge.kind {
            case .terminatesWith:
                // The Secret (or the Certificate writing a temporary one) must be there when the listener is applied.
                let isSecret = a.kind == "Secret" || a.kind == "SealedSecret" || a.kind == "ExternalSecret"
                if kb.strictlyPrecedes(ka) {
                    severity = .error
                    what = "applies \(b.object) (wave \(b.declared)) before \(a.object) (wave \(a.declared)), which provides its TLS Secret"
                } else if isSecret ? !(ka < kb) : !ka.strictlyPrecedes(kb) {
                    // Same wave: the Secret appears moments later (a temporary certificate is written by cert-manager
                    // after the Certificate is applied), so the listener flaps briefly.
                    severity = .warning
                    what = "applies \(b.object) in the same wave (\(b.declared)) as \(a.object), which provides its TLS Secret; the listener's reference is unresolved until the Secret is written"
                }
            case .servedBy:
                if kb.strictlyPrecedes(ka) {
                    severity = .error
                    what = "applies \(b.object) (wave \(b.declared)) before \(a.object) (wave \(a.declared)), whose listener must serve it first"
                } else if !ka.strictlyPrecedes(kb) {
                    severity = .warning
                    what = "applies \(b.object) in the same wave (\(b.declared)) as \(a.object), whose listener must serve it first"
                }
            case .issuedBy:
                if kb.strictlyPrecedes(ka) {
                    severity = .warning
                    what = "applies \(b.object) (wave \(b.declared)) before its issuer \(a.object) (wave \(a.declared))"
                }
            default:
                break
            }
            guard let severity, seen.insert([a.object, b.object, oe.edge.kind.rawValue]).inserted else { continue }
            out.append(Finding(rule,
                message: "Application \(oe.from.application ?? "") \(what): \(oe.edge.reason)",
                object: b.object, location: b.location,
                remedy: "Set argocd.argoproj.io/sync-wave to the recommended waves: \(a.object) \(a.recommended), \(b.object) \(b.recommended) (or any waves in that order).",
                application: oe.from.application, severity: severity))
        }
        return out
    }
}
