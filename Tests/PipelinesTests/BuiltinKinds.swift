import SyncGateCore

/// Required fields of the kinds we have no CRD for (built-in Kubernetes kinds, Tekton, prometheus-operator,
/// SyncGate's own policy), as paths: `a.b[].c` means every element of the array `a.b` (which must be non-empty)
/// has `c`. Plus a few rules the API server or controller would reject at apply time.
enum BuiltinKinds {
    struct Shape {
        var required: [String]
        var check: (@Sendable (Value) -> [String])? = nil
    }

    static let podTemplate = ["spec.template.spec.containers[].name", "spec.template.spec.containers[].image"]

    static let shapes: [String: Shape] = [
        "v1|Namespace": Shape(required: []),
        "v1|ServiceAccount": Shape(required: []),
        "v1|ConfigMap": Shape(required: []),
        "v1|Secret": Shape(required: [], check: secret),
        "v1|Service": Shape(required: ["spec.ports[].port"]),
        "apps/v1|Deployment": Shape(required: ["spec.selector", "spec.template.metadata.labels"] + podTemplate, check: selectorMatches),
        "apps/v1|StatefulSet": Shape(required: ["spec.selector", "spec.template.metadata.labels"] + podTemplate, check: selectorMatches),
        "apps/v1|DaemonSet": Shape(required: ["spec.selector", "spec.template.metadata.labels"] + podTemplate, check: selectorMatches),
        "batch/v1|Job": Shape(required: podTemplate + ["spec.template.spec.restartPolicy"], check: job),
        "batch/v1|CronJob": Shape(required: ["spec.schedule", "spec.jobTemplate.spec.template.spec.containers[].image"]),
        "networking.k8s.io/v1|Ingress": Shape(required: []),
        "rbac.authorization.k8s.io/v1|Role": Shape(required: ["rules[].verbs"], check: rules),
        "rbac.authorization.k8s.io/v1|ClusterRole": Shape(required: ["rules[].verbs"], check: rules),
        "rbac.authorization.k8s.io/v1|RoleBinding": Shape(required: ["roleRef.apiGroup", "roleRef.kind", "roleRef.name", "subjects[].kind", "subjects[].name"]),
        "rbac.authorization.k8s.io/v1|ClusterRoleBinding": Shape(required: ["roleRef.apiGroup", "roleRef.kind", "roleRef.name", "subjects[].kind", "subjects[].name"],
                                                                check: clusterBindingSubjects),
        "coordination.k8s.io/v1|Lease": Shape(required: []),
        "tekton.dev/v1|Task": Shape(required: ["spec.steps[].name", "spec.steps[].image"], check: tektonParams),
        "tekton.dev/v1|Pipeline": Shape(required: ["spec.tasks[].name"], check: pipelineTasks),
        "tekton.dev/v1|PipelineRun": Shape(required: [], check: { v in
            v[path: "spec", "pipelineRef"] == nil && v[path: "spec", "pipelineSpec"] == nil ? ["spec needs pipelineRef or pipelineSpec"] : []
        }),
        "monitoring.coreos.com/v1|PrometheusRule": Shape(required: ["spec.groups[].name", "spec.groups[].rules[].expr"], check: prometheusRules),
        "monitoring.coreos.com/v1|ServiceMonitor": Shape(required: ["spec.selector", "spec.endpoints[]"]),
        "syncgate.dev/v1alpha1|SyncGatePolicy": Shape(required: []),
    ]

    /// Missing required paths, e.g. "spec.template.spec.containers[0].image".
    static func missing(_ path: String, in value: Value) -> [String] {
        var problems: [String] = []
        func walk(_ v: Value, _ parts: ArraySlice<Substring>, _ at: String) {
            guard let first = parts.first else { return }
            let isArray = first.hasSuffix("[]")
            let key = String(isArray ? first.dropLast(2) : first)
            guard let child = v[key], !child.isNull else { problems.append("\(at)\(key) is required"); return }
            if isArray {
                guard let elements = child.array, !elements.isEmpty else { problems.append("\(at)\(key) must be a non-empty list"); return }
                for (i, e) in elements.enumerated() { walk(e, parts.dropFirst(), "\(at)\(key)[\(i)].") }
            } else {
                walk(child, parts.dropFirst(), "\(at)\(key).")
            }
        }
        walk(value, path.split(separator: ".")[...], "")
        return problems
    }

