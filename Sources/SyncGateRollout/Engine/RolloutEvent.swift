import Foundation
import SyncGateCore
import SyncGateKube

/// Something the engine did or saw, for the live view, CI logs and `--events json`.
public struct RolloutEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case runStarted = "run-started", resumed, stepStarted = "step-started", waiting, passed, skipped, failed
        case paused, placeholderCreated = "placeholder-created", syncTriggered = "sync-triggered"
        case leaseAcquired = "lease-acquired", leaseReleased = "lease-released", note, runFinished = "run-finished"
    }
    public var time: Date
    public var kind: Kind
    public var stage: String?
    public var application: String?
    public var gate: String?
    public var object: String?
    public var message: String
    /// Seconds since the step (or run) began.
    public var elapsed: Double?

    public init(time: Date, kind: Kind, stage: String? = nil, application: String? = nil, gate: String? = nil,
                object: String? = nil, message: String, elapsed: Double? = nil) {
        self.time = time
        self.kind = kind
        self.stage = stage
        self.application = application
        self.gate = gate
        self.object = object
        self.message = message
        self.elapsed = elapsed
    }

    /// One JSON object (one line of `--events json`).
    public var json: String {
        var o = Object()
        o["time"] = .string(RFC3339.format(time))
        o["event"] = .string(kind.rawValue)
        if let stage { o["stage"] = .string(stage) }
        if let application { o["application"] = .string(application) }
        if let gate { o["gate"] = .string(gate) }
        if let object { o["object"] = .string(object) }
        o["message"] = .string(message)
        if let elapsed { o["elapsedSeconds"] = .double((elapsed * 1000).rounded() / 1000) }
        return JSONWriter.string(.object(o))
    }

    /// One plain line for CI logs.
    public var line: String {
        var parts = [RFC3339.format(time), kind.rawValue]
        if let stage { parts.append("[\(stage)]") }
        if let application { parts.append(application) }
        if let gate { parts.append(gate) }
        if let object { parts.append(object) }
        var s = parts.joined(separator: " ") + ": " + message
        if let elapsed, elapsed > 0 { s += " (\(Self.duration(elapsed)))" }
        return s
    }

    public static func duration(_ s: Double) -> String {
        if s < 60 { return String(format: "%.0fs", s) }
        if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
        return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60)
    }
}

public protocol RolloutEventSink: Sendable {
    func emit(_ event: RolloutEvent)
}

/// Keeps every event (tests, the demo's timeline, the final report).
public final class EventRecorder: RolloutEventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [RolloutEvent] = []
    private let forward: (any RolloutEventSink)?
    public init(forwardingTo forward: (any RolloutEventSink)? = nil) { self.forward = forward }
    public func emit(_ event: RolloutEvent) {
        lock.lock()
        stored.append(event)
        lock.unlock()
        forward?.emit(event)
    }
    public var events: [RolloutEvent] { lock.lock(); defer { lock.unlock() }; return stored }
}
