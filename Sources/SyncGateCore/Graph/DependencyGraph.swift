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
        let large = nodes.count + edges.count > 20_000
        let ids = Array(nodes.keys).sortedOnTwoCores()
        nodeOrder = ids
        // Nodes in id order beside the id -> position table (both only read `nodes` and `ids`).
        let table = nodes
        let (ordered, position) = concurrently(parallel: large, { ids.map { table[$0]! } }, {
            var position: [String: Int] = [:]
            position.reserveCapacity(ids.count)
            for (p, id) in ids.enumerated() { position[id] = p }
            return position
        })
        orderedNodes = ordered
        positions = position
        // Sort edges by the positions of their ends among the sorted ids, then kind: the same order as comparing
        // the strings, as one integer per edge (28 bits per end, 4 for the kind).
        let kinds = EdgeKind.allCases.map(\.rawValue).sorted()
        var kindRank: [EdgeKind: Int] = [:]
        for k in EdgeKind.allCases { kindRank[k] = kinds.firstIndex(of: k.rawValue) ?? 0 }
        let ranks = kindRank
        let all = edges
        let middle = all.count / 2
        let endHalves = [[EdgeEnds]].concurrentMap(2, parallel: large) { half in
            (half == 0 ? all[..<middle] : all[middle...]).map {
                EdgeEnds(from: position[$0.from] ?? DependencyGraph.missing, to: position[$0.to] ?? DependencyGraph.missing)
            }
        }
        let ends = endHalves[0] + endHalves[1]
        let keys = all.indices.map { i in ends[i].from << 32 | ends[i].to << 4 | (ranks[all[i].kind] ?? 0) }
        // Ties keep connection order, so of a repeated edge (same ends and kind) the first comes first and is kept.
        let order = all.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : a < b }
        var unique: [Int] = []
        unique.reserveCapacity(order.count)
        for i in order {
            if let last = unique.last, keys[last] == keys[i], all[last].from == all[i].from, all[last].to == all[i].to { continue }
            unique.append(i)
        }
        edges = unique.map { all[$0] }
        edgeEnds = unique.map { ends[$0] }
        isFinished = true
    }

    /// The position given to an edge end that is not a node (sorts after every node).
    static let missing = (1 << 28) - 1

    /// A finished copy (a no-op when `finish()` already ran).
    public func finished() -> DependencyGraph {
        if isFinished && nodeOrder.count == nodes.count { return self }
        var g = self
        g.finish()
        return g
    }

    /// The position of node `id` in the id-sorted node list of the finished graph. Ask a finished graph (the
    /// builder's, or `finished()`): an unfinished one is sorted again on every call.
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
