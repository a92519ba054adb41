/// Nodes with stable ids and dependency edges. Nodes are shared (one Gateway, many listeners); adding a node twice
/// keeps the declared one; adding an edge twice keeps the first reason.
public struct DependencyGraph: Sendable {
    public private(set) var nodes: [String: Node] = [:]
    public private(set) var edges: [Edge] = []
    private var edgeKeys: Set<EdgeKey> = []
    /// Certificates that write a Secret (secret id -> certificate ids). Not an ordering edge: the Secret a
    /// Certificate writes exists only after issuance.
    public private(set) var writers: [String: [String]] = [:]
    /// Set by `finish()`: edges are sorted, node ids listed in order.
    private var isFinished = false
    private var nodeOrder: [String] = []

    struct EdgeKey: Hashable { var from: String, to: String, kind: EdgeKind }

    public init() {}

    public mutating func add(_ node: Node) {
        if nodes[node.id] == nil { isFinished = false }
        if let existing = nodes[node.id] {
            if !existing.declared && node.declared { nodes[node.id] = node }
        } else {
            nodes[node.id] = node
        }
    }

    public mutating func connect(_ edge: Edge) {
        guard edge.from != edge.to else { return }
        isFinished = false
        if edgeKeys.insert(EdgeKey(from: edge.from, to: edge.to, kind: edge.kind)).inserted { edges.append(edge) }
    }

    public mutating func recordWriter(secret: String, certificate: String) {
        if !(writers[secret]?.contains(certificate) ?? false) { writers[secret, default: []].append(certificate) }
    }

    public func node(_ id: String) -> Node? { nodes[id] }

    /// Sorts edges and node ids once, so that every reader gets them in a deterministic order for free.
    public mutating func finish() {
        nodeOrder = nodes.keys.sorted()
        // Sort edges by the positions of their ends among the sorted ids: the same order as comparing the
        // strings, with integer comparisons.
        var position: [String: Int] = [:]
        position.reserveCapacity(nodeOrder.count)
        for (i, id) in nodeOrder.enumerated() { position[id] = i }
        let kinds = EdgeKind.allCases.map(\.rawValue).sorted()
        var kindRank: [EdgeKind: Int] = [:]
        for k in EdgeKind.allCases { kindRank[k] = kinds.firstIndex(of: k.rawValue) ?? 0 }
        let keyed = edges.map { e in (position[e.from] ?? Int.max, position[e.to] ?? Int.max, kindRank[e.kind] ?? 0, e) }
        edges = keyed.sorted { a, b in
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 { return a.1 < b.1 }
            return a.2 < b.2
        }.map(\.3)
        isFinished = true
    }

    static func edgeOrder(_ a: Edge, _ b: Edge) -> Bool {
        if a.from != b.from { return a.from < b.from }
        if a.to != b.to { return a.to < b.to }
        return a.kind.rawValue < b.kind.rawValue
    }

    /// Node ids sorted.
    public var sortedIDs: [String] { isFinished && nodeOrder.count == nodes.count ? nodeOrder : nodes.keys.sorted() }

    /// Nodes sorted by id (deterministic output).
    public var sortedNodes: [Node] { sortedIDs.compactMap { nodes[$0] } }

    /// Edges sorted by (from, to, kind).
    public var sortedEdges: [Edge] { isFinished ? edges : edges.sorted(by: DependencyGraph.edgeOrder) }

    /// Outgoing adjacency by node id.
    public func successors() -> [String: [String]] {
        var out: [String: [String]] = [:]
        for e in edges { out[e.from, default: []].append(e.to) }
        return out
    }

    /// Node ids (sorted) and successor lists by position, for algorithms that want integers.
    public func indexed() -> (ids: [String], adjacency: [[Int]]) {
        let ids = sortedIDs
        var position: [String: Int] = [:]
        position.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() { position[id] = i }
        var adjacency = [[Int]](repeating: [], count: ids.count)
        for e in edges {
            if let f = position[e.from], let t = position[e.to] { adjacency[f].append(t) }
        }
        return (ids, adjacency)
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
