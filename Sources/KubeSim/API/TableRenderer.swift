import Foundation
import SyncGateCore

/// `Accept: application/json;as=Table` answers (what `kubectl get` prints): Name, a few kind-specific
/// columns (like the CRDs' additionalPrinterColumns), Age; each row carries the object's metadata.
enum TableRenderer {
    struct Column { var name: String; var path: String }

    static func columns(for type: ResourceType) -> [Column] {
        switch type.kind {
        case "Certificate": return [Column(name: "Ready", path: ".status.conditions[?(@.type==\"Ready\")].status"), Column(name: "Secret", path: ".spec.secretName")]
        case "CertificateRequest": return [Column(name: "Approved", path: ".status.conditions[?(@.type==\"Approved\")].status"), Column(name: "Ready", path: ".status.conditions[?(@.type==\"Ready\")].status")]
        case "Order", "Challenge": return [Column(name: "State", path: ".status.state")]
        case "Issuer", "ClusterIssuer": return [Column(name: "Ready", path: ".status.conditions[?(@.type==\"Ready\")].status")]
        case "Gateway": return [Column(name: "Class", path: ".spec.gatewayClassName"), Column(name: "Address", path: ".status.addresses[*].value"), Column(name: "Programmed", path: ".status.conditions[?(@.type==\"Programmed\")].status")]
        case "GatewayClass": return [Column(name: "Controller", path: ".spec.controllerName"), Column(name: "Accepted", path: ".status.conditions[?(@.type==\"Accepted\")].status")]
        case "HTTPRoute": return [Column(name: "Hostnames", path: ".spec.hostnames")]
        case "Application": return [Column(name: "Sync Status", path: ".status.sync.status"), Column(name: "Health Status", path: ".status.health.status")]
        case "Secret": return [Column(name: "Type", path: ".type")]
        case "Service": return [Column(name: "Type", path: ".spec.type"), Column(name: "Cluster-IP", path: ".spec.clusterIP")]
        case "Namespace": return [Column(name: "Status", path: ".status.phase")]
        case "Deployment": return [Column(name: "Ready", path: ".status.readyReplicas")]
        default: return []
        }
    }

    static func table(type: ResourceType, items: [Value], resourceVersion: String, continueToken: String?, now: Date) -> Value {
        let cols = columns(for: type)
        var defs: [Value] = [.obj([("name", .string("Name")), ("type", .string("string")), ("format", .string("name")),
                                   ("description", .string("Name must be unique within a namespace.")), ("priority", .int(0))])]
        for c in cols {
            defs.append(.obj([("name", .string(c.name)), ("type", .string("string")), ("format", .string("")),
                              ("description", .string(c.path)), ("priority", .int(0))]))
        }
        defs.append(.obj([("name", .string("Age")), ("type", .string("date")), ("format", .string("")),
                          ("description", .string("CreationTimestamp")), ("priority", .int(0))]))
        var rows: [Value] = []
        for item in items {
            var cells: [Value] = [.string(item.metadataName)]
            for c in cols { cells.append(.string(evaluate(item, c.path))) }
            let created = KubeTime.parse(item[path: "metadata", "creationTimestamp"]?.string ?? "") ?? now
            cells.append(.string(KubeTime.age(from: created, now: now)))
            let meta = Value.obj([("kind", .string("PartialObjectMetadata")), ("apiVersion", .string("meta.k8s.io/v1")),
                                  ("metadata", item["metadata"] ?? .obj([]))])
            rows.append(.obj([("cells", .array(cells)), ("object", meta)]))
        }
        var metadata: [(String, Value)] = [("resourceVersion", .string(resourceVersion))]
        if let continueToken { metadata.append(("continue", .string(continueToken))) }
        return .obj([("kind", .string("Table")), ("apiVersion", .string("meta.k8s.io/v1")), ("metadata", .obj(metadata)),
                     ("columnDefinitions", .array(defs)), ("rows", .array(rows))])
    }

    /// A JSONPath subset: `.a.b`, `[0]`, `[*]`, `[?(@.k=="v")]`.
    static func evaluate(_ root: Value, _ path: String) -> String {
        var current: [Value] = [root]
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
                let key = String(rest[..<end])
                rest = rest[end...]
                current = current.compactMap { $0[key] }
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { break }
                var inner = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
                if inner.hasPrefix("?(") && inner.hasSuffix(")") {
                    // Filters may contain ']' only inside quotes; keep it simple.
                    inner = String(inner.dropFirst(2).dropLast())
                    let parts = inner.components(separatedBy: "==")
                    guard parts.count == 2 else { return "" }
                    let field = parts[0].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "@.", with: "")
                    let want = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                    current = current.flatMap(\.elements).filter { $0[field]?.scalarText == want }
                } else if inner == "*" {
                    current = current.flatMap { $0.array ?? ($0.object.map { Array($0.values) } ?? []) }
                } else if let i = Int(inner) {
                    current = current.compactMap { $0[i] }
                }
            } else {
                break
            }
        }
        return current.map { v -> String in
            if let s = v.scalarText { return s }
            if let a = v.array { return a.compactMap(\.scalarText).joined(separator: ",") }
            return v.json
        }.joined(separator: ",")
    }
}
