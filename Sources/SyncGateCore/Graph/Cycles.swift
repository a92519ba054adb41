/// Strongly connected components (Tarjan, iterative: no recursion, never loops). Returns the components that
/// are cycles (more than one member), each sorted, sorted by first member.
public enum Cycles {
    public static func find(nodes: [String], successors: [String: [String]]) -> [[String]] {
        var index = 0
        var indices: [String: Int] = [:]
        var lowlink: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var result: [[String]] = []

        for start in nodes.sorted() where indices[start] == nil {
            // Each frame: node and position in its successor list.
            var work: [(String, Int)] = [(start, 0)]
            indices[start] = index; lowlink[start] = index; index += 1
            stack.append(start); onStack.insert(start)
            while let (v, i) = work.last {
                let next = successors[v] ?? []
                if i < next.count {
                    work[work.count - 1].1 = i + 1
                    let w = next[i]
                    if indices[w] == nil {
                        indices[w] = index; lowlink[w] = index; index += 1
                        stack.append(w); onStack.insert(w)
                        work.append((w, 0))
                    } else if onStack.contains(w) {
                        lowlink[v] = min(lowlink[v]!, indices[w]!)
                    }
                } else {
                    work.removeLast()
                    if let (parent, _) = work.last { lowlink[parent] = min(lowlink[parent]!, lowlink[v]!) }
                    if lowlink[v] == indices[v] {
                        var component: [String] = []
                        while let w = stack.popLast() {
                            onStack.remove(w)
                            component.append(w)
                            if w == v { break }
                        }
                        if component.count > 1 { result.append(component.sorted()) }
                    }
                }
            }
        }
        return result.sorted { $0[0] < $1[0] }
    }
}
