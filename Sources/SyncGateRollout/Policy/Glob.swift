/// Shell-style globs for Application names: `*` any run of characters, `?` one character, `[abc]` a set.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0, starP = -1, starT = 0
        while ti < t.count {
            if pi < p.count, let (ok, next) = single(p, pi, t[ti]), ok {
                pi = next
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                starP = pi
                starT = ti
                pi += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Matches one non-star pattern element at `i` against `c`: (matched, index after the element), nil for `*`.
    private static func single(_ p: [Unicode.Scalar], _ i: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        switch p[i] {
        case "*": return nil
        case "?": return (true, i + 1)
        case "[":
            guard let close = p[(i + 1)...].firstIndex(of: "]") else { return (c == "[", i + 1) }
            var set = Array(p[(i + 1)..<close])
            let negate = set.first == "!" || set.first == "^"
            if negate { set.removeFirst() }
            var hit = false
            var j = 0
            while j < set.count {
                if j + 2 < set.count, set[j + 1] == "-" {
                    if set[j].value <= c.value && c.value <= set[j + 2].value { hit = true }
                    j += 3
                } else {
                    if set[j] == c { hit = true }
                    j += 1
                }
            }
            return (hit != negate, close + 1)
        default:
            return (p[i] == c, i + 1)
        }
    }

    /// Whether the text has glob metacharacters.
    public static func isPattern(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }
}
