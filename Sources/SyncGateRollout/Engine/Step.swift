/// One step of a rollout. The plan is a list of steps sorted by one comparator (`StepOrder`); the executor
/// is a loop over it (gitops-engine's sync tasks: ordering is data).
public struct Step: Sendable, Hashable, CustomStringConvertible {
    /// 0: the Leases of every selected Application (before anything acts); 1: preflight, the prerequisites and
    /// Secrets (or placeholders) of every selected Application, so every blocked one pauses at once and no Gateway
    /// waits on a missing Secret; 2: the stages (listener, sync, certificate, verify; soak; stage verified).
    public var phase: Int
    public var stageIndex: Int
    public var stage: String
    /// Position of the Application inside its stage (dependency order), `Int.max` for stage-level steps.
    public var appOrder: Int
    public var application: ApplicationIdentity?
    public var gate: GateKind
    /// The node the step acts on (`dns:host`, `secret:ns/name`, `listener:ns/gw/l`, `certificate:ns/name`, `stage:canary`).
    public var object: String
    /// The hostname the step is about, when any.
    public var host: String?

    public init(phase: Int, stageIndex: Int, stage: String, appOrder: Int, application: ApplicationIdentity?,
                gate: GateKind, object: String, host: String? = nil) {
        self.phase = phase
        self.stageIndex = stageIndex
        self.stage = stage
        self.appOrder = appOrder
        self.application = application
        self.gate = gate
        self.object = object
        self.host = host
    }

    /// Stable id for the journal: `stage/app/gate/object`.
    public var id: String { "\(stage)/\(application?.id ?? "-")/\(gate)/\(object)" }

    public var description: String {
        let app = application.map { " \($0.id)" } ?? ""
        return "[\(stage)]\(app) \(gate) \(object)"
    }
}

/// The one comparator: phase, stage, Application order, gate, object.
public enum StepOrder {
    public static func areInIncreasingOrder(_ a: Step, _ b: Step) -> Bool {
        if a.phase != b.phase { return a.phase < b.phase }
        if a.stageIndex != b.stageIndex { return a.stageIndex < b.stageIndex }
        if a.appOrder != b.appOrder { return a.appOrder < b.appOrder }
        if a.gate != b.gate { return a.gate < b.gate }
        return a.object < b.object
    }
}
