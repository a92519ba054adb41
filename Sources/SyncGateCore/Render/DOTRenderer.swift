/// Graphviz DOT of the graph: one cluster per Application; edges carry their reason as tooltip.
public struct DOTRenderer: PlanRenderer {
    public init() {}

    public func render(_ plan: Plan) -> String {
        var out = "digraph syncgate {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        let nodes = plan.graph.sortedNodes.filter { $0.kind != .application }
        var byApp: [String: [Node]] = [:]
        for n in nodes { byApp[n.application ?? "", default: []].append(n) }
        for (i, app) in byApp.keys.sorted().enumerated() {
            let indent = app.isEmpty ? "  " : "    "
            if !app.isEmpty { out += "  subgraph cluster_\(i) {\n    label=\(Escape.quoted(app));\n" }
            for n in byApp[app]! {
                let style = n.declared ? "" : ", style=dashed, color=red"
                out += "\(indent)\(Escape.quoted(n.id)) [label=\(Escape.quoted(n.id))\(style)];\n"
            }
            if !app.isEmpty { out += "  }\n" }
        }
        for e in plan.graph.sortedEdges {
            guard NodeID.kind(of: e.from) != .application, NodeID.kind(of: e.to) != .application else { continue }
            out += "  \(Escape.quoted(e.from)) -> \(Escape.quoted(e.to)) [label=\(Escape.quoted(e.kind.rawValue)), tooltip=\(Escape.quoted(e.reason))];\n"
        }
        out += "}\n"
        return out
    }
}
