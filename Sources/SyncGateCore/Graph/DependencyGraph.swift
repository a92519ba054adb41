/// Nodes with stable ids and dependency edges. Nodes are shared (one Gateway, many listeners); adding a node twice
/// keeps the declared one; adding an edge twice keeps the first reason.
///
/// Inside, a node is known by the number it got when first added: edges hold those numbers as well as the ids,
/// so merging, sorting and numbering by sorted position never hash an id again.
public struct DependencyGraph: Sendable {
    /// Nodes by id, in the order they were first added.
    public private(set) var nodes = NodeTable()
    /// Edges in the order they were connected (a repeated edge is dropped by `finish()`, keeping the first), then,
    /// once finished, sorted and unique.
    public private(set) var edges: [Edge] = []
    /// Certificates that write a Secret (secret id -> certificate ids). Not an ordering edge: the Secret a
    /// Certificate writes exists only after issuance.
    public private(set) var writers: [String: [String]] = [:]
    /// The ends of each edge of `edges` as node numbers (`unresolved` when the node was not there yet).
    private var numberedEnds: [EdgeEnds] = []
    /// Set by `finish()`: edges are sorted, nodes listed in id order, edge ends numbered by that order.
    private var isFinished = false
    /// Node numbers in id order, and each number's place in that order.
    private var order: [Int] = []
    private var rank: [Int] = []
    private var orderedNodes: [Node] = []
    private var edgeEnds: [EdgeEnds] = []

    /// The ends of an edge as positions in the id-sorted node list (or, inside, as node numbers).
    public struct EdgeEnds: Sendable, Hashable {
        public var from: Int
        public var to: Int
    }

    public init() {}

    /// An empty graph with room for about this many nodes and edges (no rehashing while a large plan is built).
    public init(reservingNodes nodeCount: Int, edges edgeCount: Int) {
        nodes.reserve(nodeCount)
        edges.reserveCapacity(edgeCount)
        numberedEnds.reserveCapacity(edgeCount)
    }

    /// Adds `other`'s nodes, edges and writers after this graph's own, as if they had been added here in order.
    public mutating func merge(_ other: DependencyGraph) {
        let number = other.nodes.list.map { add($0) }
        func renumber(_ n: Int) -> Int { n == DependencyGraph.unresolved ? n : number[n] }
        edges.append(contentsOf: other.edges)
        numberedEnds.append(contentsOf: other.numberedEnds.map { EdgeEnds(from: renumber($0.from), to: renumber($0.to)) })
        for (secret, certificates) in other.writers {
            for c in certificates { recordWriter(secret: secret, certificate: c) }
        }
    }

    /// Adds `node` (or, when its id is known, keeps the declared one of the two) and returns its number.
    @discardableResult
    public mutating func add(_ node: Node) -> Int {
        let (number, changed) = nodes.add(node)
        if changed { isFinished = false }
        return number
    }

    public mutating func connect(_ edge: Edge) {
        guard edge.from != edge.to else { return }
        connect(edge, ends: EdgeEnds(from: nodes.number(of: edge.from) ?? DependencyGraph.unresolved,
                                     to: nodes.number(of: edge.to) ?? DependencyGraph.unresolved))
    }

    /// Connects an edge whose ends the caller already knows by number (what `add` returned).
    public mutating func connect(_ edge: Edge, from: Int, to: Int) {
        guard from != to else { return }
        connect(edge, ends: EdgeEnds(from: from, to: to))
    }

    private mutating func connect(_ edge: Edge, ends: EdgeEnds) {
        isFinished = false
        edges.append(edge)
        numberedEnds.append(ends)
    }

    public mutating func recordWriter(secret: String, certificate: String) {
        func addOnce(_ list: inout [String]) { if !list.contains(certificate) { list.append(certificate) } }
        addOnce(&writers[secret, default: []])
    }

    public func node(_ id: String) -> Node? { nodes[id] }

    /// The number of node `id` (what `add` returned), nil when it is not in the graph.
    public func number(of id: String) -> Int? { nodes.number(of: id) }

