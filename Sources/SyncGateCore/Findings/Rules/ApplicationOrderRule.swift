/// SG115: Application A must be synced and healthy before Application B (a hard dependency between their
/// objects), but the parent Application (app-of-apps) declares B's sync-wave before or with A's.
public enum ApplicationOrderRule: StaticRule {
    public static let rule = RuleCatalog.applicationOrder
    public static let readsGraph = true

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var out: [Finding] = []
        for dep in input.waves.applicationOrder {
            guard let a = inv.application(dep.before), let b = inv.application(dep.after),
                  let parent = a.parent, parent == b.parent else { continue }
            let wa = a.application.manifest.declaredWave, wb = b.application.manifest.declaredWave
            guard wa >= wb else { continue }
            out.append(Finding(rule,
                message: "Application \(a.id) must be synced and healthy before \(b.id) (\(dep.reason)), but parent \(parent) gives \(a.id) sync-wave \(wa) and \(b.id) sync-wave \(wb)",
                object: "Application \(b.id)", location: b.location,
                remedy: "Give Application \(a.id) a lower argocd.argoproj.io/sync-wave than \(b.id) in \(parent) (Argo CD waits for health between waves).",
                application: parent, severity: wa > wb ? .warning : .info))
        }
        return out
    }
}
