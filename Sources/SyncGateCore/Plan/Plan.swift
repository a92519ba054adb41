/// The result of `syncgate plan`: Applications, the graph, per-host chains, waves and findings. Every list is
/// sorted, so the same repository always renders the same bytes.
public struct Plan: Sendable {
    /// The repository directory as given.
    public var repo: String
    public var repoURL: String?
    public var policy: Policy
    public var applications: [DiscoveredApplication]
    public var inventory: Inventory
    public var graph: DependencyGraph
    public var chains: [HostChain]
    public var waves: WavePlan
    public var findings: [Finding]
    /// How many files were read, and how many objects they held.
    public var fileCount: Int
    public var documentCount: Int

    public var summary: PlanSummary {
        var bySeverity: [Severity: Int] = [:]
        for f in findings { bySeverity[f.severity, default: 0] += 1 }
        return PlanSummary(applications: applications.count, objects: inventory.manifests.count, nodes: graph.nodes.count,
                           edges: graph.edges.count, chains: chains.count, errors: bySeverity[.error] ?? 0,
                           warnings: bySeverity[.warning] ?? 0, infos: bySeverity[.info] ?? 0, files: fileCount)
    }

    /// Whether an error finding blocks the sync.
    public var isBlocked: Bool { findings.contains { $0.severity == .error } }
    /// 0 when nothing blocks, 2 when an error finding blocks (DESIGN §2).
    public var exitCode: Int32 { isBlocked ? 2 : 0 }

    /// The findings of one Application (or the unowned ones for nil).
    public func findings(for application: String?) -> [Finding] { findings.filter { $0.application == application } }
}

public struct PlanSummary: Sendable, Hashable {
    public var applications: Int
    public var objects: Int
    public var nodes: Int
    public var edges: Int
    public var chains: Int
    public var errors: Int
    public var warnings: Int
    public var infos: Int
    public var files: Int
}
