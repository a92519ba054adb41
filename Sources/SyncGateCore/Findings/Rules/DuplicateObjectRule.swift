/// SG117: one object (group, kind, namespace, name) declared more than once: by two Applications (they overwrite
/// each other on every sync), or twice inside one Application or one directory of unowned manifests.
public enum DuplicateObjectRule: StaticRule {
    public static let rule = RuleCatalog.duplicateObject

    struct Key: Hashable { var group: String, kind: String, namespace: String, name: String }

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let manifests = input.inventory.manifests
        // Positions, not copies of manifests: the table holds every object of a large repository.
        var first: [Key: Int] = [:]
        first.reserveCapacity(manifests.count)
        var out: [Finding] = []
        for (i, m) in manifests.enumerated() where !m.name.isEmpty && !m.kind.isEmpty {
            let key = Key(group: m.group, kind: m.kind, namespace: m.namespace, name: m.name)
            guard let e = first[key] else { first[key] = i; continue }
            let earlier = manifests[e]
            if earlier.location == m.location && earlier.application == m.application { continue }
            let owners = earlier.application == m.application
                ? "twice in \(m.application.map { "Application \($0)" } ?? "the unowned manifests")"
                : "by \(earlier.application.map { "Application \($0)" } ?? "unowned manifests") and \(m.application.map { "Application \($0)" } ?? "unowned manifests")"
            out.append(Finding(rule,
                message: "\(m.displayName) is declared \(owners) (first at \(earlier.location)); the graph uses the first declaration",
                object: m.displayName, location: m.location, application: m.application))
        }
        return out
    }
}
