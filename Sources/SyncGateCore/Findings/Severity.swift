/// How much a finding matters. `error` blocks (`syncgate plan` exits 2); `warning` and `info` do not.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case info, warning, error

    var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}
