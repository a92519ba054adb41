/// pass, fail or unknown: what live evidence says about one prerequisite.
public enum Verdict: String, Sendable, Codable, Comparable {
    /// The evidence shows the prerequisite holds.
    case pass
    /// The evidence shows it does not (a wrong address, a missing image, a 401 on the challenge path…).
    case fail
    /// No evidence could be had (timeout, resolver down, probe not applicable).
    case unknown

    private var rank: Int { self == .pass ? 0 : self == .unknown ? 1 : 2 }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// One probe's answer: the verdict, a one-line summary, evidence as ordered key/value pairs, how long it took
/// (milliseconds, all attempts included) and how many attempts were made.
public struct ProbeResult: Sendable, CustomStringConvertible {
    public var verdict: Verdict
    public var summary: String
    public var evidence: [(key: String, value: String)]
    public var durationMilliseconds: Double
    public var attempts: Int

    public init(_ verdict: Verdict, _ summary: String, evidence: [(key: String, value: String)] = [],
                durationMilliseconds: Double = 0, attempts: Int = 1) {
        self.verdict = verdict
        self.summary = summary
        self.evidence = evidence
        self.durationMilliseconds = durationMilliseconds
        self.attempts = attempts
    }

    public func evidence(_ key: String) -> String? { evidence.first { $0.key == key }?.value }

    public var description: String { "\(verdict.rawValue): \(summary)" }
}

/// A monotonic stopwatch in milliseconds.
struct Stopwatch {
    private let start = ContinuousClock.now
    var milliseconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
