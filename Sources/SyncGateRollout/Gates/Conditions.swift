import SyncGateCore

/// Reading `status.conditions` of Kubernetes objects.
public struct Condition: Sendable, Equatable {
    public var type: String
    public var status: String
    public var reason: String
    public var message: String

    public var isTrue: Bool { status == "True" }
    public var isFalse: Bool { status == "False" }

    public static func all(_ value: Value?) -> [Condition] {
        (value?["conditions"]?.elements ?? []).map {
            Condition(type: $0["type"]?.scalarText ?? "", status: $0["status"]?.scalarText ?? "Unknown",
                      reason: $0["reason"]?.scalarText ?? "", message: $0["message"]?.scalarText ?? "")
        }
    }

    /// The condition of `type` in `status.conditions` of `object` (or of a listener's status when given one).
    public static func find(_ type: String, in status: Value?) -> Condition? {
        all(status).first { $0.type == type }
    }

    public var summary: String {
        var s = "\(type)=\(status)"
        if !reason.isEmpty { s += " (\(reason))" }
        if !message.isEmpty { s += ": \(message)" }
        return s
    }
}
