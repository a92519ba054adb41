/// Everything rules read, gathered once (cert-manager's policy `Input` shape): rules are pure functions of it.
public struct RuleInput: Sendable {
    public var inventory: Inventory
    public var graph: DependencyGraph
    public var waves: WavePlan
    public var policy: Policy

    public init(inventory: Inventory, graph: DependencyGraph, waves: WavePlan, policy: Policy = Policy()) {
        self.inventory = inventory
        self.graph = graph
        self.waves = waves
        self.policy = policy
    }

    /// Builds graph and waves from an inventory (what tests use).
    public init(inventory: Inventory, policy: Policy = Policy()) {
        let graph = GraphBuilder().build(inventory)
        self.init(inventory: inventory, graph: graph, waves: WavePlanner().plan(graph: graph, inventory: inventory), policy: policy)
    }
}

/// A static check: a pure function from the gathered input to findings.
public protocol StaticRule: Sendable {
    static var rule: Rule { get }
    /// Whether the rule reads `input.graph` or `input.waves` (the others run while the graph is built, and are
    /// given an empty graph and no waves).
    static var readsGraph: Bool { get }
    static func evaluate(_ input: RuleInput) -> [Finding]
}

extension StaticRule {
    public static var readsGraph: Bool { false }
}

public enum StaticRules {
    /// Every static rule, in evaluation order.
    public static let all: [any StaticRule.Type] = [
        ListenerSecretRule.self, HTTP01UnroutedRule.self, BackendServiceRule.self, IssuerDefinedRule.self,
        ReferenceGrantRule.self, RenewBeforeRule.self, DeclaredWavesRule.self, DuplicateCertificateRule.self,
        RegisteredDomainRateLimitRule.self, IngressNginxBuffersRule.self, RouteParentRule.self, DependencyCycleRule.self,
        ApplicationOrderRule.self, SolverMatchRule.self, DuplicateObjectRule.self,
    ]

    /// Findings of every rule, in rule order. Rules are pure functions of `input`, so `parallel` runs them on
    /// the cores.
    public static func evaluate(_ input: RuleInput, parallel: Bool = false) -> [Finding] {
        [[Finding]].concurrentMap(all.count, parallel: parallel) { all[$0].evaluate(input) }.flatMap { $0 }
    }
}
