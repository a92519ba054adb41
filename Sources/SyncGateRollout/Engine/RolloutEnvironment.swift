import Foundation

/// Everything the engine talks to, injected.
public struct RolloutEnvironment: Sendable {
    public var cluster: any RolloutCluster
    public var autoSync: any AutoSyncSwitch
    public var live: any LiveEvidence
    public var clock: any RolloutClock
    public var events: any RolloutEventSink
    /// Reads a trust bundle named in the policy (`verification.trustBundle`), PEM text or nil.
    public var trustBundle: @Sendable (String) -> String?
    /// Identifies this run (Lease holder, journal).
    public var runID: String

    public init(cluster: any RolloutCluster, autoSync: any AutoSyncSwitch, live: any LiveEvidence, clock: any RolloutClock,
                events: any RolloutEventSink, trustBundle: @escaping @Sendable (String) -> String? = { _ in nil },
                runID: String = RolloutEnvironment.newRunID()) {
        self.cluster = cluster
        self.autoSync = autoSync
        self.live = live
        self.clock = clock
        self.events = events
        self.trustBundle = trustBundle
        self.runID = runID
    }

    public static func newRunID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "run-" + String((0..<8).map { _ in alphabet.randomElement()! })
    }
}

public struct RolloutOptions: Sendable {
    public enum Mode: String, Sendable {
        /// Run the stages: prerequisites, Secrets, listeners, sync, certificates, verification, soak.
        case rollout
        /// PreSync hook for one Application: prerequisites, Secrets/placeholders and listeners only (Argo CD syncs next).
        case hook
        /// Re-verify what a stage serves (for `promote`): Leases and the verify gates only, nothing changed.
        case verify
    }
    public var mode: Mode
    /// Names the journal (`syncgate-rollout-NAME`).
    public var rolloutName: String
    /// Where the journal ConfigMap lives.
    public var journalNamespace: String
    /// Ignore a journal left by an earlier run and start over.
    public var fresh: Bool

    public init(mode: Mode = .rollout, rolloutName: String = "default", journalNamespace: String = "argocd", fresh: Bool = false) {
        self.mode = mode
        self.rolloutName = rolloutName
        self.journalNamespace = journalNamespace
        self.fresh = fresh
    }
}
