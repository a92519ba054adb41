import Foundation
import SyncGateCore

/// The three patch formats kubectl sends: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
/// strategic merge patch (for custom resources the same as a merge patch; for built-ins, lists of
/// objects merge by their key — `name`, `containerPort`, `mountPath` — and `$`-directives are honoured
/// or dropped).
public enum Patch {
    public struct Failure: Error, Sendable {
        public var message: String
        /// A failed `test` op or an invalid path is 422; a malformed document is 400.
        public var invalid: Bool
    }

    // MARK: merge patch

    public static func merge(_ target: Value, _ patch: Value) -> Value {
        guard let patchObject = patch.object else { return patch }
        var result = target.object ?? Object()
        for (k, v) in patchObject.pairs {
            if v.isNull {
                result[k] = nil
            } else {
                result[k] = merge(result[k] ?? .null, v)
            }
        }
        return Value(.object(result))
    }

    // MARK: strategic merge patch

    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
        "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath", "ports": "containerPort",
        "imagePullSecrets": "name", "tolerations": "key", "hostAliases": "ip", "conditions": "type",
        "envFrom": "", "args": "", "command": "",
    ]

    public static func strategic(_ target: Value, _ patch: Value, custom: Bool) -> Value {
        if custom { return merge(target, stripDirectives(patch)) }
        return strategicMerge(target, patch, key: nil)
    }

    private static func stripDirectives(_ v: Value) -> Value {
        switch v.content {
        case .object(let o):
            var out = Object()
            for (k, x) in o.pairs where !k.hasPrefix("$") { out[k] = stripDirectives(x) }
            return Value(.object(out))
        case .array(let a): return .array(a.map(stripDirectives))
        default: return v
        }
    }

    private static func strategicMerge(_ target: Value, _ patch: Value, key: String?) -> Value {
        guard let patchObject = patch.object else { return patch }
        if patchObject["$patch"]?.string == "replace" {
            var copy = patchObject; copy["$patch"] = nil
            return stripDirectives(Value(.object(copy)))
        }
        var result = target.object ?? Object()
        let retainKeys = patchObject["$retainKeys"]?.elements.compactMap(\.string)
        for (k, v) in patchObject.pairs {
            if k.hasPrefix("$setElementOrder/") || k == "$retainKeys" || k == "$patch" { continue }
            if k.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(k.dropFirst("$deleteFromPrimitiveList/".count))
                let remove = v.elements
                if let existing = result[field]?.array { result[field] = .array(existing.filter { !remove.contains($0) }) }
                continue
            }
            if v.isNull { result[k] = nil; continue }
            if let patchList = v.array, let existing = result[k]?.array {
                result[k] = mergeList(existing, patchList, field: k)
            } else if v.object != nil {
                result[k] = strategicMerge(result[k] ?? .null, v, key: k)
            } else {
                result[k] = v
            }
        }
        if let retainKeys {
            var kept = Object()
            for (k, v) in result.pairs where retainKeys.contains(k) || patchObject[k] != nil { kept[k] = v }
            result = kept
        }
        return Value(.object(result))
    }

    private static func mergeList(_ existing: [Value], _ patch: [Value], field: String) -> Value {
        let mergeKey: String? = {
            if field == "ports" { return patch.contains { $0["containerPort"] != nil } ? "containerPort" : "port" }
            if let k = mergeKeys[field] { return k.isEmpty ? nil : k }
            // Unknown list of objects all carrying `name`: merge by name.
            if !patch.isEmpty, patch.allSatisfy({ $0["name"] != nil }), existing.allSatisfy({ $0["name"] != nil }) { return "name" }
            return nil
        }()
        guard let mergeKey, patch.allSatisfy({ $0.object != nil }) else { return .array(patch.map(stripDirectives)) }
        var result = existing
        for item in patch {
            let keyValue = item[mergeKey]
            let idx = result.firstIndex { $0[mergeKey] == keyValue && keyValue != nil }
            if item["$patch"]?.string == "delete" {
                if let idx { result.remove(at: idx) }
                continue
            }
            if let idx { result[idx] = strategicMerge(result[idx], item, key: nil) } else { result.append(stripDirectives(item)) }
        }
        return .array(result)
    }

    // MARK: JSON patch

    public static func json(_ target: Value, _ ops: Value) throws(Failure) -> Value {
        guard let list = ops.array else { throw Failure(message: "json patch must be an array of operations", invalid: false) }
        var doc = target
        for op in list {
            guard let name = op["op"]?.string, let path = op["path"]?.string else {
                throw Failure(message: "json patch operation needs \"op\" and \"path\": \(op.json)", invalid: false)
            }
            let tokens = try pointer(path)
            switch name {
            case "add": doc = try add(doc, tokens, op["value"] ?? .null, replaceOnly: false, path: path)
            case "replace":
                _ = try get(doc, tokens, path: path)
                doc = try add(doc, tokens, op["value"] ?? .null, replaceOnly: true, path: path)
            case "remove":
                _ = try get(doc, tokens, path: path)
                doc = try remove(doc, tokens, path: path)
            case "test":
                let actual = try? get(doc, tokens, path: path)
                let expected = op["value"] ?? .null
                if actual != expected {
                    throw Failure(message: "testing value \(path) failed: expected \(expected.json), found \(actual.map(\.json) ?? "nothing")", invalid: true)
                }
            case "move", "copy":
                guard let from = op["from"]?.string else { throw Failure(message: "\(name) needs \"from\"", invalid: false) }
                let fromTokens = try pointer(from)
                let v = try get(doc, fromTokens, path: from)
                if name == "move" { doc = try remove(doc, fromTokens, path: from) }
                doc = try add(doc, tokens, v, replaceOnly: false, path: path)
            default:
                throw Failure(message: "unexpected json patch operation \"\(name)\"", invalid: false)
            }
        }
        return doc
    }

    static func pointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(message: "invalid JSON pointer \"\(path)\"", invalid: true) }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ doc: Value, _ tokens: [String], path: String) throws(Failure) -> Value {
        var cur = doc
        for t in tokens {
            if let o = cur.object {
                guard let next = o[t] else { throw Failure(message: "path \(path) does not exist (missing \"\(t)\")", invalid: true) }
                cur = next
            } else if let a = cur.array, let i = Int(t), a.indices.contains(i) {
                cur = a[i]
            } else {
                throw Failure(message: "path \(path) does not exist", invalid: true)
            }
        }
        return cur
    }

    static func add(_ doc: Value, _ tokens: [String], _ value: Value, replaceOnly: Bool, path: String) throws(Failure) -> Value {
        guard let first = tokens.first else { return value }
        let rest = Array(tokens.dropFirst())
        if var o = doc.object {
            if rest.isEmpty {
                o[first] = value
            } else {
                guard let child = o[first] else { throw Failure(message: "path \(path) does not exist (missing \"\(first)\")", invalid: true) }
                o[first] = try add(child, rest, value, replaceOnly: replaceOnly, path: path)
            }
            return Value(.object(o))
        }
        if var a = doc.array {
            if rest.isEmpty {
                if first == "-" && !replaceOnly { a.append(value); return .array(a) }
                guard let i = Int(first), i >= 0, i <= a.count else { throw Failure(message: "index \(first) out of range at \(path)", invalid: true) }
                if replaceOnly {
                    guard i < a.count else { throw Failure(message: "index \(first) out of range at \(path)", invalid: true) }
                    a[i] = value
                } else { a.insert(value, at: i) }
                return .array(a)
            }
            guard let i = Int(first), a.indices.contains(i) else { throw Failure(message: "index \(first) out of range at \(path)", invalid: true) }
            a[i] = try add(a[i], rest, value, replaceOnly: replaceOnly, path: path)
            return .array(a)
        }
        throw Failure(message: "path \(path): cannot add into a scalar", invalid: true)
    }

    static func remove(_ doc: Value, _ tokens: [String], path: String) throws(Failure) -> Value {
        guard let first = tokens.first else { return .null }
        let rest = Array(tokens.dropFirst())
        if var o = doc.object {
            if rest.isEmpty { o[first] = nil } else {
                guard let child = o[first] else { throw Failure(message: "path \(path) does not exist", invalid: true) }
                o[first] = try remove(child, rest, path: path)
            }
            return Value(.object(o))
        }
        if var a = doc.array, let i = Int(first), a.indices.contains(i) {
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try remove(a[i], rest, path: path) }
            return .array(a)
        }
        throw Failure(message: "path \(path) does not exist", invalid: true)
    }
}
