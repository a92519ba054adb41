/// The gates of DESIGN §3, in the order they run for one Application. Their raw values are the sort rank.
public enum GateKind: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    /// Take the `coordination.k8s.io/v1` Lease of the Application (two runs never act on the same one).
    case lease = 0
    /// DNS resolves to the ingress, backend Service/Deployment exist, images exist, issuer exists and is the stage's.
    case prerequisites = 1
    /// The listener's TLS Secret exists, or a placeholder is created.
    case secret = 2
    /// Hold auto-sync on Applications of later stages (paused with the reason) so Argo CD cannot sync them
    /// before the earlier stage is verified.
    case hold = 3
    /// The manual gate between stages (`syncgate promote --to STAGE`).
    case promotion = 4
    /// The Application's stage has started: restore the auto-sync a hold paused.
    case release = 5
    /// Listener `Programmed` and `ResolvedRefs`; the Gateway as a whole still `Programmed`.
    case listener = 6
    /// Trigger the Argo CD sync through the Application's `operation`.
    case sync = 7
    /// Certificate `Ready`, watching for early failure.
    case certificate = 8
    /// What is served: leaf equals the Secret, covers the host, chains to the stage's trust, valid long enough.
    case verify = 9
    /// Keep verifying every host of the stage for the soak time.
    case soak = 10
    /// The stage is verified: record it (the next stage may start).
    case stageVerified = 11

    public var description: String {
        switch self {
        case .lease: return "lease"
        case .prerequisites: return "prerequisites"
        case .hold: return "hold"
        case .release: return "release"
        case .promotion: return "promotion"
        case .secret: return "secret"
        case .listener: return "listener"
        case .sync: return "sync"
        case .certificate: return "certificate"
        case .verify: return "verify"
        case .soak: return "soak"
        case .stageVerified: return "stage-verified"
        }
    }

    public static func < (a: GateKind, b: GateKind) -> Bool { a.rawValue < b.rawValue }

    /// Pure checks are re-run when a journal is resumed (the world may have changed); actions are skipped once done.
    public var isCheck: Bool { self == .prerequisites || self == .listener || self == .verify || self == .hold }
}

/// Why a gate failed, which decides the exit code (DESIGN §2).
public enum FailureClass: String, Sendable, Equatable {
    /// A prerequisite is missing: nothing was changed by this run's sync; exit 2.
    case blocked
    /// Something changed and what is served (or cert-manager) says it went wrong; exit 3.
    case verificationFailed = "verification-failed"
    /// A wait ran out; exit 4.
    case timedOut = "timed-out"
    /// Another run holds the Application, or the API failed beyond retries; exit 1 or 4 as stated.
    case internalError = "internal-error"

    public var exitCode: RolloutExitCode {
        switch self {
        case .blocked: return .blocked
        case .verificationFailed: return .verificationFailed
        case .timedOut: return .timedOut
        case .internalError: return .internalError
        }
    }
}

/// The exit codes of every command.
public enum RolloutExitCode: Int32, Sendable, Comparable {
    case success = 0
    case internalError = 1
    case blocked = 2
    case verificationFailed = 3
    case timedOut = 4
    public static func < (a: RolloutExitCode, b: RolloutExitCode) -> Bool { a.rawValue < b.rawValue }
}

/// A failed gate: which gate, which object, what evidence, what to do.
public struct GateFailure: Sendable, Equatable, CustomStringConvertible {
    public var gate: GateKind
    public var failure: FailureClass
    /// The object that failed (a graph node id: `dns:pay.example.com`, `listener:traefik/gw/https-pay`).
    public var object: String
    public var evidence: String
    public var remedy: String

    public init(gate: GateKind, failure: FailureClass, object: String, evidence: String, remedy: String) {
        self.gate = gate
        self.failure = failure
        self.object = object
        self.evidence = evidence
        self.remedy = remedy
    }

    public var description: String { "\(gate) gate: \(object): \(evidence). \(remedy)" }
    /// One line for the `syncgate.dev/paused-reason` annotation.
    public var pauseReason: String { "\(gate) gate failed on \(object): \(evidence)" }
}

/// What a gate evaluation says now.
public enum GateVerdict: Sendable, Equatable {
    case pass(String)
    /// Not yet: check again after the interval (until the gate's timeout).
    case wait(String)
    case fail(GateFailure)
}
