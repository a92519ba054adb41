/// One problem in `syncgate.yaml`: where, what, and what to do.
public struct PolicyProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The field path (`stages[1].verification.soak`).
    public var field: String
    public var message: String
    public var remedy: String

    public init(file: String, line: Int, field: String, message: String, remedy: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        self.remedy = remedy
    }

    public var description: String {
        let at = line > 0 ? "\(file):\(line)" : file
        return "\(at): \(field): \(message). \(remedy)"
    }
}

/// `syncgate.yaml` could not be used. Lists every problem found, not only the first.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public var problems: [PolicyProblem]
    public init(_ problems: [PolicyProblem]) { self.problems = problems }
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
