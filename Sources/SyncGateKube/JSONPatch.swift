import SyncGateCore

/// One RFC 6902 JSON patch operation. SyncGate patches are guarded by `test` operations, never blind.
public enum JSONPatchOperation: Sendable, Equatable {
    case test(String, Value)
    case add(String, Value)
    case replace(String, Value)
    case remove(String)

    public var value: Value {
        var o = Object()
        switch self {
        case .test(let p, let v): o["op"] = .string("test"); o["path"] = .string(p); o["value"] = v
        case .add(let p, let v): o["op"] = .string("add"); o["path"] = .string(p); o["value"] = v
        case .replace(let p, let v): o["op"] = .string("replace"); o["path"] = .string(p); o["value"] = v
        case .remove(let p): o["op"] = .string("remove"); o["path"] = .string(p)
        }
        return .object(o)
    }

    public static func document(_ ops: [JSONPatchOperation]) -> [UInt8] {
        JSONWriter.bytes(.array(ops.map(\.value)))
    }
}

/// RFC 6901 JSON pointers.
public enum JSONPointer {
    /// Escapes one reference token: `~` → `~0`, `/` → `~1` (annotation keys contain `/`).
    public static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// `/metadata/annotations/syncgate.dev~1paused-reason` from tokens.
    public static func path(_ tokens: String...) -> String {
        "/" + tokens.map(escape).joined(separator: "/")
    }
}
