/// Derives recommended sync waves from the graph's topological levels (per Application: waves only order
/// resources within one Application) and the order between Applications.
public struct WavePlanner: Sendable {
    public init() {}

    public func plan(graph: DependencyGraph, inventory: Inventory) -> WavePlan {
        var manifests: [ObjectKey2: Manifest] = [:]
        for m in inventory.manifests {
            let key = ObjectKey2(application: m.application, object: m.displayName)
            if manifests[key] == nil { manifests[key] = m }
        }
        func objectOf(_ id: String) -> ObjectKey2? {
            guard let n = graph.nodes[id], let object = n.object else { return nil }
            return ObjectKey2(application: n.application, object: object)
        }

        var objects: Set<ObjectKey2> = []
        for n in graph.nodes.values where n.kind != .application {
            if let k = objectOf(n.id) { objects.insert(k) }
        }
        var objectEdges: [ObjectEdge] = []
        var seenObjectEdges: Set<[String]> = []
        for e in graph.sortedEdges {
            guard let f = objectOf(e.from), let t = objectOf(e.to), f != t else { continue }
            let sig = [f.application ?? "", f.object, t.application ?? "", t.object, e.kind.rawValue]
            if seenObjectEdges.insert(sig).inserted { objectEdges.append(ObjectEdge(from: f, to: t, edge: e)) }
        }

        // Levels per Application over its internal edges.
        var byApp: [String: [ObjectKey2]] = [:]
        for o in objects { byApp[o.application ?? "", default: []].append(o) }
        var internalEdges: [String: [ObjectEdge]] = [:]
        var crossEdges: [ObjectEdge] = []
        for e in objectEdges {
            // A Service and the workload it selects need no order (Argo CD applies Services first anyway).
            if e.from.application == e.to.application { if e.edge.kind != .selects { internalEdges[e.from.application ?? "", default: []].append(e) } }
            else { crossEdges.append(e) }
        }
        var level: [ObjectKey2: Int] = [:]
        var cycles: [[ObjectKey2]] = []
        for app in byApp.keys.sorted() {
            let members = byApp[app]!.sorted()
            let (levels, cyclic) = WavePlanner.levels(nodes: members, edges: (internalEdges[app] ?? []).map { ($0.from, $0.to) })
            level.merge(levels) { a, _ in a }
            cycles.append(contentsOf: cyclic)
        }

        var entries: [WaveEntry] = []
        for o in objects.sorted() {
            guard let m = manifests[o] else { continue }
            entries.append(WaveEntry(object: o.object, application: o.application, location: m.location,
                                     recommended: level[o] ?? 0, declared: m.declaredWave, phase: m.syncPhase,
                                     kind: m.kind, name: m.name))
        }

        // Cross-Application order from hard dependencies.
        var order: [ApplicationDependency] = []
        var seenPairs: Set<[String]> = []
        for e in crossEdges where e.edge.kind.isHard {
            guard let a = e.from.application, let b = e.to.application, a != b else { continue }
            if seenPairs.insert([a, b]).inserted {
                order.append(ApplicationDependency(before: a, after: b, reason: e.edge.reason, location: e.edge.location))
            }
        }
        order.sort { $0.before != $1.before ? $0.before < $1.before : $0.after < $1.after }

        // Recommended Application waves among siblings.
        let appIDs = inventory.applications.map(\.id)
        let (appLevels, _) = WavePlanner.levels(nodes: appIDs.sorted(), edges: order.map { ($0.before, $0.after) })
        return WavePlan(entries: entries, applicationOrder: order, objectEdges: objectEdges, cycles: cycles,
                        applicationWaves: appLevels)
    }

    /// Longest-path levels (Kahn). Members of cycles get a level after their processed predecessors and are
    /// returned as cycles; nothing loops.
    static func levels<T: Hashable & Comparable>(nodes: [T], edges: [(T, T)]) -> ([T: Int], [[T]]) {
        var indegree: [T: Int] = [:]
        var succ: [T: [T]] = [:]
        var pred: [T: [T]] = [:]
        let nodeSet = Set(nodes)
        for n in nodes { indegree[n] = 0 }
        for (a, b) in edges where nodeSet.contains(a) && nodeSet.contains(b) && a != b {
            succ[a, default: []].append(b)
            pred[b, default: []].append(a)
            indegree[b, default: 0] += 1
        }
        var level: [T: Int] = [:]
        var ready = nodes.filter { indegree[$0] == 0 }
        for n in ready { level[n] = 0 }
        var head = 0
        while head < ready.count {
            let n = ready[head]
            head += 1
            for s in succ[n] ?? [] {
                level[s] = max(level[s] ?? 0, (level[n] ?? 0) + 1)
                indegree[s]! -= 1
                if indegree[s] == 0 { ready.append(s) }
            }
        }
        var cycles: [[T]] = []
        if ready.count < nodes.count {
            let rest = nodes.filter { indegree[$0]! > 0 }
            for n in rest {
                let fromProcessed = (pred[n] ?? []).compactMap { level[$0] }.max()
                level[n] = (fromProcessed ?? -1) + 1
            }
            // Report the strongly connected parts of what is left.
            let restSet = Set(rest)
            var ids: [T: String] = [:]
            var back: [String: T] = [:]
            for (i, n) in rest.enumerated() { let id = String(format6(i)); ids[n] = id; back[id] = n }
            var s: [String: [String]] = [:]
            for n in rest { s[ids[n]!] = (succ[n] ?? []).filter { restSet.contains($0) }.map { ids[$0]! } }
            for component in Cycles.find(nodes: Array(back.keys), successors: s) {
                cycles.append(component.compactMap { back[$0] }.sorted())
            }
        }
        return (level, cycles)
    }

    private static func format6(_ i: Int) -> String {
        let s = String(i)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }
}
