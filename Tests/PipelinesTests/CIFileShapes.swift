import SyncGateCore

/// Required keys of the CI files: a GitHub composite action, a GitHub workflow, a GitLab CI template.
enum CIFileShapes {
    static func githubAction(_ v: Value) -> [String] {
        var out: [String] = []
        for key in ["name", "description", "runs"] where v[key] == nil { out.append("action: '\(key)' is required") }
        if v[path: "runs", "using"]?.string != "composite" { out.append("action: runs.using must be 'composite'") }
        let steps = v[path: "runs", "steps"]?.elements ?? []
        if steps.isEmpty { out.append("action: runs.steps must list steps") }
        for (i, step) in steps.enumerated() {
            if step["run"] != nil && step["shell"] == nil { out.append("runs.steps[\(i)]: a composite 'run' step needs 'shell'") }
            if (step["run"] == nil) == (step["uses"] == nil) { out.append("runs.steps[\(i)]: needs exactly one of 'run' or 'uses'") }
        }
        for (name, input) in v["inputs"]?.object?.pairs.map({ ($0, $1) }) ?? [] where input["description"] == nil {
            out.append("inputs.\(name): 'description' is required")
        }
        // Every ${{ inputs.x }} and ${{ steps.y.outputs.z }} refers to something declared.
        let declaredInputs = Set(v["inputs"]?.object?.keys ?? [])
        let stepIDs = Set(steps.compactMap { $0["id"]?.string })
        let text = JSONWriter.string(v)
        for reference in references(in: text, prefix: "inputs.") where !declaredInputs.contains(reference) {
            out.append("uses inputs.\(reference), which is not declared")
        }
        for reference in references(in: text, prefix: "steps.") where !stepIDs.contains(reference) {
            out.append("uses steps.\(reference), which no step has as its id")
        }
        return out
    }

    static func githubWorkflow(_ v: Value) -> [String] {
        var out: [String] = []
        if v["on"] == nil { out.append("workflow: 'on' is required") }
        let jobs = v["jobs"]?.object
        if jobs?.isEmpty ?? true { out.append("workflow: 'jobs' must define jobs") }
        for (name, job) in jobs?.pairs.map({ ($0, $1) }) ?? [] {
            if job["uses"] != nil { continue }
            if job["runs-on"] == nil { out.append("jobs.\(name): 'runs-on' is required") }
            let steps = job["steps"]?.elements ?? []
            if steps.isEmpty { out.append("jobs.\(name): 'steps' must list steps") }
            for (i, step) in steps.enumerated() where (step["run"] == nil) == (step["uses"] == nil) {
                out.append("jobs.\(name).steps[\(i)]: needs exactly one of 'run' or 'uses'")
            }
            for need in job["needs"]?.elements.compactMap(\.string) ?? job["needs"]?.string.map({ [$0] }) ?? [] where jobs?[need] == nil {
                out.append("jobs.\(name): needs unknown job '\(need)'")
            }
        }
        return out
    }

    static let gitlabReserved: Set<String> = ["variables", "stages", "include", "default", "workflow", "image", "services",
                                               "cache", "before_script", "after_script", "spec"]

    static func gitlab(_ v: Value) -> [String] {
        var out: [String] = []
        guard let object = v.object else { return ["GitLab CI file must be a mapping"] }
        var jobs = 0
        for (name, job) in object.pairs where !gitlabReserved.contains(name) {
            jobs += 1
            let extends = job["extends"]?.string.map { [$0] } ?? job["extends"]?.elements.compactMap(\.string) ?? []
            for parent in extends where object[parent] == nil { out.append("\(name): extends unknown '\(parent)'") }
            let hasScript = job["script"] != nil || job["trigger"] != nil || extends.contains { object[$0]?["script"] != nil }
            if !hasScript { out.append("\(name): a job needs 'script' (its own or through 'extends')") }
            for need in job["needs"]?.elements.compactMap(\.string) ?? [] where object[need] == nil {
                out.append("\(name): needs unknown job '\(need)'")
            }
        }
        if jobs == 0 { out.append("no jobs") }
        return out
    }

    /// Names after `${{ prefix` up to the next `.`, space or `}`.
    static func references(in text: String, prefix: String) -> Set<String> {
        var out = Set<String>()
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            guard let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) else { break }
            var expression = rest[open.upperBound..<close.lowerBound]
            while let r = expression.range(of: prefix) {
                let before = r.lowerBound == expression.startIndex ? " " : expression[expression.index(before: r.lowerBound)]
                let name = expression[r.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
                if !(before.isLetter || before == ".") { out.insert(String(name)) }
                expression = expression[r.upperBound...]
            }
            rest = rest[close.upperBound...]
        }
        return out
    }
}
