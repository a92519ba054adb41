/// Human text: grouped by Application, then by hostname chain, then waves and findings with file:line and what
/// to do. ANSI colour only when asked (the command asks when stdout is a terminal).
public struct TextRenderer: PlanRenderer {
    public var colour: Bool
    public init(colour: Bool = false) { self.colour = colour }

    func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { paint(s, "1") }
    func severity(_ s: Severity) -> String {
        switch s {
        case .error: return paint("ERROR  ", "1;31")
        case .warning: return paint("WARNING", "33")
        case .info: return paint("info   ", "36")
        }
    }

    public func render(_ plan: Plan) -> String {
        let s = plan.summary
        var out = bold("SyncGate plan of \(plan.repo)") + (plan.repoURL.map { " (repository \($0))" } ?? "") + "\n"
        out += "\(s.applications) Application(s), \(s.objects) object(s) in \(s.files) file(s), \(s.chains) hostname(s); "
        out += "\(s.errors) error(s), \(s.warnings) warning(s), \(s.infos) info\n"

        // Each chain belongs to the Application of its Certificate, else of its backend, else of its listener.
        var chainsByApp: [String: [HostChain]] = [:]
        for c in plan.chains {
            let owner = primaryApplication(c, plan: plan)
            chainsByApp[owner ?? "", default: []].append(c)
        }
        var wavesByApp: [String: [WaveEntry]] = [:]
        // Waves are shown where a finding says the declared order is wrong.
        let contradicted = Set(plan.findings.filter { $0.id == RuleCatalog.waveContradiction.id }.map { "\($0.application ?? "")|\($0.object)" })
        // Every wave of an Application with a contradicted one, in order (one pass: entries are unique objects).
        let contradictedApps = Set(plan.waves.entries.filter { contradicted.contains("\($0.application ?? "")|\($0.object)") }
            .map { $0.application ?? "" })
        for w in plan.waves.entries where contradictedApps.contains(w.application ?? "") {
            wavesByApp[w.application ?? "", default: []].append(w)
        }
        var findingsByApp: [String: [Finding]] = [:]
        for f in plan.findings { findingsByApp[f.application ?? "", default: []].append(f) }
        var needs: [String: [ApplicationDependency]] = [:]
        for d in plan.waves.applicationOrder { needs[d.after, default: []].append(d) }

        var byNode: [String: [Finding]] = [:]
        for f in plan.findings where f.severity != .info { if let n = f.node { byNode[n, default: []].append(f) } }

        for app in plan.applications {
            out += "\n" + bold("Application \(app.id)")
            var facts: [String] = []
            if let p = app.path { facts.append(p) }
            facts.append(app.rendering.rawValue)
            facts.append("\(app.objectCount) object(s)")
            if let parent = app.parent { facts.append("parent \(parent)") }
            if let gen = app.application.generatedBy { facts.append("from ApplicationSet \(gen)") }
            if app.application.autoSync { facts.append("auto-sync") }
            out += "  (" + facts.joined(separator: ", ") + ")\n"
            for d in needs[app.id] ?? [] {
                out += "  needs \(d.before) synced and healthy first: \(d.reason)\n"
            }
            out += section(chains: chainsByApp[app.id] ?? [], waves: wavesByApp[app.id] ?? [], findings: findingsByApp[app.id] ?? [],
                           byNode: byNode, plan: plan)
        }
        let unownedChains = chainsByApp[""] ?? [], unownedWaves = wavesByApp[""] ?? [], unownedFindings = findingsByApp[""] ?? []
        if !unownedChains.isEmpty || !unownedFindings.isEmpty {
            out += "\n" + bold(plan.applications.isEmpty ? "Objects (no Argo CD Application found)" : "Not owned by any Application") + "\n"
            out += section(chains: unownedChains, waves: unownedWaves, findings: unownedFindings, byNode: byNode, plan: plan)
        }
        out += "\n" + (plan.isBlocked
            ? paint("BLOCKED", "1;31") + ": \(s.errors) error finding(s) must be fixed before syncing (exit 2).\n"
            : paint("OK", "1;32") + ": nothing blocks the sync (exit 0).\n")
        return out
    }

    func section(chains: [HostChain], waves: [WaveEntry], findings: [Finding], byNode: [String: [Finding]], plan: Plan) -> String {
        var out = ""
        for c in chains {
            out += "  \(bold(c.host))\n"
            for id in c.nodes {
                guard let n = plan.graph.nodes[id] else { continue }
                var note = ""
                if !n.declared {
                    if n.kind == .secret, let writers = plan.graph.writers[id], !writers.isEmpty {
                        note = paint("  (not yet: written by \(writers.joined(separator: ", ")) after issuance)", "33")
                    } else if n.kind != .dns && n.kind != .image {
                        note = paint("  (not in the repository)", "31")
                    }
                }
                let owner = n.application.map { "  [\($0)]" } ?? ""
                out += "    \(id)\(note)\(paint(owner, "2"))\n"
                for f in byNode[id] ?? [] {
                    out += "      \(paint("!", f.severity == .error ? "1;31" : "33")) \(f.id) (\(f.location))\(f.application.map { $0 == n.application ? "" : " in \($0)" } ?? "")\n"
                }
            }
        }
        if !waves.isEmpty {
            out += "  waves of this Application (declared -> recommended):\n"
            for w in waves { out += "    \(w.object): \(w.declared) -> \(w.recommended)\n" }
        }
        for f in findings {
            out += "  \(severity(f.severity)) \(f.id) \(f.location)\n"
            out += "    \(f.message)\n"
            out += "    fix: \(f.remedy)\n"
        }
        return out
    }

    func primaryApplication(_ c: HostChain, plan: Plan) -> String? {
        for kind in [NodeKind.certificate, .service, .listener, .secret] {
            for id in c.nodes where NodeID.kind(of: id) == kind {
                if let a = plan.graph.nodes[id]?.application { return a }
            }
        }
        return nil
    }
}
