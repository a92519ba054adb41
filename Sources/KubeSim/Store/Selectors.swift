import Foundation
import SyncGateCore

/// A label selector in the query-string syntax: `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
public struct LabelSelector: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, [String])
        case notIn(String, [String])
        case exists(String)
        case notExists(String)
    }
    public var requirements: [Requirement]

    public init(_ requirements: [Requirement] = []) { self.requirements = requirements }

    public init(parsing text: String) throws(APIError) {
        var reqs: [Requirement] = []
        for raw in Self.splitTopLevel(text) {
            let term = raw.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            if let r = term.range(of: " notin ") {
                let key = String(term[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
                reqs.append(.notIn(key, Self.set(String(term[r.upperBound...]))))
            } else if let r = term.range(of: " in ") {
                let key = String(term[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
                reqs.append(.isIn(key, Self.set(String(term[r.upperBound...]))))
            } else if let r = term.range(of: "!=") {
                reqs.append(.notEquals(String(term[..<r.lowerBound]).trimmingCharacters(in: .whitespaces),
                                       String(term[r.upperBound...]).trimmingCharacters(in: .whitespaces)))
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                reqs.append(.equals(String(term[..<r.lowerBound]).trimmingCharacters(in: .whitespaces),
                                    String(term[r.upperBound...]).trimmingCharacters(in: .whitespaces)))
            } else if term.hasPrefix("!") {
                reqs.append(.notExists(String(term.dropFirst()).trimmingCharacters(in: .whitespaces)))
            } else if term.contains(" ") || term.contains("(") {
                throw APIError.badRequest("unable to parse requirement: \(term)")
            } else {
                reqs.append(.exists(term))
            }
        }
        self.requirements = reqs
    }

    private static func set(_ s: String) -> [String] {
        s.trimmingCharacters(in: CharacterSet(charactersIn: " ()")).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    private static func splitTopLevel(_ s: String) -> [String] {
        var out: [String] = []
        var depth = 0
        var cur = ""
        for c in s {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == "," && depth == 0 { out.append(cur); cur = "" } else { cur.append(c) }
        }
        out.append(cur)
        return out
    }

    public func matches(_ labels: [String: String]) -> Bool {
        for r in requirements {
            switch r {
            case .equals(let k, let v): if labels[k] != v { return false }
            case .notEquals(let k, let v): if labels[k] == v { return false }
            case .isIn(let k, let vs): guard let v = labels[k], vs.contains(v) else { return false }
            case .notIn(let k, let vs): if let v = labels[k], vs.contains(v) { return false }
            case .exists(let k): if labels[k] == nil { return false }
            case .notExists(let k): if labels[k] != nil { return false }
            }
        }
        return true
    }

    /// From a `metav1.LabelSelector` object (matchLabels, matchExpressions).
    public init(object: Value?) {
        var reqs: [Requirement] = []
        for (k, v) in object?["matchLabels"]?.object?.pairs ?? Object().pairs { reqs.append(.equals(k, v.scalarText ?? "")) }
        for e in object?["matchExpressions"]?.elements ?? [] {
            let key = e["key"]?.string ?? ""
            let values = e["values"]?.elements.compactMap(\.scalarText) ?? []
            switch e["operator"]?.string ?? "" {
            case "In": reqs.append(.isIn(key, values))
            case "NotIn": reqs.append(.notIn(key, values))
            case "Exists": reqs.append(.exists(key))
            case "DoesNotExist": reqs.append(.notExists(key))
            default: break
            }
        }
        self.requirements = reqs
    }
}

/// A field selector: only `metadata.name` and `metadata.namespace` (`=`, `==`, `!=`), like most resources.
public struct FieldSelector: Sendable, Equatable {
    public var terms: [(field: String, value: String, equal: Bool)]

    public static func == (a: FieldSelector, b: FieldSelector) -> Bool {
        a.terms.map { "\($0.field)\($0.equal)\($0.value)" } == b.terms.map { "\($0.field)\($0.equal)\($0.value)" }
    }

    public init(parsing text: String) throws(APIError) {
        var terms: [(String, String, Bool)] = []
        for raw in text.split(separator: ",") {
            let term = String(raw)
            let equal: Bool
            let parts: [String]
            if let r = term.range(of: "!=") {
                equal = false; parts = [String(term[..<r.lowerBound]), String(term[r.upperBound...])]
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                equal = true; parts = [String(term[..<r.lowerBound]), String(term[r.upperBound...])]
            } else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            let field = parts[0].trimmingCharacters(in: .whitespaces)
            guard ["metadata.name", "metadata.namespace", "type", "status.phase", "spec.nodeName", "involvedObject.name", "involvedObject.kind", "involvedObject.namespace"].contains(field) else {
                throw APIError.badRequest("\"\(field)\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
            }
            terms.append((field, parts[1].trimmingCharacters(in: .whitespaces), equal))
        }
        self.terms = terms
    }

    public func matches(_ object: Value) -> Bool {
        for t in terms {
            let actual: String
            switch t.field {
            case "metadata.name": actual = object.metadataName
            case "metadata.namespace": actual = object.metadataNamespace
            default: actual = object.at(t.field.split(separator: ".").map(String.init))?.scalarText ?? ""
            }
            if (actual == t.value) != t.equal { return false }
        }
        return true
    }
}
