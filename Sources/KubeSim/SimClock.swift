import Foundation

/// The time KubeSim and its controllers live by. A virtual clock only moves when told to
/// (`KubeSim.advance(by:)`), so 18 hours of cert-manager retries pass in milliseconds; a real-time
/// clock follows the wall clock (for `kubesim serve`).
public final class SimClock: Sendable {
    public enum Mode: Sendable { case virtual, realTime }
    public let mode: Mode
    private let current: Locked<Date>

    /// A virtual clock starting at `start` (default 2026-03-22T15:00:00Z, seed 000's onset in UTC).
    public static func virtual(start: Date = Date(timeIntervalSince1970: 1_774_191_600)) -> SimClock {
        SimClock(mode: .virtual, start: start)
    }

    public static func realTime() -> SimClock { SimClock(mode: .realTime, start: Date()) }

    private init(mode: Mode, start: Date) {
        self.mode = mode
        self.current = Locked(start)
    }

    public var now: Date {
        switch mode {
        case .virtual: return current.value
        case .realTime: return Date()
        }
    }

    /// Moves a virtual clock forward to `date` (never backwards). No effect on a real-time clock.
    func move(to date: Date) {
        guard mode == .virtual else { return }
        current.withLock { if date > $0 { $0 = date } }
    }
}
