/// Derives recommended sync waves from the graph's topological levels (per Application: waves only order
/// resources within one Application) and the order between Applications.
public struct WavePlanner: Sendable {
    public init() {}


    public func plan(graph: DependencyGraph, inventory: Inventory) -> WavePlan {
        let (nodes, edges, ends) = graph.positional
        let manifests = inventory.manifests
        // Objects of the graph: the manifests that declare nodes (a Gateway and its listeners are one object),
        // merged by Application and display name (an object declared twice is one object, at its first manifest).
        var objectIndex: [PlannedObjectKey: Int] = [:]
        objectIndex.reserveCapacity(manifests.count)
        var keys: [PlannedObjectKey] = []
        var firstManifest: [Int] = []
        var objectOfManifest = [Int](repeating: -1, count: manifests.count)
        var nodeObject = [Int](repeating: -1, count: nodes.count)
        nodes.withUnsafeBufferPointer { nodes in
            for p in nodes.indices where nodes[p].kind != .application {
                guard let object = nodes[p].object else { continue }
                let mp = nodes[p].manifestPosition.flatMap { $0 >= 0 && $0 < manifests.count ? $0 : nil }
                if let mp, objectOfManifest[mp] >= 0 { nodeObject[p] = objectOfManifest[mp]; continue }
                let key = PlannedObjectKey(application: nodes[p].application, object: object)
                let o: Int
                if let known = objectIndex[key] {
                    o = known
                } else {
                    o = keys.count
                    objectIndex[key] = o
                    keys.append(key)
                    firstManifest.append(Int.max)
                }
                if let mp {
                    objectOfManifest[mp] = o
                    firstManifest[o] = min(firstManifest[o], mp)
                }
                nodeObject[p] = o
            }
        }
        // Objects made outside an inventory (hand-built graphs) find their manifest by key.
        if firstManifest.contains(Int.max) {
            for (i, m) in manifests.enumerated() {
                guard let o = objectIndex[PlannedObjectKey(application: m.application, object: m.displayName)] else { continue }
                if firstManifest[o] == Int.max { firstManifest[o] = i }
            }
        }
        // Number objects by sorted key, for determinism; drop those no manifest declares.
        let sortedPositions = keys.indices.filter { firstManifest[$0] != Int.max }.sorted { keys[$0] < keys[$1] }
        var rank = [Int](repeating: -1, count: keys.count)
        for (r, p) in sortedPositions.enumerated() { rank[p] = r }
        let objects = sortedPositions.map { keys[$0] }
        for p in nodeObject.indices where nodeObject[p] >= 0 { nodeObject[p] = rank[nodeObject[p]] }

        var objectEdges: [ObjectEdge] = []
        var internalEdges: [(Int, Int)] = []
        var crossEdges: [ObjectEdge] = []
        // Object edges seen, as one integer each (from, to, kind).
        var seen: Set<Int> = []
        seen.reserveCapacity(edges.count)
        let kindNumber = Dictionary(uniqueKeysWithValues: EdgeKind.allCases.enumerated().map { ($1, $0) })
        for (k, end) in ends.enumerated() {
            guard end.from < nodes.count, end.to < nodes.count else { continue }
            let f = nodeObject[end.from], t = nodeObject[end.to]
            guard f >= 0, t >= 0, f != t else { continue }
            let kind = edges[k].kind
            guard seen.insert(f << 36 | t << 8 | kindNumber[kind]!).inserted else { continue }
            let oe = ObjectEdge(from: objects[f], to: objects[t], edge: edges[k], fromEntry: f, toEntry: t)
            objectEdges.append(oe)
            if objects[f].application == objects[t].application {
                // A Service and the workload it selects need no order (Argo CD applies Services first anyway).
                if kind != .selects { internalEdges.append((f, t)) }
            } else {
                crossEdges.append(oe)
            }
        }

        // Levels per Application over its internal edges.
        let (level, cyclic) = WavePlanner.levels(count: objects.count, edges: internalEdges)
        let cycles = cyclic.map { $0.map { objects[$0] }.sorted() }.sorted { $0[0] < $1[0] }

        // One entry per object, at the same position.
        var entries: [WaveEntry] = []
        entries.reserveCapacity(objects.count)
        for (i, o) in objects.enumerated() {
            let m = manifests[firstManifest[sortedPositions[i]]]
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
                        applicationWaves: applicationWaves)
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
