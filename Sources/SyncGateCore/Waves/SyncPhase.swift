/// Argo CD sync phases, in execution order (gitops-engine `syncPhaseOrder`).
public enum SyncPhase: String, Sendable, Comparable, CaseIterable {
    case preSync = "PreSync", sync = "Sync", postSync = "PostSync", syncFail = "SyncFail"

    public init(hookAnnotation: String?) {
        guard let text = hookAnnotation else { self = .sync; return }
        // The annotation may list several phases; the earliest one orders the resource.
        let phases = text.split(separator: ",").map { $0.trimmingCharacters(in: " ") }
        var best: SyncPhase? = nil
        for p in phases {
            let phase: SyncPhase?
            switch p {
            case "PreSync", "pre-install", "pre-upgrade": phase = .preSync
            case "Sync": phase = .sync
            case "PostSync", "post-install", "post-upgrade": phase = .postSync
            case "SyncFail": phase = .syncFail
            default: phase = nil
            }
            if let phase, best == nil || phase < best! { best = phase }
        }
        self = best ?? .sync
    }

    var order: Int {
        switch self {
        case .preSync: return -1
        case .sync: return 0
        case .postSync: return 1
        case .syncFail: return 2
        }
    }

    public static func < (a: SyncPhase, b: SyncPhase) -> Bool { a.order < b.order }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
