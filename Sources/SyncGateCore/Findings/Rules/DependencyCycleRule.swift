/// SG114: dependency cycles, between graph nodes or between objects of one Application. Reported, never looped.
public enum DependencyCycleRule: StaticRule {
    public static let rule = RuleCatalog.dependencyCycle
    public static let readsGraph = true

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        var out: [Finding] = []
        let g = input.graph
        for cycle in g.cycles() {
            let first = g.nodes[cycle[0]]
            out.append(Finding(rule, message: "dependency cycle between \(cycle.joined(separator: " -> ")); no order satisfies it",
                               object: cycle[0], location: first?.location ?? .none, application: first?.application))
        }
        for cycle in input.waves.cycles {
            let names = cycle.map(\.object)
            let entry = input.waves.entry(cycle[0])
            out.append(Finding(rule,
                message: "objects of Application \(cycle[0].application ?? "(unowned)") depend on each other: \(names.joined(separator: ", ")); their recommended waves are best effort",
                object: names[0], location: entry?.location ?? .none, application: cycle[0].application))
        }
        return out
    }
}
