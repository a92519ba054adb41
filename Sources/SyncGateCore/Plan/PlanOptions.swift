/// Options of a plan (the flags of `syncgate plan`).
public struct PlanOptions: Sendable {
    /// `--repo-url`: the URL Applications must use to be "this repository". Default: the git remote `origin`
    /// when the directory is a git work tree's top, else the URL most Applications with existing paths use.
    public var repoURL: String?
    /// `--policy`: a policy file (absolute or relative to the working directory). Default: `REPO/syncgate.yaml`
    /// when present.
    public var policyFile: String?
    /// Renders kustomizations and Helm charts (and reads the git remote).
    public var renderer: any SourceRenderer
    /// Above 1, decoding, the graph's two halves and the analysis (waves, chains, rules) share the cores; 1 runs
    /// them on the calling thread. Large graphs, inventories and JSON arrays use the cores by size alone.
    /// Output is identical either way.
    public var parallelism: Int
    /// Called with the name of each phase as it finishes (`scan`, `decode`, `discover`, `inventory`, `graph`,
    /// `rules` (waves, chains and rules), `sort`): the caller timestamps them (the core has no clock).
    public var onPhase: (@Sendable (String) -> Void)?

    public init(repoURL: String? = nil, policyFile: String? = nil, renderer: any SourceRenderer = ProcessSourceRenderer(),
                parallelism: Int = 2, onPhase: (@Sendable (String) -> Void)? = nil) {
        self.repoURL = repoURL
        self.policyFile = policyFile
        self.renderer = renderer
        self.parallelism = parallelism
        self.onPhase = onPhase
    }
}
