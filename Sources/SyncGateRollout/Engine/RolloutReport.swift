import Foundation

/// One failed gate of one Application (or of a stage).
public struct RolloutFailure: Sendable, Equatable {
    public var stage: String
    public var application: ApplicationIdentity?
    public var failure: GateFailure
}

/// What a run did and how it ended: the exit code, every failure with its evidence and remedy, what was paused.
public struct RolloutReport: Sendable {
    public var rollout: String
    public var runID: String
    public var exitCode: RolloutExitCode
    public var headline: String
    public var failures: [RolloutFailure]
    /// Application id -> outcome of the pause (`paused`, `already paused`, or the error).
    public var paused: [(application: String, outcome: String)]
    public var verifiedStages: [String]
    public var placeholders: [String]
    public var notes: [String]
    /// What a previous, interrupted run left (resume).
    public var resumedFrom: String?
    public var startedAt: Date
    public var finishedAt: Date

    public var text: String {
        var lines: [String] = []
        let icon = exitCode == .success ? "OK" : "FAILED (exit \(exitCode.rawValue))"
        lines.append("rollout \(rollout) run \(runID): \(icon): \(headline)")
        if let resumedFrom { lines.append("  resumed: \(resumedFrom)") }
        if !verifiedStages.isEmpty { lines.append("  verified stages: \(verifiedStages.joined(separator: ", "))") }
        if !placeholders.isEmpty { lines.append("  placeholder Secrets created: \(placeholders.joined(separator: ", "))") }
        for f in failures {
            lines.append("  ✗ [\(f.stage)] \(f.application?.id ?? "stage") — \(f.failure.gate) gate, \(f.failure.object)")
            lines.append("      evidence: \(f.failure.evidence)")
            lines.append("      do: \(f.failure.remedy)")
        }
        for p in paused { lines.append("  paused auto-sync: \(p.application): \(p.outcome)") }
        for n in notes { lines.append("  note: \(n)") }
        lines.append("  took \(RolloutEvent.duration(finishedAt.timeIntervalSince(startedAt)))")
        return lines.joined(separator: "\n")
    }
}