    static let secret: @Sendable (Value) -> [String] = { v in
        guard v["type"]?.string == "kubernetes.io/tls" else { return [] }
        let keys = Set((v["data"]?.object?.keys ?? []) + (v["stringData"]?.object?.keys ?? []))
        return keys.isSuperset(of: ["tls.crt", "tls.key"]) ? [] : ["a kubernetes.io/tls Secret needs tls.crt and tls.key"]
    }

    static let selectorMatches: @Sendable (Value) -> [String] = { v in
        let selector = v[path: "spec", "selector", "matchLabels"]?.object
        let labels = v[path: "spec", "template", "metadata", "labels"]?.object
        guard let selector else { return [] }
        for (k, want) in selector.pairs where labels?[k]?.scalarText != want.scalarText {
            return ["spec.selector.matchLabels.\(k) does not match the pod template's labels"]
        }
        return []
    }

    static let job: @Sendable (Value) -> [String] = { v in
        let policy = v[path: "spec", "template", "spec", "restartPolicy"]?.string
        return policy == nil || policy == "Never" || policy == "OnFailure" ? [] : ["a Job's restartPolicy must be Never or OnFailure, not \(policy!)"]
    }

    static let rules: @Sendable (Value) -> [String] = { v in
        var out: [String] = []
        for (i, rule) in (v["rules"]?.elements ?? []).enumerated() {
            if rule["resources"] != nil && rule["apiGroups"] == nil { out.append("rules[\(i)] names resources without apiGroups") }
            if rule["resources"] == nil && rule["nonResourceURLs"] == nil { out.append("rules[\(i)] needs resources or nonResourceURLs") }
            let verbs = Set(rule["verbs"]?.elements.compactMap(\.string) ?? [])
            let known: Set<String> = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*",
                                      "impersonate", "bind", "escalate", "use", "approve", "sign"]
            for verb in verbs.subtracting(known) { out.append("rules[\(i)]: unknown verb '\(verb)'") }
        }
        return out
    }

    static let clusterBindingSubjects: @Sendable (Value) -> [String] = { v in
        (v["subjects"]?.elements ?? []).enumerated().compactMap { i, s in
            s["kind"]?.string == "ServiceAccount" && s["namespace"] == nil ? "subjects[\(i)]: a ServiceAccount subject of a ClusterRoleBinding needs a namespace" : nil
        }
    }

    static let tektonParams: @Sendable (Value) -> [String] = { v in
        let declared = Set(v[path: "spec", "params"]?.elements.compactMap { $0["name"]?.string } ?? [])
        let text = JSONWriter.string(v[path: "spec", "steps"] ?? .null)
        var out: [String] = []
        var rest = Substring(text)
        while let r = rest.range(of: "$(params.") {
            let name = rest[r.upperBound...].prefix { $0 != ")" }
            if !declared.contains(String(name)) { out.append("step uses $(params.\(name)), which the Task does not declare") }
            rest = rest[r.upperBound...]
        }
        return out
    }

    static let pipelineTasks: @Sendable (Value) -> [String] = { v in
        let declared = Set(v[path: "spec", "params"]?.elements.compactMap { $0["name"]?.string } ?? [])
        var out: [String] = []
        for task in v[path: "spec", "tasks"]?.elements ?? [] {
            if task["taskRef"] == nil && task["taskSpec"] == nil { out.append("task \(task["name"]?.string ?? "?") needs taskRef or taskSpec") }
            for p in task["params"]?.elements ?? [] {
                guard let value = p["value"]?.string, value.hasPrefix("$(params.") else { continue }
                let name = String(value.dropFirst(9).dropLast())
                if !declared.contains(name) { out.append("task \(task["name"]?.string ?? "?") uses $(params.\(name)), which the Pipeline does not declare") }
            }
        }
        return out
    }

    static let prometheusRules: @Sendable (Value) -> [String] = { v in
        var out: [String] = []
        for group in v[path: "spec", "groups"]?.elements ?? [] {
            for rule in group["rules"]?.elements ?? [] {
                let alert = rule["alert"]?.string, record = rule["record"]?.string
                if (alert == nil) == (record == nil) { out.append("group \(group["name"]?.string ?? "?"): each rule needs exactly one of alert or record") }
                if let f = rule["for"]?.string, f.range(of: #"^[0-9]+(ms|s|m|h|d|w|y)$"#, options: .regularExpression) == nil {
                    out.append("\(alert ?? "?"): 'for: \(f)' is not a Prometheus duration")
                }
            }
        }
        return out
    }
}
