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
        let graph = GraphBuilder().build(inventory)
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

    /// Waves then rules on one thread, host chains on another (when parallelism allows).
    func analyse(graph: DependencyGraph, inventory: Inventory, policy: Policy) -> (WavePlan, [Finding], [HostChain]) {
        let rulesAndWaves = { @Sendable () -> (WavePlan, [Finding]) in
            let waves = WavePlanner().plan(graph: graph, inventory: inventory)
            let input = RuleInput(inventory: inventory, graph: graph, waves: waves, policy: policy)
            return (waves, StaticRules.evaluate(input))
        }
        guard options.parallelism > 1 else {
            let (w, f) = rulesAndWaves()
            return (w, f, HostChains.build(graph: graph, inventory: inventory))
        }
        let chainSlot = UnsafeMutableBufferPointer<[HostChain]>.allocate(capacity: 1)
        chainSlot.initialize(repeating: [])
        let ruleSlot = UnsafeMutableBufferPointer<(WavePlan, [Finding])?>.allocate(capacity: 1)
        ruleSlot.initialize(repeating: nil)
        defer {
            chainSlot.deinitialize(); chainSlot.deallocate()
            ruleSlot.deinitialize(); ruleSlot.deallocate()
        }
        let chainsOut = SendableBuffer(chainSlot), rulesOut = SendableBuffer(ruleSlot)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                chainsOut.buffer[0] = HostChains.build(graph: graph, inventory: inventory)
            } else {
                rulesOut.buffer[0] = rulesAndWaves()
            }
        }
        let (w, f) = ruleSlot[0]!
        return (w, f, chainSlot[0])
    }

    func loadPolicy(repo: String) throws -> Policy {
        if let file = options.policyFile {
            return try Policy.load(path: file, displayPath: file, required: true)
        }
        let path = repo.hasSuffix("/") ? repo + "syncgate.yaml" : repo + "/syncgate.yaml"
        return try Policy.load(path: path, displayPath: "syncgate.yaml", required: false)
    }

    /// Decodes files on the cores (one file per iteration, so workers stay balanced however file sizes
    /// alternate); results keep file order. `options.parallelism` 1 decodes on the calling thread.
    public func decodeAll(_ files: [String], tree: RepoTree) -> [LoadOutput] {
        let loader = ManifestLoader()
        if options.parallelism <= 1 || files.count < 2 {
            return files.map { loader.loadFile(absolute: tree.absolute($0), relative: $0) }
        }
        let results = UnsafeMutableBufferPointer<LoadOutput>.allocate(capacity: files.count)
        results.initialize(repeating: LoadOutput())
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let slots = SendableBuffer(results)
        // Not a stride per worker: a repo of `gateway.yaml` + `services.yaml` pairs gave one worker every small
        // file and the other every big one, and two threads took as long as one.
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            slots.buffer[i] = loader.loadFile(absolute: tree.absolute(files[i]), relative: files[i])
        }
        return Array(results)
    }
}

/// Each worker writes only its own slots.
struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
