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

/// Why a JSON patch could not be applied (`test` failed, or a path does not exist).
public struct JSONPatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// True when a `test` operation failed (the document changed since the patch was built).
    public var testFailed: Bool
    public var description: String { message }
}

extension JSONPatchOperation {
    /// Applies operations to a document per RFC 6902 (all or nothing), the way the API server does. For
    /// in-memory clusters and tests; SyncGate itself sends patches to the server.
    public static func apply(_ ops: [JSONPatchOperation], to document: Value) throws(JSONPatchError) -> Value {
        var doc = document
        for op in ops {
            switch op {
            case .test(let path, let expected):
                let actual = try? resolve(doc, tokens(path))
                guard actual == expected else {
                    throw JSONPatchError(message: "testing value \(path) failed: expected \(JSONWriter.string(expected)), found \(actual.map { JSONWriter.string($0) } ?? "nothing")", testFailed: true)
                }
            case .add(let path, let value):
                doc = try edit(doc, tokens(path)[...], path: path, mode: .add(value))
            case .replace(let path, let value):
                doc = try edit(doc, tokens(path)[...], path: path, mode: .replace(value))
            case .remove(let path):
                doc = try edit(doc, tokens(path)[...], path: path, mode: .remove)
            }
        }
        return doc
    }

    private enum Mode { case add(Value), replace(Value), remove }

    private static func tokens(_ path: String) throws(JSONPatchError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw JSONPatchError(message: "invalid JSON pointer \"\(path)\"", testFailed: false) }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
    }

    private static func resolve(_ v: Value, _ tokens: [String]) throws(JSONPatchError) -> Value {
        var cur = v
        for t in tokens {
            if let o = cur.object, let next = o[t] { cur = next; continue }
            if let a = cur.array, let i = Int(t), a.indices.contains(i) { cur = a[i]; continue }
            throw JSONPatchError(message: "path not found", testFailed: false)
        }
        return cur
    }

    private static func edit(_ v: Value, _ tokens: ArraySlice<String>, path: String, mode: Mode) throws(JSONPatchError) -> Value {
        guard let first = tokens.first else {
            switch mode {
            case .add(let n), .replace(let n): return n
            case .remove: throw JSONPatchError(message: "cannot remove the whole document", testFailed: false)
            }
        }
        let rest = tokens.dropFirst()
        if var o = v.object {
            if rest.isEmpty {
                switch mode {
                case .add(let n): o[first] = n
                case .replace(let n):
                    guard o[first] != nil else { throw JSONPatchError(message: "replace \(path): path not found", testFailed: false) }
                    o[first] = n
                case .remove:
                    guard o[first] != nil else { throw JSONPatchError(message: "remove \(path): path not found", testFailed: false) }
                    o[first] = nil
                }
                return .object(o)
            }
            guard let child = o[first] else { throw JSONPatchError(message: "\(path): path not found", testFailed: false) }
            o[first] = try edit(child, rest, path: path, mode: mode)
            return .object(o)
        }
        if var a = v.array {
            let index = first == "-" ? a.count : Int(first)
            guard let i = index, i >= 0, i <= a.count else { throw JSONPatchError(message: "\(path): bad array index", testFailed: false) }
            if rest.isEmpty {
                switch mode {
                case .add(let n): a.insert(n, at: i)
                case .replace(let n):
                    guard i < a.count else { throw JSONPatchError(message: "replace \(path): path not found", testFailed: false) }
                    a[i] = n
                case .remove:
                    guard i < a.count else { throw JSONPatchError(message: "remove \(path): path not found", testFailed: false) }
                    a.remove(at: i)
                }
                return .array(a)
            }
            guard i < a.count else { throw JSONPatchError(message: "\(path): path not found", testFailed: false) }
            a[i] = try edit(a[i], rest, path: path, mode: mode)
            return .array(a)
        }
        throw JSONPatchError(message: "\(path): path not found", testFailed: false)
    }
}
