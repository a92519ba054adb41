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

        // Files inside Helm charts are left out: charts are rendered through the Applications that point at them.
        var findings: [Finding] = []
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
        let (graph, waves, chains, ruleFindings) = analyse(inventory, policy: policy)
        findings.append(contentsOf: ruleFindings)
        options.onPhase?("rules")

        let unique = Planner.sortedUnique(findings)
        options.onPhase?("sort")

        return Plan(repo: repo, repoURL: discovered.repoURL, policy: policy, applications: discovered.applications,
                    inventory: inventory, graph: graph, chains: chains, waves: waves, findings: unique,
                    fileCount: files.count, documentCount: documentCount)
    }

    /// The graph, waves, host chains and every rule's findings (in rule order), sharing the cores:
    /// the rules that read neither graph nor waves run on a thread of their own while the graph is built (they
    /// fill the time its serial steps leave a core idle); then one core plans the waves while the other builds the
    /// host chains, and each takes the next rule that reads graph or waves until none is left.
    func analyse(_ inventory: Inventory, policy: Policy) -> (DependencyGraph, WavePlan, [HostChain], [Finding]) {
        let rules = StaticRules.all
        let parallel = options.parallelism > 1
        let inventoryRules = rules.indices.filter { !rules[$0].readsGraph }
        let graphRules = rules.indices.filter { rules[$0].readsGraph }
        let withInventory = RuleInput(inventory: inventory, graph: DependencyGraph(), waves: .empty, policy: policy)
        let inventoryFindings = Background(parallel: parallel) {
            inventoryRules.map { rules[$0].evaluate(withInventory) }
        }
        let graph = GraphBuilder(parallel: parallel).build(inventory)
        options.onPhase?("graph")
        let jobs = SharedJobs<RuleInput, [Finding]>(count: graphRules.count)
        let (waves, chains) = concurrently(parallel: parallel, {
            let waves = WavePlanner().plan(graph: graph, inventory: inventory)
            jobs.publish(RuleInput(inventory: inventory, graph: graph, waves: waves, policy: policy))
            jobs.drain { k, input in rules[graphRules[k]].evaluate(input) }
            return waves
        }, {
            let chains = HostChains.build(graph: graph, inventory: inventory)
            jobs.drain { k, input in rules[graphRules[k]].evaluate(input) }
            return chains
        })
        var byRule = [[Finding]](repeating: [], count: rules.count)
        for (k, f) in inventoryFindings.value().enumerated() { byRule[inventoryRules[k]] = f }
        for (k, f) in jobs.results.enumerated() { byRule[graphRules[k]] = f }
        return (graph, waves, chains, byRule.flatMap { $0 })
    }

    /// Sorted (stable, on two cores) without exact duplicates (one file claimed by two Applications): identical
    /// findings sort together, among the few that `Finding.ordered` cannot tell apart.
    static func sortedUnique(_ findings: [Finding]) -> [Finding] {
        var unique: [Finding] = []
        unique.reserveCapacity(findings.count)
        var tieStart = 0
        for f in findings.sortedOnTwoCores(by: Finding.ordered) {
            if let last = unique.last, !Finding.ordered(last, f) {
                if unique[tieStart...].contains(f) { continue }
            } else {
                tieStart = unique.count
            }
            unique.append(f)
        }
        return unique
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
