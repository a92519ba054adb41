/// Turns a policy and an inventory into the sorted list of steps. Pure.
public struct RolloutPlan: Sendable {
    public var steps: [Step]
    /// Applications per stage, in dependency order.
    public var stages: [(stage: Stage, applications: [RolloutApplication])]
    /// Applications no stage selects (not rolled out), and notes such as dependency cycles.
    public var unselected: [ApplicationIdentity]
    public var notes: [String]

    public var applications: [RolloutApplication] { stages.flatMap(\.applications) }
    public func stageOf(_ app: ApplicationIdentity) -> Stage? {
        stages.first { $0.applications.contains { $0.identity == app } }?.stage
    }
}

public enum RolloutPlanner {
    /// - Parameters:
    ///   - only: run only this stage (`--stage S`); nil: every stage from the first.
    ///   - applications: restrict to these Applications (`hook --app`); nil: all.
    public static func plan(policy: RolloutPolicy, inventory: RolloutInventory, only: String? = nil,
                            applications filter: Set<String>? = nil) throws -> RolloutPlan {
        if let only, policy.stage(named: only) == nil {
            throw RolloutError.usage("no stage \"\(only)\" in \(policy.source); stages: \(policy.stages.map(\.name).joined(separator: ", "))")
        }
        var byStage: [[RolloutApplication]] = Array(repeating: [], count: policy.stages.count)
        var unselected: [ApplicationIdentity] = []
        for app in inventory.applications {
            if let filter, !filter.contains(app.identity.id) && !filter.contains(app.identity.name) { continue }
            if let i = policy.stages.firstIndex(where: { $0.selector.matches(app.identity) }) {
                byStage[i].append(app)
            } else {
                unselected.append(app.identity)
            }
        }
        var notes: [String] = []
        var stages: [(Stage, [RolloutApplication])] = []
        var steps: [Step] = []
        let firstSelected = policy.stages.indices.first { !byStage[$0].isEmpty } ?? 0
        for (si, stage) in policy.stages.enumerated() {
            if let only, stage.name != only { continue }
            let (ordered, cycleNote) = dependencyOrder(byStage[si])
            if let cycleNote { notes.append("stage \(stage.name): \(cycleNote)") }
            stages.append((stage, ordered))
            if si > 0, policy.stages[si - 1].promotion == .manual, only == nil || only == stage.name {
                steps.append(Step(phase: 2, stageIndex: si, stage: stage.name, appOrder: -1, application: nil,
                                  gate: .promotion, object: "stage:\(stage.name)"))
            }
            for (ai, app) in ordered.enumerated() {
                let id = app.identity
                func step(_ phase: Int, _ gate: GateKind, _ object: String, host: String? = nil) -> Step {
                    Step(phase: phase, stageIndex: si, stage: stage.name, appOrder: ai, application: id, gate: gate, object: object, host: host)
                }
                steps.append(step(0, .lease, "lease:\(id.namespace)/syncgate-\(id.name)"))
                if only == nil, si > firstSelected {
                    steps.append(step(1, .hold, "application:\(id.id)"))
                    steps.append(step(2, .release, "application:\(id.id)"))
                }
                var seenSecrets = Set<String>(), seenListeners = Set<String>(), seenCerts = Set<String>()
                for chain in app.hosts {
                    steps.append(step(1, .prerequisites, "dns:\(chain.host)", host: chain.host))
                    if let secret = chain.secret, seenSecrets.insert(secret.description).inserted {
                        steps.append(step(1, .secret, "secret:\(secret)", host: chain.host))
                    }
                    for l in chain.listeners where seenListeners.insert(l.nodeID).inserted {
                        steps.append(step(2, .listener, l.nodeID, host: chain.host))
                    }
                    if let c = chain.certificate, seenCerts.insert(c.description).inserted {
                        steps.append(step(2, .certificate, "certificate:\(c)", host: chain.host))
                    }
                    if chain.secret != nil {
                        steps.append(step(2, .verify, "tls:\(chain.host)", host: chain.host))
                    }
                }
                steps.append(step(2, .sync, "application:\(id.id)"))
            }
            if !ordered.isEmpty {
                steps.append(Step(phase: 2, stageIndex: si, stage: stage.name, appOrder: Int.max, application: nil,
                                  gate: .soak, object: "stage:\(stage.name)"))
                steps.append(Step(phase: 2, stageIndex: si, stage: stage.name, appOrder: Int.max, application: nil,
                                  gate: .stageVerified, object: "stage:\(stage.name)"))
            }
        }
        steps.sort(by: StepOrder.areInIncreasingOrder)
        return RolloutPlan(steps: steps, stages: stages.map { (stage: $0.0, applications: $0.1) }, unselected: unselected.sorted(), notes: notes)
    }

    /// Kahn's algorithm over `dependsOn` inside one stage; ties by wave, then id. A cycle falls back to wave/id order.
    static func dependencyOrder(_ apps: [RolloutApplication]) -> ([RolloutApplication], String?) {
        let ids = Set(apps.map(\.identity.id))
        var indegree: [String: Int] = [:]
        var successors: [String: [String]] = [:]
        for a in apps {
            indegree[a.identity.id, default: 0] += 0
            for d in Set(a.dependsOn) where ids.contains(d) && d != a.identity.id {
                indegree[a.identity.id, default: 0] += 1
                successors[d, default: []].append(a.identity.id)
            }
        }
        let byID = Dictionary(apps.map { ($0.identity.id, $0) }, uniquingKeysWith: { a, _ in a })
        func key(_ id: String) -> (Int, String) { (byID[id]?.wave ?? 0, id) }
        var ready = indegree.filter { $0.value == 0 }.map(\.key).sorted { key($0) < key($1) }
        var out: [RolloutApplication] = []
        while !ready.isEmpty {
            let id = ready.removeFirst()
            out.append(byID[id]!)
            for s in successors[id] ?? [] {
                indegree[s]! -= 1
                if indegree[s] == 0 {
                    ready.append(s)
                    ready.sort { key($0) < key($1) }
                }
            }
        }
        if out.count < apps.count {
            let rest = apps.filter { a in !out.contains { $0.identity == a.identity } }.sorted { key($0.identity.id) < key($1.identity.id) }
            return (out + rest, "dependency cycle among \(rest.map(\.identity.id).joined(separator: ", ")); ordered by wave and name")
        }
        return (out, nil)
    }
}

public enum RolloutError: Error, Sendable, CustomStringConvertible {
    case usage(String)
    case internalError(String)
    public var description: String {
        switch self {
        case .usage(let m): return m
        case .internalError(let m): return m
        }
    }
}
