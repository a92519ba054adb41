/// Mermaid flowchart of the graph: one subgraph per Application, edges labelled with their kind.
public struct MermaidRenderer: PlanRenderer {
    public init() {}

    public func render(_ plan: Plan) -> String {
        let nodes = plan.graph.sortedNodes.filter { $0.kind != .application }
        var ids: [String: String] = [:]
        for (i, n) in nodes.enumerated() { ids[n.id] = "n\(i)" }
        var out = "flowchart LR\n"
        var byApp: [String: [Node]] = [:]
        for n in nodes { byApp[n.application ?? "", default: []].append(n) }
        for (i, app) in byApp.keys.sorted().enumerated() {
            let members = byApp[app]!
            if !app.isEmpty { out += "  subgraph app\(i)[\"\(label(app))\"]\n" }
            for n in members {
                let text = label(n.id) + (n.declared ? "" : " (missing)")
                let shape = n.declared ? "[\"\(text)\"]" : "{{\"\(text)\"}}"
                out += "    \(ids[n.id]!)\(shape)\n"
            }
            if !app.isEmpty { out += "  end\n" }
        }
        for e in plan.graph.sortedEdges {
            guard let a = ids[e.from], let b = ids[e.to] else { continue }
            out += "  \(a) -->|\(e.kind.rawValue)| \(b)\n"
        }
        return out
    }

    func label(_ s: String) -> String {
        s.utf8.contains(UInt8(ascii: "\"")) ? s.replacingOccurrences(of: "\"", with: "#quot;") : s
    }
}
