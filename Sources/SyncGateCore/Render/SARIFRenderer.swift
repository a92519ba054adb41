/// SARIF 2.1.0 for code-scanning UIs: every rule in `tool.driver.rules`, every finding a result with `ruleId`,
/// `level`, `message.text` and a location relative to the repository root (`%SRCROOT%`) with its start line.
public struct SARIFRenderer: PlanRenderer {
    public var toolVersion: String
    public init(toolVersion: String = "0.1.0") { self.toolVersion = toolVersion }

    public func render(_ plan: Plan) -> String {
        JSONWriter.string(value(plan), pretty: true) + "\n"
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    public func value(_ plan: Plan) -> Value {
        var rules = RuleCatalog.all
        for f in plan.findings where !rules.contains(where: { $0.id == f.id }) {
            rules.append(Rule(id: f.id, severity: f.severity, title: f.id, remedy: f.remedy))
        }
        var ruleIndex: [String: Int] = [:]
        for (i, r) in rules.enumerated() { ruleIndex[r.id] = i }
        var driver = Object()
        driver["name"] = .string("syncgate")
        driver["informationUri"] = .string("https://syncgate.dev")
        driver["version"] = .string(toolVersion)
        driver["rules"] = .array(rules.map { r in
            var o = Object()
            o["id"] = .string(r.id)
            o["name"] = .string(r.id.split(separator: "-").dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())
            o["shortDescription"] = .object(["text": .string(r.title)])
            o["fullDescription"] = .object(["text": .string(r.title)])
            o["help"] = .object(["text": .string(r.remedy)])
            o["defaultConfiguration"] = .object(["level": .string(SARIFRenderer.level(r.severity))])
            return .object(o)
        })
        let results: [Value] = plan.findings.map { f in
            var o = Object()
            o["ruleId"] = .string(f.id)
            o["ruleIndex"] = .int(ruleIndex[f.id] ?? 0)
            o["level"] = .string(SARIFRenderer.level(f.severity))
            o["message"] = .object(["text": .string("\(f.message) Fix: \(f.remedy)")])
            if !f.location.file.isEmpty {
                var artifact = Object()
                artifact["uri"] = .string(f.location.file)
                artifact["uriBaseId"] = .string("%SRCROOT%")
                var physical = Object()
                physical["artifactLocation"] = .object(artifact)
                var region = Object()
                region["startLine"] = .int(max(1, f.location.line))
                if f.location.column > 0 { region["startColumn"] = .int(f.location.column) }
                physical["region"] = .object(region)
                o["locations"] = .array([.object(["physicalLocation": .object(physical)])])
            }
            var props = Object()
            props["object"] = .string(f.object)
            props["application"] = f.application.jsonValue
            props["node"] = f.node.jsonValue
            o["properties"] = .object(props)
            return .object(o)
        }
        var run = Object()
        run["tool"] = .object(["driver": .object(driver)])
        // Locations are relative to the repository root (`%SRCROOT%`, which code-scanning uploads resolve to the
        // checkout); `originalUriBaseIds` would need an absolute URI, which a plan of a relative path has not.
        run["results"] = .array(results)
        var root = Object()
        root["$schema"] = .string("https://json.schemastore.org/sarif-2.1.0.json")
        root["version"] = .string("2.1.0")
        root["runs"] = .array([.object(run)])
        return .object(root)
    }
}
