/// Argo CD's order of one resource inside one Application: phase, then wave, then kind, then name.
public struct SyncOrderKey: Sendable, Hashable, Comparable {
    public var phase: SyncPhase
    public var wave: Int
    public var kind: String
    public var name: String

    public init(phase: SyncPhase, wave: Int, kind: String, name: String) {
        self.phase = phase
        self.wave = wave
        self.kind = kind
        self.name = name
    }

    public init(_ m: Manifest) {
        self.init(phase: m.syncPhase, wave: m.declaredWave, kind: m.kind, name: m.name)
    }

    public static func < (a: SyncOrderKey, b: SyncOrderKey) -> Bool {
        if a.phase != b.phase { return a.phase < b.phase }
        if a.wave != b.wave { return a.wave < b.wave }
        let ka = KindOrder.rank(a.kind), kb = KindOrder.rank(b.kind)
        if ka != kb { return ka < kb }
        return a.name < b.name
    }

    /// Whether Argo CD finishes `self` (and waits for it to be healthy) before it starts `other`: only a different
    /// phase or wave does that; within one wave resources are applied together.
    public func strictlyPrecedes(_ other: SyncOrderKey) -> Bool {
        if phase != other.phase { return phase < other.phase }
        return wave < other.wave
    }
}
