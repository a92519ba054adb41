/// Strongly connected components (Tarjan, iterative over integer indices: no recursion, never loops).
/// Returns the components that are cycles (more than one member), each sorted, sorted by first member.
public enum Cycles {
    public static func find(nodes: [String], successors: [String: [String]]) -> [[String]] {
        let names = nodes.sorted()
        var index: [String: Int] = [:]
        index.reserveCapacity(names.count)
        for (i, n) in names.enumerated() { index[n] = i }
        var adjacency = [[Int]](repeating: [], count: names.count)
        for (from, tos) in successors {
            guard let f = index[from] else { continue }
            adjacency[f] = tos.compactMap { index[$0] }
        }
        return find(count: names.count, adjacency: adjacency).map { $0.map { names[$0] }.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// Components (of more than one node) of a graph over `0..<count`.
    public static func find(count: Int, adjacency: [[Int]]) -> [[Int]] {
        var order = [Int](repeating: -1, count: count)
        var low = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int] = []
        var next = 0
        var result: [[Int]] = []
        var work: [(Int, Int)] = []
        for start in 0..<count where order[start] < 0 {
            order[start] = next; low[start] = next; next += 1
            stack.append(start); onStack[start] = true
            work.append((start, 0))
            while let (v, i) = work.last {
                if i < adjacency[v].count {
                    work[work.count - 1].1 = i + 1
                    let w = adjacency[v][i]
                    if order[w] < 0 {
                        order[w] = next; low[w] = next; next += 1
                        stack.append(w); onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], order[w])
                    }
                } else {
                    work.removeLast()
                    if let (parent, _) = work.last { low[parent] = min(low[parent], low[v]) }
                    if low[v] == order[v] {
                        // Most components are one node, not a cycle: no list for those.
                        if stack.last == v {
                            stack.removeLast()
                            onStack[v] = false
                            continue
                        }
                        var component: [Int] = []
                        while let w = stack.popLast() {
                            onStack[w] = false
                            component.append(w)
                            if w == v { break }
                        }
                        if component.count > 1 { result.append(component) }
                    }
                }
            }
        }
        return result
    }
}