    /// Sorts nodes and edges once, and numbers edge ends by node position, so that every reader gets a
    /// deterministic order (and integers to work with) for free.
    public mutating func finish() {
        let list = nodes.list
        let large = list.count + edges.count > 20_000
        order = Array(list.indices).sortedOnTwoCores { list[$0].id < list[$1].id }
        var rank = [Int](repeating: 0, count: list.count)
        for (p, n) in order.enumerated() { rank[n] = p }
        self.rank = rank
        let order = self.order
        // Edge ends by position; an end that was not a node when connected is looked up once more.
        let all = edges, table = nodes
        let ends = numberedEnds.enumerated().map { k, e in
            func position(_ n: Int, _ id: String) -> Int {
                let number = n == DependencyGraph.unresolved ? table.number(of: id) : n
                return number.map { rank[$0] } ?? DependencyGraph.missing
            }
            return EdgeEnds(from: position(e.from, all[k].from), to: position(e.to, all[k].to))
        }
        // Sort edges by the positions of their ends among the sorted ids, then kind: the same order as comparing
        // the strings, as one integer per edge (28 bits per end, 4 for the kind).
        let kinds = EdgeKind.allCases.map(\.rawValue).sorted()
        var kindRank: [EdgeKind: Int] = [:]
        for k in EdgeKind.allCases { kindRank[k] = kinds.firstIndex(of: k.rawValue) ?? 0 }
        let keys = all.indices.map { i in ends[i].from << 32 | ends[i].to << 4 | (kindRank[all[i].kind] ?? 0) }
        // Ties keep connection order, so of a repeated edge (same ends and kind) the first comes first and is kept.
        let sorted = Array(all.indices).sortedOnTwoCores { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : a < b }
        var unique: [Int] = []
        unique.reserveCapacity(sorted.count)
        for i in sorted {
            if let last = unique.last, keys[last] == keys[i], all[last].from == all[i].from, all[last].to == all[i].to { continue }
            unique.append(i)
        }
        let numbered = numberedEnds, kept = unique
        (orderedNodes, (edges, numberedEnds, edgeEnds)) = concurrently(parallel: large, { order.map { list[$0] } }, {
            (kept.map { all[$0] }, kept.map { numbered[$0] }, kept.map { ends[$0] })
        })
        isFinished = true
    }

    /// The position given to an edge end that is not a node (sorts after every node).
    static let missing = (1 << 28) - 1
    /// The number held for an edge end whose node was not in the graph when the edge was connected.
    static let unresolved = -1

    private var isCurrent: Bool { isFinished && order.count == nodes.count }

    /// A finished copy (a no-op when `finish()` already ran).
    public func finished() -> DependencyGraph {
        if isCurrent { return self }
        var g = self
        g.finish()
        return g
    }

    /// The position of node `id` in the id-sorted node list of the finished graph. Ask a finished graph (the
    /// builder's, or `finished()`): an unfinished one is sorted again on every call.
    public func position(of id: String) -> Int? {
        guard isCurrent else { return finished().position(of: id) }
        return nodes.number(of: id).map { rank[$0] }
    }

    /// Nodes sorted by id, edges sorted, and each edge's ends as positions in that node list (for algorithms that
    /// want integers rather than ids).
    public var positional: (nodes: [Node], edges: [Edge], ends: [EdgeEnds]) {
        let g = finished()
        return (g.orderedNodes, g.edges, g.edgeEnds)
    }

    /// Node ids sorted.
    public var sortedIDs: [String] { sortedNodes.map(\.id) }

    /// Nodes sorted by id (deterministic output).
    public var sortedNodes: [Node] { isCurrent ? orderedNodes : finished().orderedNodes }

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
        var adjacency = [[Int]](repeating: [], count: g.order.count)
        for e in g.edgeEnds where e.from < adjacency.count && e.to < adjacency.count { adjacency[e.from].append(e.to) }
        return (g.orderedNodes.map(\.id), adjacency)
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

/// The nodes of a graph, in the order they were first added, found by id.
public struct NodeTable: Sendable {
    /// Nodes in the order they were first added (a node's number is its place here).
    public private(set) var list: [Node] = []
    private var numbers: [String: Int] = [:]

    public init() {}

    public var count: Int { list.count }
    public subscript(id: String) -> Node? { numbers[id].map { list[$0] } }
    public func number(of id: String) -> Int? { numbers[id] }

    mutating func reserve(_ count: Int) {
        list.reserveCapacity(count)
        numbers.reserveCapacity(count)
    }

    /// Adds `node` unless its id is known; a declared node replaces one that was only referenced. Returns the
    /// node's number and whether the table changed.
    mutating func add(_ node: Node) -> (number: Int, changed: Bool) {
        if let n = numbers[node.id] {
            guard !list[n].declared && node.declared else { return (n, false) }
            list[n] = node
            return (n, true)
        }
        numbers[node.id] = list.count
        list.append(node)
        return (list.count - 1, true)
    }
}
