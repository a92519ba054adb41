/// JSON: `applications[]`, `nodes[]`, `edges[]`, `chains[]`, `waves[]`, `applicationOrder[]`, `findings[]`,
/// `summary` (the README documents every field). Keys keep a fixed order; lists are sorted.
public struct JSONRenderer: PlanRenderer {
    public var pretty: Bool
    public init(pretty: Bool = true) { self.pretty = pretty }

    public func render(_ plan: Plan) -> String {
        JSONWriter.string(value(plan), pretty: pretty) + "\n"
    }

    public func value(_ plan: Plan) -> Value {
        var root = Object()
        root["repo"] = .string(plan.repo)
        root["repoURL"] = plan.repoURL.jsonValue
        root["applications"] = .array(plan.applications.map { a in
            var o = Object()
            o["name"] = .string(a.name)
            o["namespace"] = .string(a.namespace)
            o["path"] = a.path.jsonValue
            o["rendered"] = .bool(a.rendered)
            o["rendering"] = .string(a.rendering.rawValue)
            o["parent"] = a.parent.jsonValue
            o["generatedBy"] = a.application.generatedBy.jsonValue
            o["destinationNamespace"] = a.destinationNamespace.jsonValue
            o["autoSync"] = .bool(a.application.autoSync)
            o["declaredWave"] = .int(a.application.manifest.declaredWave)
            o["recommendedWave"] = .int(plan.waves.applicationWaves[a.id] ?? 0)
            o["objects"] = .int(a.objectCount)
            o["file"] = .string(a.location.file)
            o["line"] = .int(a.location.line)
            return .object(o)
        })
        root["nodes"] = .array(plan.graph.sortedNodes.map { n in
            var o = Object()
            o["id"] = .string(n.id)
            o["kind"] = .string(n.kind.rawValue)
            o["application"] = n.application.jsonValue
            o["object"] = n.object.jsonValue
            o["declared"] = .bool(n.declared)
            o["file"] = .string(n.location.file)
            o["line"] = .int(n.location.line)
            return .object(o)
        })
        root["edges"] = .array(plan.graph.sortedEdges.map { e in
            var o = Object()
            o["from"] = .string(e.from)
            o["to"] = .string(e.to)
            o["kind"] = .string(e.kind.rawValue)
            o["reason"] = .string(e.reason)
            o["file"] = .string(e.location.file)
            o["line"] = .int(e.location.line)
            return .object(o)
        })
        root["chains"] = .array(plan.chains.map { c in
            var o = Object()
            o["host"] = .string(c.host)
            o["nodes"] = .array(c.nodes.map { .string($0) })
            o["applications"] = .array(c.applications.map { .string($0) })
            return .object(o)
        })
        root["waves"] = .array(plan.waves.entries.map { w in
            var o = Object()
            o["object"] = .string(w.object)
            o["application"] = w.application.jsonValue
            o["recommended"] = .int(w.recommended)
            o["declared"] = .int(w.declared)
            o["phase"] = .string(w.phase.rawValue)
            o["file"] = .string(w.location.file)
            o["line"] = .int(w.location.line)
            return .object(o)
        })
        root["applicationOrder"] = .array(plan.waves.applicationOrder.map { d in
            var o = Object()
            o["before"] = .string(d.before)
            o["after"] = .string(d.after)
            o["reason"] = .string(d.reason)
            o["file"] = .string(d.location.file)
            o["line"] = .int(d.location.line)
            return .object(o)
        })
        root["findings"] = .array(plan.findings.map { f in
            var o = Object()
            o["id"] = .string(f.id)
            o["severity"] = .string(f.severity.rawValue)
            o["message"] = .string(f.message)
            o["object"] = .string(f.object)
            o["application"] = f.application.jsonValue
            o["file"] = .string(f.location.file)
            o["line"] = .int(f.location.line)
            o["remedy"] = .string(f.remedy)
            return .object(o)
        })
        let s = plan.summary
        var summary = Object()
        summary["applications"] = .int(s.applications)
        summary["files"] = .int(s.files)
        summary["objects"] = .int(s.objects)
        summary["nodes"] = .int(s.nodes)
        summary["edges"] = .int(s.edges)
        summary["chains"] = .int(s.chains)
        summary["errors"] = .int(s.errors)
        summary["warnings"] = .int(s.warnings)
        summary["infos"] = .int(s.infos)
        summary["blocked"] = .bool(plan.isBlocked)
        summary["exitCode"] = .int(Int(plan.exitCode))
        root["summary"] = .object(summary)
        return .object(root)
    }
}
