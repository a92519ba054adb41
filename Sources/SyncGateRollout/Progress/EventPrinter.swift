import Foundation

/// Prints rollout events: a live view on a terminal (the current stage, gate, what it waits for, elapsed),
/// plain lines in CI (`CI` set or not a terminal), or one JSON object per line (`--events json`).
public final class EventPrinter: RolloutEventSink, @unchecked Sendable {
    public enum Style: String, Sendable { case live, plain, json }
    public let style: Style
    private let lock = NSLock()
    private var statusShown = false
    private let write: @Sendable (String) -> Void

    public init(style: Style, write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.style = style
        self.write = write
    }

    /// `live` on an interactive terminal outside CI, else `plain`.
    public static func defaultStyle(environment: [String: String] = ProcessInfo.processInfo.environment, isTerminal: Bool = isatty(1) == 1) -> Style {
        if let ci = environment["CI"], !ci.isEmpty, ci != "false" { return .plain }
        return isTerminal ? .live : .plain
    }

    public func emit(_ event: RolloutEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch style {
        case .json:
            write(event.json + "\n")
        case .plain:
            write(event.line + "\n")
        case .live:
            if event.kind == .waiting || event.kind == .stepStarted {
                var s = "  ⋯ "
                if let stage = event.stage { s += "[\(stage)] " }
                if let gate = event.gate { s += "\(gate) " }
                if let app = event.application { s += "\(app): " }
                s += event.message
                if let e = event.elapsed, e > 0 { s += " (\(RolloutEvent.duration(e)))" }
                if s.count > 160 { s = String(s.prefix(157)) + "…" }
                write("\r\u{1B}[2K" + s)
                statusShown = true
            } else {
                if statusShown { write("\r\u{1B}[2K") }
                statusShown = false
                let mark: String
                switch event.kind {
                case .passed: mark = "  ✓"
                case .failed: mark = "  ✗"
                case .paused: mark = "  ⏸"
                case .skipped: mark = "  ↷"
                default: mark = "  •"
                }
                var s = "\(mark) "
                if let stage = event.stage { s += "[\(stage)] " }
                if let gate = event.gate { s += "\(gate) " }
                if let app = event.application { s += "\(app): " }
                s += event.message
                if let e = event.elapsed, e >= 1 { s += " (\(RolloutEvent.duration(e)))" }
                write(s + "\n")
            }
        }
    }
}
