/// Derives recommended sync waves from the graph's topological levels (per Application: waves only order
/// resources within one Application) and the order between Applications.
public struct WavePlanner: Sendable {
    public init() {}

    struct EdgeSignature: Hashable { var from: Int, to: Int, kind: EdgeKind }

    public func plan(graph: DependencyGraph, inventory: Inventory) -> WavePlan {
        // Objects of the graph, numbered in sorted order.
        var objectIndex: [PlannedObjectKey: Int] = [:]
        var nodeObject: [String: Int] = [:]
        nodeObject.reserveCapacity(graph.nodes.count)
        var keys: [PlannedObjectKey] = []
        for n in graph.nodes.values where n.kind != .application {
            guard let object = n.object else { continue }
            let key = PlannedObjectKey(application: n.application, object: object)
            if let i = objectIndex[key] { nodeObject[n.id] = i; continue }
            objectIndex[key] = keys.count
            nodeObject[n.id] = keys.count
            keys.append(key)
        }
        // Renumber by sorted key for determinism.
        let sortedPositions = keys.indices.sorted { keys[$0] < keys[$1] }
        var rank = [Int](repeating: 0, count: keys.count)
        for (r, p) in sortedPositions.enumerated() { rank[p] = r }
        let objects = sortedPositions.map { keys[$0] }
        for (id, i) in nodeObject { nodeObject[id] = rank[i] }

        var objectEdges: [ObjectEdge] = []
        var internalEdges: [(Int, Int)] = []
        var crossEdges: [ObjectEdge] = []
        var seen: Set<EdgeSignature> = []
        for e in graph.sortedEdges {
            guard let f = nodeObject[e.from], let t = nodeObject[e.to], f != t else { continue }
            guard seen.insert(EdgeSignature(from: f, to: t, kind: e.kind)).inserted else { continue }
            let oe = ObjectEdge(from: objects[f], to: objects[t], edge: e)
            objectEdges.append(oe)
            if objects[f].application == objects[t].application {
                // A Service and the workload it selects need no order (Argo CD applies Services first anyway).
                if e.kind != .selects { internalEdges.append((f, t)) }
            } else {
                crossEdges.append(oe)
            }
        }

        // Levels per Application over its internal edges (objects of one Application are contiguous when sorted).
        let (level, cyclic) = WavePlanner.levels(count: objects.count, edges: internalEdges)
        let cycles = cyclic.map { $0.map { objects[$0] }.sorted() }.sorted { $0[0] < $1[0] }

        var manifests: [PlannedObjectKey: Manifest] = [:]
        manifests.reserveCapacity(objects.count)
        for m in inventory.manifests {
            let key = PlannedObjectKey(application: m.application, object: m.displayName)
            if objectIndex[key] != nil, manifests[key] == nil { manifests[key] = m }
        }
        var entries: [WaveEntry] = []
        var entryIndex: [PlannedObjectKey: Int] = [:]
        entries.reserveCapacity(objects.count)
        for (i, o) in objects.enumerated() {
            guard let m = manifests[o] else { continue }
            entryIndex[o] = entries.count
            entries.append(WaveEntry(object: o.object, application: o.application, location: m.location,
                                     recommended: level[i], declared: m.declaredWave, phase: m.syncPhase,
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
        let appIDs = inventory.applications.map(\.id).sorted()
        var appIndex: [String: Int] = [:]
        for (i, a) in appIDs.enumerated() { appIndex[a] = i }
        let appEdges = order.compactMap { d -> (Int, Int)? in
            guard let a = appIndex[d.before], let b = appIndex[d.after] else { return nil }
            return (a, b)
        }
        let (appLevels, _) = WavePlanner.levels(count: appIDs.count, edges: appEdges)
        var applicationWaves: [String: Int] = [:]
        for (i, a) in appIDs.enumerated() { applicationWaves[a] = appLevels[i] }
        return WavePlan(entries: entries, applicationOrder: order, objectEdges: objectEdges, cycles: cycles,
                        applicationWaves: applicationWaves, entryIndex: entryIndex)
    }

    /// Longest-path levels (Kahn) over `0..<count`. Members of cycles get a level after their processed
    /// predecessors and are returned as cycles; nothing loops.
    static func levels(count: Int, edges: [(Int, Int)]) -> ([Int], [[Int]]) {
        var indegree = [Int](repeating: 0, count: count)
        var succ = [[Int]](repeating: [], count: count)
        var pred = [[Int]](repeating: [], count: count)
        for (a, b) in edges where a != b {
            succ[a].append(b)
            pred[b].append(a)
            indegree[b] += 1
        }
        var level = [Int](repeating: 0, count: count)
        var done = [Bool](repeating: false, count: count)
        var ready = (0..<count).filter { indegree[$0] == 0 }
        var head = 0
        while head < ready.count {
            let n = ready[head]
            head += 1
            done[n] = true
            for s in succ[n] {
                level[s] = max(level[s], level[n] + 1)
                indegree[s] -= 1
                if indegree[s] == 0 { ready.append(s) }
            }
        }
        var cycles: [[Int]] = []
        if ready.count < count {
            let rest = (0..<count).filter { !done[$0] }
            for n in rest {
                let fromProcessed = pred[n].filter { done[$0] }.map { level[$0] }.max()
                level[n] = (fromProcessed ?? -1) + 1
            }
            var restIndex: [Int: Int] = [:]
            for (i, n) in rest.enumerated() { restIndex[n] = i }
            let adjacency = rest.map { n in succ[n].compactMap { restIndex[$0] } }
            for component in Cycles.find(count: rest.count, adjacency: adjacency) {
                cycles.append(component.map { rest[$0] }.sorted())
            }
        }
        return (level, cycles)
    }

    /// Levels over named nodes (tests and small graphs).
    static func levels<T: Hashable & Comparable>(nodes: [T], edges: [(T, T)]) -> ([T: Int], [[T]]) {
        let sorted = nodes.sorted()
        var index: [T: Int] = [:]
        for (i, n) in sorted.enumerated() { index[n] = i }
        let intEdges = edges.compactMap { e -> (Int, Int)? in
            guard let a = index[e.0], let b = index[e.1] else { return nil }
            return (a, b)
        }
        let (levels, cycles) = levels(count: sorted.count, edges: intEdges)
        var out: [T: Int] = [:]
        for (i, n) in sorted.enumerated() { out[n] = levels[i] }
        return (out, cycles.map { $0.map { sorted[$0] } }.sorted { $0[0] < $1[0] })
    }
}
