/// Errors that stop a plan before it starts (a usage error: exit 1).
public enum PlanError: Error, Sendable, CustomStringConvertible, Equatable {
    case notADirectory(String)
    case policyUnreadable(String, String)

    public var description: String {
        switch self {
        case .notADirectory(let p):
            return "\(p): not a directory; pass the root of a GitOps repository (syncgate plan DIR)"
        case .policyUnreadable(let p, let why):
            return "\(p): cannot read the policy file: \(why); fix it or pass --policy with another file"
        }
    }
}
