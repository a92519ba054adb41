import Foundation
import SyncGateCore

/// The upstream CRDs' openAPIV3Schemas, and a structural check of an object against them: required fields,
/// types, enums, and fields the schema does not know (the API server would drop those silently).
struct CRDSchemas {
    /// group|kind|version -> schema
    var schemas: [String: Value] = [:]
    var kinds: Set<String> = []  // group|kind
    let directory: String

    /// Where the CRDs are: $SYNCGATE_CRD_DIR, or the shared copy beside the clone (`../shared/crds`, as CI lays it).
    static func locate() -> String? {
        let candidates = [ProcessInfo.processInfo.environment["SYNCGATE_CRD_DIR"], RepoFiles.path("crds"),
                          RepoFiles.path("../shared/crds"), "/work/shared/crds"]
        return candidates.compactMap { $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    init(directory: String) throws {
        self.directory = directory
        let e = FileManager.default.enumerator(atPath: directory)
        while let item = e?.nextObject() as? String {
            guard item.hasSuffix(".yaml") else { continue }
            let text = try String(contentsOfFile: "\(directory)/\(item)", encoding: .utf8)
            for doc in try YAMLDecoder.decodeAll(text, file: item).documents where doc.root["kind"]?.string == "CustomResourceDefinition" {
                let group = doc.root[path: "spec", "group"]?.string ?? ""
                let kind = doc.root[path: "spec", "names", "kind"]?.string ?? ""
                kinds.insert("\(group)|\(kind)")
                for version in doc.root[path: "spec", "versions"]?.elements ?? [] {
                    guard let name = version["name"]?.string, let schema = version[path: "schema", "openAPIV3Schema"] else { continue }
                    schemas["\(group)|\(kind)|\(name)"] = schema
                }
            }
        }
    }

    func knows(group: String, kind: String) -> Bool { kinds.contains("\(group)|\(kind)") }

    /// Problems of `object` against its CRD version; a version the CRD does not serve is a problem too.
    func problems(_ object: Value, group: String, version: String, kind: String) -> [String] {
        guard let schema = schemas["\(group)|\(kind)|\(version)"] else {
            let served = schemas.keys.filter { $0.hasPrefix("\(group)|\(kind)|") }.map { String($0.split(separator: "|")[2]) }.sorted()
            return ["\(group)/\(version) \(kind): the CRD serves only \(served.joined(separator: ", "))"]
        }
        var out: [String] = []
        Self.check(object, schema, path: "", into: &out)
        return out
    }

    static func check(_ value: Value, _ schema: Value, path: String, into out: inout [String]) {
        if schema["x-kubernetes-int-or-string"]?.bool == true {
            if value.int == nil && value.string == nil { out.append("\(path.isEmpty ? "." : path): expected an integer or a string") }
            return
        }
        if let type = schema["type"]?.string, !matches(value, type) {
            out.append("\(path.isEmpty ? "." : path) (line \(value.line)): expected \(type), found \(describe(value))")
            return
        }
        if let allowed = schema["enum"]?.elements, !allowed.isEmpty, let text = value.scalarText,
           !allowed.contains(where: { $0.scalarText == text }) {
            out.append("\(path) (line \(value.line)): '\(text)' is not one of \(allowed.compactMap(\.scalarText).joined(separator: ", "))")
        }
        if let object = value.object {
            for key in schema["required"]?.elements.compactMap(\.string) ?? [] where object[key] == nil {
                out.append("\(path.isEmpty ? "." : path) (line \(value.line)): required field '\(key)' is missing")
            }
            if path == ".metadata" || schema["x-kubernetes-preserve-unknown-fields"]?.bool == true { return }
            let properties = schema["properties"]?.object
            let additional = schema["additionalProperties"]
            for (key, child) in object.pairs {
                let childPath = "\(path).\(key)"
                if let p = properties?[key] {
                    check(child, p, path: childPath, into: &out)
                } else if let additional, additional.object != nil {
                    check(child, additional, path: childPath, into: &out)
                } else if additional?.bool == true {
                    continue
                } else if properties != nil && !(path.isEmpty && ["apiVersion", "kind", "metadata"].contains(key)) {
                    out.append("\(childPath) (line \(child.line)): unknown field (the API server drops it)")
                }
            }
        } else if let array = value.array, let items = schema["items"] {
            for (i, element) in array.enumerated() { check(element, items, path: "\(path)[\(i)]", into: &out) }
        }
    }

    static func matches(_ value: Value, _ type: String) -> Bool {
        if value.isNull { return true }  // nullable is common in practice; the API server treats null as absent
        switch type {
        case "object": return value.object != nil
        case "array": return value.array != nil
        case "string": return value.string != nil
        case "integer": return value.int != nil
        case "number": return value.double != nil || value.int != nil
        case "boolean": return value.bool != nil
        default: return true
        }
    }

    static func describe(_ value: Value) -> String {
        switch value.content {
        case .null: "null"
        case .bool(let b): "boolean \(b)"
        case .int(let i): "integer \(i)"
        case .double(let d): "number \(d)"
        case .string(let s): "string '\(s.prefix(40))'"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
