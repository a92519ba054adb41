import Foundation

/// The planning pipeline: scan the tree, decode every manifest file once (streaming, in parallel), discover
/// Applications, gather the inventory, build the graph, derive waves and chains, run every static rule.
///
///     let plan = try Planner(options: PlanOptions()).plan(repo: "examples/incident-2026-03-22")
///     print(TextRenderer().render(plan))
///     exit(plan.exitCode)
public struct Planner: Sendable {
    public var options: PlanOptions

    public init(options: PlanOptions = PlanOptions()) {
        self.options = options
    }

    /// Plans the repository at `repo`. Throws only usage errors (not a directory, unreadable `--policy`); every
    /// problem inside the repository is a finding.
    public func plan(repo: String) throws -> Plan {
        let tree = try RepoTree.scan(root: repo)
        let policy = try loadPolicy(repo: repo)
        options.onPhase?("scan")
        let policyRelative = policy.file.flatMap { f -> String? in f.hasPrefix("/") ? nil : f } ?? "syncgate.yaml"
        let files = tree.files.filter { $0 != policyRelative && tree.chartDir(containing: $0) == nil }

        var findings: [Finding] = []
        for chart in tree.chartDirs.sorted() {
            _ = chart  // Charts are rendered through the Applications that point at them.
        }
        let loaded = decodeAll(files, tree: tree)
        var raw: [Manifest] = []
        raw.reserveCapacity(loaded.reduce(0) { $0 + $1.manifests.count })
        for out in loaded {
            for m in out.manifests where m.kind != "SyncGatePolicy" { raw.append(m) }
            findings.append(contentsOf: out.findings)
        }
        let documentCount = raw.count
        options.onPhase?("decode")

        let discovery = Discovery(tree: tree, renderer: options.renderer, repoURL: options.repoURL)
        let discovered = discovery.run(raw: raw)
        findings.append(contentsOf: discovered.findings)
        options.onPhase?("discover")

        let inventory = Inventory(manifests: discovered.manifests, applications: discovered.applications)
        options.onPhase?("inventory")
        let graph = GraphBuilder(parallel: options.parallelism > 1).build(inventory)
        options.onPhase?("graph")
        // Host chains need only the graph: build them beside waves and rules.
        let (waves, ruleFindings, chains) = analyse(graph: graph, inventory: inventory, policy: policy)
        findings.append(contentsOf: ruleFindings)
        options.onPhase?("rules")

        // Deterministic: sort, and drop exact duplicates (one file claimed by two Applications).
        var unique: [Finding] = []
        var seen: Set<Finding> = []
        for f in findings.sorted(by: Finding.ordered) where seen.insert(f).inserted { unique.append(f) }
        options.onPhase?("sort")

        return Plan(repo: repo, repoURL: discovered.repoURL, policy: policy, applications: discovered.applications,
                    inventory: inventory, graph: graph, chains: chains, waves: waves, findings: unique,
                    fileCount: files.count, documentCount: documentCount)
    }

    /// Waves, host chains and the rules that do not read waves share the cores; then the rules that do.
    /// Findings keep rule order.
    func analyse(graph: DependencyGraph, inventory: Inventory, policy: Policy) -> (WavePlan, [Finding], [HostChain]) {
        let parallel = options.parallelism > 1
        let rules = StaticRules.all
        let early = rules.indices.filter { !rules[$0].readsWaves }
        let late = rules.indices.filter { rules[$0].readsWaves }
        let withoutWaves = RuleInput(inventory: inventory, graph: graph, waves: .empty, policy: policy)
        enum Part { case waves(WavePlan), chains([HostChain]), findings([Finding]) }
        // Longest first: waves and chains, then the rules.
        let parts = [Part].concurrentMap(2 + early.count, parallel: parallel) { i in
            switch i {
            case 0: return .waves(WavePlanner().plan(graph: graph, inventory: inventory))
            case 1: return .chains(HostChains.build(graph: graph, inventory: inventory))
            default: return .findings(rules[early[i - 2]].evaluate(withoutWaves))
            }
        }
        guard case .waves(let waves) = parts[0], case .chains(let chains) = parts[1] else { fatalError("parts out of order") }
        let input = RuleInput(inventory: inventory, graph: graph, waves: waves, policy: policy)
        let lateFindings = [[Finding]].concurrentMap(late.count, parallel: parallel) { rules[late[$0]].evaluate(input) }
        var byRule = [[Finding]](repeating: [], count: rules.count)
        for (k, r) in early.enumerated() { if case .findings(let f) = parts[2 + k] { byRule[r] = f } }
        for (k, r) in late.enumerated() { byRule[r] = lateFindings[k] }
        return (waves, byRule.flatMap { $0 }, chains)
    }

    func loadPolicy(repo: String) throws -> Policy {
        if let file = options.policyFile {
            return try Policy.load(path: file, displayPath: file, required: true)
        }
        let path = repo.hasSuffix("/") ? repo + "syncgate.yaml" : repo + "/syncgate.yaml"
        return try Policy.load(path: path, displayPath: "syncgate.yaml", required: false)
    }

    /// Decodes files on the cores (one file per iteration, so workers stay balanced however file sizes
    /// alternate: a stride per worker gave one worker every small `gateway.yaml` and the other every big
    /// `services.yaml`); results keep file order. `options.parallelism` 1 decodes on the calling thread.
    public func decodeAll(_ files: [String], tree: RepoTree) -> [LoadOutput] {
        let loader = ManifestLoader()
        return [LoadOutput].concurrentMap(files.count, parallel: options.parallelism > 1) { i in
            loader.loadFile(absolute: tree.absolute(files[i]), relative: files[i])
        }
    }
}
