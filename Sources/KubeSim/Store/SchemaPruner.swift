import SyncGateCore

/// Structural-schema pruning, as the API server does for custom resources: fields a CRD's
/// openAPIV3Schema does not declare are silently dropped on write (unless the schema says
/// `x-kubernetes-preserve-unknown-fields: true`). This is why writing `automated.enabled` to an
/// Argo CD < 3.1 Application CRD does nothing.
public enum SchemaPruner {
    public static func prune(_ value: Value, schema: Value, root: Bool = false) -> Value {
        switch value.content {
        case .object(let object):
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.bool == true
            let embedded = schema["x-kubernetes-embedded-resource"]?.bool == true
            let properties = schema["properties"]?.object
            let additional = schema["additionalProperties"]
            // Lenient where the schema says nothing about the members (real servers would drop them all).
            if properties == nil && additional == nil { return value }
            var out = Object()
            for (k, v) in object.pairs {
                if (root || embedded) && (k == "apiVersion" || k == "kind" || k == "metadata") {
                    out[k] = v
                } else if let p = properties?[k] {
                    out[k] = prune(v, schema: p)
                } else if let additional, additional.object != nil {
                    out[k] = prune(v, schema: additional)
                } else if additional?.bool == true || preserve {
                    out[k] = v
                }
            }
            return Value(.object(out), line: value.line, column: value.column)
        case .array(let items):
            guard let itemSchema = schema["items"], itemSchema.object != nil else { return value }
            return .array(items.map { prune($0, schema: itemSchema) })
        default:
            return value
        }
    }
}
