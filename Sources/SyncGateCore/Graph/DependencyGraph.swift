/// Nodes with stable ids and dependency edges. Nodes are shared (one Gateway, many listeners); adding a node twice
/// keeps the declared one; adding an edge twice keeps the first reason.
public struct DependencyGraph: Sendable {
    public private(set) var nodes: [String: Node] = [:]
    public private(set) var edges: [Edge] = []
    private var edgeKeys: Set<EdgeKey> = []
    /// Certificates that write a Secret (secret id -> certificate ids). Not an ordering edge: the Secret a
    /// Certificate writes exists only after issuance.
    public private(set) var writers: [String: [String]] = [:]

    struct EdgeKey: Hashable { var from: String, to: String, kind: EdgeKind }

    public init() {}

    public mutating func add(_ node: Node) {
        if let existing = nodes[node.id] {
            if !existing.declared && node.declared { nodes[node.id] = node }
        } else {
            nodes[node.id] = node
        }
    }

    public mutating func connect(_ edge: Edge) {
        guard edge.from != edge.to else { return }
        if edgeKeys.insert(EdgeKey(from: edge.from, to: edge.to, kind: edge.kind)).inserted { edges.append(edge) }
    }

    public mutating func recordWriter(secret: String, certificate: String) {
        if !(writers[secret]?.contains(certificate) ?? false) { writers[secret, default: []].append(certificate) }
    }

    public func node(_ id: String) -> Node? { nodes[id] }

    /// Nodes sorted by id (deterministic output).
    public var sortedNodes: [Node] { nodes.values.sorted { $0.id < $1.id } }

    /// Edges sorted by (from, to, kind).
    public var sortedEdges: [Edge] {
        edges.sorted { a, b in
            if a.from != b.from { return a.from < b.from }
            if a.to != b.to { return a.to < b.to }
            return a.kind.rawValue < b.kind.rawValue
        }
    }

    /// Outgoing adjacency by node id.
    public func successors() -> [String: [String]] {
        var out: [String: [String]] = [:]
        for e in edges { out[e.from, default: []].append(e.to) }
        return out
    }

    public func incoming() -> [String: [Edge]] {
        var out: [String: [Edge]] = [:]
        for e in edges { out[e.to, default: []].append(e) }
        return out
    }
}
