/// Nodes with stable ids and dependency edges. Nodes are shared (one Gateway, many listeners); adding a node twice
/// keeps the declared one; adding an edge twice keeps the first reason.
public struct DependencyGraph: Sendable {
    public private(set) var nodes: [String: Node] = [:]
    /// Edges in the order they were connected (a repeated edge is dropped by `finish()`, keeping the first), then,
    /// once finished, sorted and unique.
    public private(set) var edges: [Edge] = []
    /// Certificates that write a Secret (secret id -> certificate ids). Not an ordering edge: the Secret a
    /// Certificate writes exists only after issuance.
    public private(set) var writers: [String: [String]] = [:]
    /// Set by `finish()`: edges are sorted, nodes listed in id order, edge ends numbered by that order.
    private var isFinished = false
    private var nodeOrder: [String] = []
    private var orderedNodes: [Node] = []
    private var edgeEnds: [EdgeEnds] = []
    private var positions: [String: Int] = [:]

    /// The ends of an edge as positions in the id-sorted node list.
    public struct EdgeEnds: Sendable, Hashable {
        public var from: Int
        public var to: Int
    }

    public init() {}

    /// An empty graph with room for about this many nodes and edges (no rehashing while a large plan is built).
    public init(reservingNodes nodeCount: Int, edges edgeCount: Int) {
        nodes.reserveCapacity(nodeCount)
        edges.reserveCapacity(edgeCount)
    }

    /// Adds `other`'s nodes, edges and writers after this graph's own, as if they had been added here in order.
    public mutating func merge(_ other: DependencyGraph) {
        for node in other.nodes.values { add(node) }
        for edge in other.edges { connect(edge) }
        for (secret, certificates) in other.writers {
            for c in certificates { recordWriter(secret: secret, certificate: c) }
        }
    }

    public mutating func add(_ node: Node) {
        if let existing = nodes[node.id] {
            if !existing.declared && node.declared {
                nodes[node.id] = node
                isFinished = false
            }
        } else {
            nodes[node.id] = node
            isFinished = false
        }
    }

    public mutating func connect(_ edge: Edge) {
        guard edge.from != edge.to else { return }
        isFinished = false
        edges.append(edge)
    }

    public mutating func recordWriter(secret: String, certificate: String) {
        if !(writers[secret]?.contains(certificate) ?? false) { writers[secret, default: []].append(certificate) }
    }

    public func node(_ id: String) -> Node? { nodes[id] }

    /// Sorts nodes and edges once, and numbers edge ends by node position, so that every reader gets a
    /// deterministic order (and integers to work with) for free.
    public mutating func finish() {
        nodeOrder = Array(nodes.keys).sortedOnTwoCores()
        orderedNodes = nodeOrder.map { nodes[$0]! }
        // Sort edges by the positions of their ends among the sorted ids: the same order as comparing the
        // strings, with integer comparisons on a permutation (edges themselves are moved once).
        var position: [String: Int] = [:]
        position.reserveCapacity(nodeOrder.count)
        for (i, id) in nodeOrder.enumerated() { position[id] = i }
        let kinds = EdgeKind.allCases.map(\.rawValue).sorted()
        var kindRank: [EdgeKind: Int] = [:]
        for k in EdgeKind.allCases { kindRank[k] = kinds.firstIndex(of: k.rawValue) ?? 0 }
        positions = position
        let ends = edges.map { EdgeEnds(from: position[$0.from] ?? Int.max, to: position[$0.to] ?? Int.max) }
        let ranks = edges.map { kindRank[$0.kind] ?? 0 }
        // Ties keep connection order, so of a repeated edge (same ends and kind) the first comes first and is kept.
        let order = edges.indices.sorted { a, b in
            if ends[a].from != ends[b].from { return ends[a].from < ends[b].from }
            if ends[a].to != ends[b].to { return ends[a].to < ends[b].to }
            if ranks[a] != ranks[b] { return ranks[a] < ranks[b] }
            return a < b
        }
        var unique: [Int] = []
        unique.reserveCapacity(order.count)
        for i in order {
            if let last = unique.last, ends[last] == ends[i], edges[last].kind == edges[i].kind,
               edges[last].from == edges[i].from, edges[last].to == edges[i].to { continue }
            unique.append(i)
        }
        edges = unique.map { edges[$0] }
        edgeEnds = unique.map { ends[$0] }
        isFinished = true
    }

    /// A finished copy (a no-op when `finish()` already ran).
    public func finished() -> DependencyGraph {
        if isFinished && nodeOrder.count == nodes.count { return self }
        var g = self
        g.finish()
        return g
    }

    /// The position of node `id` in the id-sorted node list of the finished graph.
    public func position(of id: String) -> Int? {
        isFinished && nodeOrder.count == nodes.count ? positions[id] : finished().positions[id]
    }

    /// Nodes sorted by id, edges sorted, and each edge's ends as positions in that node list (for algorithms that
    /// want integers rather than ids).
    public var positional: (nodes: [Node], edges: [Edge], ends: [EdgeEnds]) {
        let g = finished()
        return (g.orderedNodes, g.edges, g.edgeEnds)
    }

    /// Node ids sorted.
    public var sortedIDs: [String] { isFinished && nodeOrder.count == nodes.count ? nodeOrder : nodes.keys.sorted() }

    /// Nodes sorted by id (deterministic output).
    public var sortedNodes: [Node] { isFinished && orderedNodes.count == nodes.count ? orderedNodes : sortedIDs.compactMap { nodes[$0] } }

    /// Edges sorted by (from, to, kind).
    public var sortedEdges: [Edge] { finished().edges }

    /// Outgoing adjacency by node id.
    public func successors() -> [String: [String]] {
        var out: [String: [String]] = [:]
        for e in edges { out[e.from, default: []].append(e.to) }
        return out
    }

    /// Node ids (sorted) and successor lists by position, for algorithms that want integers.
    public func indexed() -> (ids: [String], adjacency: [[Int]]) {
        let g = finished()
        var adjacency = [[Int]](repeating: [], count: g.nodeOrder.count)
        for e in g.edgeEnds where e.from < adjacency.count && e.to < adjacency.count { adjacency[e.from].append(e.to) }
        return (g.nodeOrder, adjacency)
    }

    /// Dependency cycles between nodes (each sorted; sorted by first member).
    public func cycles() -> [[String]] {
        let (ids, adjacency) = indexed()
        return Cycles.find(count: ids.count, adjacency: adjacency).map { $0.map { ids[$0] }.sorted() }.sorted { $0[0] < $1[0] }
    }

    public func incoming() -> [String: [Edge]] {
        var out: [String: [Edge]] = [:]
        for e in edges { out[e.to, default: []].append(e) }
        return out
    }
}
