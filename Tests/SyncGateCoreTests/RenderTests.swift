import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SyncGateCore

@Suite("Renderers")
struct RenderTests {
    func plan() throws -> Plan {
        let repo = try TempRepo([
            "app.yaml": app("a", path: "a", ns: "infra"),
            "a/all.yaml": Fixtures.join(Fixtures.issuer, Fixtures.gateway(), Fixtures.certificate(), Fixtures.backend),
        ])
        defer { repo.remove() }
        return try repo.plan(repoURL: "https://github.com/acme/gitops")
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a plan large enough to render its arrays in runs on both cores lists every node and edge once, in order")
    func largeJSONInRuns() throws {
        // 3,000 Services with their Deployments: over 9,000 nodes (images, workloads, services), past the run size.
        var docs: [String] = []
        for i in 0..<3000 {
            docs.append("apiVersion: v1\nkind: Service\nmetadata: {name: s\(i), namespace: big}\nspec: {selector: {app: s\(i)}}")
            docs.append("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: s\(i), namespace: big}\nspec:\n  selector: {matchLabels: {app: s\(i)}}\n  template:\n    metadata: {labels: {app: s\(i)}}\n    spec: {containers: [{name: c, image: \"r.example.com/s\(i):1\"}]}")
        }
        let repo = try TempRepo(["all.yaml": docs.joined(separator: "\n---\n")])
        defer { repo.remove() }
        let p = try repo.plan(parallelism: 2)
        #expect(p.graph.nodes.count > 8192)
        let root = try json(JSONRenderer().render(p))
        let nodes = try #require(root["nodes"] as? [[String: Any]])
        #expect(nodes.compactMap { $0["id"] as? String } == p.graph.sortedNodes.map(\.id))
        let edges = try #require(root["edges"] as? [[String: Any]])
        #expect(edges.compactMap { $0["from"] as? String } == p.graph.sortedEdges.map(\.from))
        #expect(edges.compactMap { $0["to"] as? String } == p.graph.sortedEdges.map(\.to))
        let compact = try json(JSONRenderer(pretty: false).render(p))
        #expect((compact["nodes"] as? [[String: Any]])?.count == nodes.count)
    }

    @Test("JSON has every field the README documents")
    func jsonFields() throws {
        let p = try plan()
        let root = try json(JSONRenderer().render(p))
        let apps = try #require(root["applications"] as? [[String: Any]])
        #expect(Set(apps[0].keys).isSuperset(of: ["name", "namespace", "path", "rendered"]))
        let nodes = try #require(root["nodes"] as? [[String: Any]])
        #expect(nodes.allSatisfy { Set($0.keys).isSuperset(of: ["id", "kind", "application", "file", "line"]) })
        let edges = try #require(root["edges"] as? [[String: Any]])
        #expect(!edges.isEmpty && edges.allSatisfy { Set($0.keys).isSuperset(of: ["from", "to", "reason"]) })
        let chains = try #require(root["chains"] as? [[String: Any]])
        #expect(chains.allSatisfy { $0["host"] is String && $0["nodes"] is [String] })
        let waves = try #require(root["waves"] as? [[String: Any]])
        #expect(!waves.isEmpty && waves.allSatisfy { Set($0.keys).isSuperset(of: ["object", "recommended", "declared"]) })
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty && findings.allSatisfy { Set($0.keys).isSuperset(of: ["id", "severity", "message", "object", "file", "line", "remedy"]) })
        let summary = try #require(root["summary"] as? [String: Any])
        #expect(summary["errors"] as? Int == p.summary.errors)
        #expect(summary["exitCode"] as? Int == 2)
    }

    @Test("SARIF 2.1.0 required fields: version, runs, tool.driver.name and rules, results with ruleId, level, message, locations")
    func sarif() throws {
        let p = try plan()
        let root = try json(SARIFRenderer().render(p))
        #expect(root["version"] as? String == "2.1.0")
        #expect((root["$schema"] as? String)?.contains("sarif") == true)
        let run = try #require((root["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "syncgate")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = Set(rules.compactMap { $0["id"] as? String })
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == p.findings.count)
        for r in results {
            let id = try #require(r["ruleId"] as? String)
            #expect(ruleIDs.contains(id))
            #expect(["error", "warning", "note"].contains(r["level"] as? String ?? ""))
            #expect(((r["message"] as? [String: Any])?["text"] as? String)?.isEmpty == false)
            let loc = try #require((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = try #require((loc["artifactLocation"] as? [String: Any])?["uri"] as? String)
            #expect(!uri.hasPrefix("/"))
            #expect(((loc["region"] as? [String: Any])?["startLine"] as? Int ?? 0) >= 1)
        }
    }

    @Test("JUnit XML is well-formed and counts failures")
    func junit() throws {
        let p = try plan()
        let text = JUnitRenderer().render(p)
        let doc = try XMLDocument(xmlString: text)
        let root = try #require(doc.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "failures")?.stringValue == String(p.summary.errors))
        let failures = try doc.nodes(forXPath: "//failure")
        #expect(failures.count == p.summary.errors)
    }

    @Test("text groups by Application and host, colour only when asked")
    func text() throws {
        let p = try plan()
        let plain = TextRenderer(colour: false).render(p)
        #expect(plain.contains("Application argocd/a"))
        #expect(plain.contains("  app.example.com"))
        #expect(plain.contains("SG102-listener-secret-not-yet"))
        #expect(!plain.contains("\u{1B}["))
        #expect(TextRenderer(colour: true).render(p).contains("\u{1B}["))
    }

    @Test("Mermaid, DOT and Markdown mention the chain and the findings")
    func graphs() throws {
        let p = try plan()
        let mermaid = MermaidRenderer().render(p)
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("terminates-with"))
        let dot = DOTRenderer().render(p)
        #expect(dot.hasPrefix("digraph syncgate {"))
        #expect(dot.contains("\"secret:infra/app-tls\" -> \"listener:infra/gw/https-app\""))
        #expect(dot.hasSuffix("}\n"))
        let md = MarkdownRenderer().render(p)
        #expect(md.contains("blocked"))
        #expect(md.contains("`SG102-listener-secret-not-yet`"))
    }
}
