/// What `syncgate check` reports: every node of the plan with a verdict and its evidence, and every host chain
/// with its first failing link. Built from the plan's nodes and chains plus the probe outcomes; the plan types
/// stay in SyncGateCore, so this takes plain ids.
public struct CheckReport: Sendable {
    public struct NodeResult: Sendable {
        public let id: String
        /// The node kind (`dns`, `image`, `certificate`…).
        public let kind: String
        /// `file:line` where the node is declared, when known.
        public let location: String?
        public let verdict: Verdict
        public let summary: String
        public let durationMilliseconds: Double
        /// The probes that produced the verdict (empty: nothing the network can answer for this node).
        public let probes: [CheckOutcome]
    }

    public struct ChainResult: Sendable {
        public let host: String
        public let nodes: [(id: String, verdict: Verdict)]
        /// The first node, in chain order, whose verdict is fail.
        public let firstFailing: String?
        public var verdict: Verdict { nodes.map(\.verdict).max() ?? .unknown }
    }

    /// A plan node as the report needs it.
    public struct PlanNode: Sendable {
        public let id: String
        public let kind: String
        public let location: String?
        public init(id: String, kind: String, location: String?) {
            self.id = id
            self.kind = kind
            self.location = location
        }
    }

    public let nodes: [NodeResult]
    public let chains: [ChainResult]
    /// Probe kinds that ran (`--only`).
    public let kinds: [CheckKind]
    public let totalMilliseconds: Double

    /// 0 when nothing failed, 2 when a prerequisite failed (DESIGN §2).
    public var exitCode: Int32 { nodes.contains { $0.verdict == .fail } ? 2 : 0 }

    public func count(_ verdict: Verdict) -> Int { nodes.filter { $0.verdict == verdict }.count }

    /// Nodes without probes are `unknown` with `unprobedNote(kind)` as the summary.
    public static func assemble(planNodes: [PlanNode], chains: [(host: String, nodes: [String])], outcomes: [CheckOutcome],
                                kinds: [CheckKind], totalMilliseconds: Double,
                                unprobedNote: (String) -> String) -> CheckReport {
        var byNode: [String: [CheckOutcome]] = [:]
        for outcome in outcomes { byNode[outcome.target.nodeID, default: []].append(outcome) }
        var results: [NodeResult] = []
        var verdicts: [String: Verdict] = [:]
        for node in planNodes {
            let probes = byNode[node.id] ?? []
            let result: NodeResult
            if probes.isEmpty {
                result = NodeResult(id: node.id, kind: node.kind, location: node.location, verdict: .unknown,
                                    summary: unprobedNote(node.kind), durationMilliseconds: 0, probes: [])
            } else {
                let verdict = probes.map(\.result.verdict).max() ?? .unknown
                let deciding = probes.first { $0.result.verdict == verdict } ?? probes[0]
                let summary = probes.count == 1 ? deciding.result.summary
                    : probes.filter { $0.result.verdict == verdict }.map { "\($0.target.label): \($0.result.summary)" }.joined(separator: "; ")
                result = NodeResult(id: node.id, kind: node.kind, location: node.location, verdict: verdict, summary: summary,
                                    durationMilliseconds: probes.map(\.result.durationMilliseconds).max() ?? 0, probes: probes)
            }
            verdicts[node.id] = result.verdict
            results.append(result)
        }
        let chainResults = chains.map { chain in
            let nodes = chain.nodes.map { (id: $0, verdict: verdicts[$0] ?? .unknown) }
            return ChainResult(host: chain.host, nodes: nodes, firstFailing: nodes.first { $0.verdict == .fail }?.id)
        }
        return CheckReport(nodes: results, chains: chainResults, kinds: kinds, totalMilliseconds: totalMilliseconds)
    }
}
