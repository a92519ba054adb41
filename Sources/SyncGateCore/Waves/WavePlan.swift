/// An object of the plan, identified by its Application and display name (`Gateway traefik/traefik-gateway`).
public struct PlannedObjectKey: Sendable, Hashable, Comparable {
    public var application: String?
    public var object: String

    public init(application: String?, object: String) {
        self.application = application
        self.object = object
    }

    public static func < (a: PlannedObjectKey, b: PlannedObjectKey) -> Bool {
        let x = a.application ?? "", y = b.application ?? ""
        return x != y ? x < y : a.object < b.object
    }
}

/// One object's waves: what the graph recommends, and what the repo declares.
public struct WaveEntry: Sendable, Hashable {
    public var object: String
    public var application: String?
    public var location: SourceLocation
    /// `argocd.argoproj.io/sync-wave` from the graph's topological level within the Application.
    public var recommended: Int
    /// The declared `argocd.argoproj.io/sync-wave` (0 when absent).
    public var declared: Int
    public var phase: SyncPhase
    public var kind: String
    public var name: String

    public var orderKey: SyncOrderKey { SyncOrderKey(phase: phase, wave: declared, kind: kind, name: name) }
}

/// "Application `before` must be synced and healthy before `after` starts", because of `reason`.
public struct ApplicationDependency: Sendable, Hashable {
    public var before: String
    public var after: String
    public var reason: String
    public var location: SourceLocation
}

/// A dependency between two objects (the graph edge that made it). A class of constants: the waves keep every
/// object edge and the rules walk them all, and a copy costs one reference count instead of eight.
public final class ObjectEdge: Sendable, Hashable {
    public let from: PlannedObjectKey
    public let to: PlannedObjectKey
    public let edge: Edge
    /// Positions of `from` and `to` in `WavePlan.entries`.
    public let fromEntry: Int
    public let toEntry: Int

    public init(from: PlannedObjectKey, to: PlannedObjectKey, edge: Edge, fromEntry: Int, toEntry: Int) {
        self.from = from
        self.to = to
        self.edge = edge
        self.fromEntry = fromEntry
        self.toEntry = toEntry
    }

    public static func == (a: ObjectEdge, b: ObjectEdge) -> Bool {
        a.from == b.from && a.to == b.to && a.edge == b.edge && a.fromEntry == b.fromEntry && a.toEntry == b.toEntry
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fromEntry)
        hasher.combine(toEntry)
        hasher.combine(edge.kind)
    }
}

/// Waves of every object in the graph, cross-Application order, and the object-level edges they come from.
public struct WavePlan: Sendable {
    public var entries: [WaveEntry]
    public var applicationOrder: [ApplicationDependency]
    public var objectEdges: [ObjectEdge]
    /// Object-level cycles (sorted members); their waves are best effort.
    public var cycles: [[PlannedObjectKey]]
    /// Recommended wave of each Application inside its parent (app-of-apps), from the cross-Application order.
    public var applicationWaves: [String: Int]
    /// The entries of an object edge's ends.
    public func entries(of edge: ObjectEdge) -> (from: WaveEntry, to: WaveEntry)? {
        guard entries.indices.contains(edge.fromEntry), entries.indices.contains(edge.toEntry) else { return nil }
        return (entries[edge.fromEntry], entries[edge.toEntry])
    }

    /// No waves (the input of rules that do not read them).
    public static let empty = WavePlan(entries: [], applicationOrder: [], objectEdges: [], cycles: [], applicationWaves: [:])

    /// The entry of one object (entries are sorted by Application and object: a binary search).
    public func entry(_ key: PlannedObjectKey) -> WaveEntry? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if PlannedObjectKey(application: entries[mid].application, object: entries[mid].object) < key { low = mid + 1 } else { high = mid }
        }
        guard low < entries.count, entries[low].application == key.application, entries[low].object == key.object else { return nil }
        return entries[low]
    }
}

extension EdgeKind {
    /// Hard dependencies break something when violated (a Gateway down, a failing ACME order, pods that cannot
    /// start); soft ones only order traffic. Only hard ones order Applications.
    public var isHard: Bool {
        switch self {
        case .routesTo, .selects: return false
        default: return true
        }
    }
}
