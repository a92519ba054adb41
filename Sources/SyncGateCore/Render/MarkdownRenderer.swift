/// A Markdown summary fit for a pull-request comment: verdict, counts, blocking findings first, the order to
/// sync Applications in, and waves to change.
public struct MarkdownRenderer: PlanRenderer {
    public var maxFindings: Int
    public init(maxFindings: Int = 50) { self.maxFindings = maxFindings }

    public func render(_ plan: Plan) -> String {
        let s = plan.summary
        var out = "## SyncGate plan: \(plan.isBlocked ? "❌ blocked" : "✅ no blocking findings")\n\n"
        out += "| Applications | Objects | Hostnames | Errors | Warnings | Info |\n|---:|---:|---:|---:|---:|---:|\n"
        out += "| \(s.applications) | \(s.objects) | \(s.chains) | \(s.errors) | \(s.warnings) | \(s.infos) |\n\n"
        let shown = plan.findings.filter { $0.severity != .info }
        if !shown.isEmpty {
            out += "### Findings\n\n| | Rule | Object | Where | What | Fix |\n|---|---|---|---|---|---|\n"
            for f in shown.prefix(maxFindings) {
                let icon = f.severity == .error ? "❌" : "⚠️"
                out += "| \(icon) | `\(f.id)` | \(Escape.markdownCell(f.object)) | `\(Escape.markdownCell(f.location.description))` | \(Escape.markdownCell(f.message)) | \(Escape.markdownCell(f.remedy)) |\n"
            }
            if shown.count > maxFindings { out += "\n…and \(shown.count - maxFindings) more (see the JSON or SARIF output).\n" }
            out += "\n"
        }
        if !plan.waves.applicationOrder.isEmpty {
            out += "### Sync order across Applications\n\n"
            for d in plan.waves.applicationOrder.prefix(maxFindings) {
                out += "- `\(d.before)` synced and healthy before `\(d.after)`: \(Escape.markdownCell(d.reason))\n"
            }
            out += "\n"
        }
        let changes = plan.waves.entries.filter { $0.application != nil && $0.recommended != $0.declared }
        let contradicted = Set(plan.findings.filter { $0.id == RuleCatalog.waveContradiction.id }.map(\.object))
        let relevant = changes.filter { contradicted.contains($0.object) }
        if !relevant.isEmpty {
            out += "### Waves to change\n\n| Application | Object | Declared | Recommended |\n|---|---|---:|---:|\n"
            for w in relevant { out += "| `\(w.application ?? "")` | \(Escape.markdownCell(w.object)) | \(w.declared) | \(w.recommended) |\n" }
            out += "\n"
        }
        let infos = plan.findings.count - shown.count
        if infos > 0 { out += "<sub>\(infos) informational finding(s) not shown.</sub>\n" }
        return out
    }
}
