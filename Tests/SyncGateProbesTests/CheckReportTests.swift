import Foundation
import Testing
import SyncGateProbes

/// Assembling node verdicts and chains from probe outcomes, and every output format.
@Suite struct CheckReportTests {
    static func report() -> CheckReport {
        let dns = CheckTarget(nodeID: "dns:pay.example.com", kind: .dns, subject: .hostAddresses(host: "pay.example.com"))
        let caa = CheckTarget(nodeID: "dns:pay.example.com", kind: .dns, subject: .caa(host: "pay.example.com", caIdentifier: "letsencrypt.org"))
        let image = CheckTarget(nodeID: "image:r.example.com/pay/web:1", kind: .image, subject: .image(ImageReference("r.example.com/pay/web:1")!))
        let tls = CheckTarget(nodeID: "certificate:pay/pay-cert", kind: .tls, subject: .servedTLS(host: "pay.example.com", secret: nil))
        let outcomes = [
            CheckOutcome(target: dns, result: ProbeResult(.pass, "resolves to the ingress", evidence: [("A", "203.0.113.10")], durationMilliseconds: 3)),
            CheckOutcome(target: caa, result: ProbeResult(.pass, "CAA allows", durationMilliseconds: 4)),
            CheckOutcome(target: image, result: ProbeResult(.fail, "missing: MANIFEST_UNKNOWN", evidence: [("status", "404")], durationMilliseconds: 12)),
            CheckOutcome(target: tls, result: ProbeResult(.unknown, "timeout", evidence: [("note", "a \"quoted\"\nline\u{1}")], durationMilliseconds: 5_000)),
        ]
        return CheckReport.assemble(
            planNodes: [
                .init(id: "dns:pay.example.com", kind: "dns", location: "apps/pay/cert.yaml:9"),
                .init(id: "service:pay/web", kind: "service", location: "apps/pay/svc.yaml:1"),
                .init(id: "image:r.example.com/pay/web:1", kind: "image", location: "apps/pay/deploy.yaml:20"),
                .init(id: "certificate:pay/pay-cert", kind: "certificate", location: "apps/pay/cert.yaml:1"),
            ],
            chains: [(host: "pay.example.com", nodes: ["dns:pay.example.com", "service:pay/web", "image:r.example.com/pay/web:1", "certificate:pay/pay-cert"])],
            outcomes: outcomes, kinds: CheckKind.allCases, totalMilliseconds: 5_020, unprobedNote: { "only the cluster knows \($0)" })
    }

    @Test func nodeVerdictsChainsAndExitCode() {
        let report = Self.report()
        #expect(report.nodes.map(\.verdict) == [.pass, .unknown, .fail, .unknown])
        #expect(report.nodes[0].probes.count == 2)
        #expect(report.nodes[1].summary == "only the cluster knows service")
        #expect(report.chains.first?.firstFailing == "image:r.example.com/pay/web:1")
        #expect(report.chains.first?.verdict == .fail)
        #expect(report.exitCode == 2)
    }

    @Test func everyFormatRenders() throws {
        let report = Self.report()
        let text = CheckReportRenderer(format: .text).render(report)
        #expect(text.contains("first failing link: image:r.example.com/pay/web:1"))
        #expect(text.contains("1 pass, 1 fail, 2 unknown"))
        let json = CheckReportRenderer(format: .json).render(report)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((root["summary"] as? [String: Any])?["exitCode"] as? Int == 2)
        let nodes = try #require(root["nodes"] as? [[String: Any]])
        #expect(nodes.count == 4)
        let evidence = (nodes[3]["probes"] as? [[String: Any]])?.first?["evidence"] as? [String: String]
        #expect(evidence?["note"] == "a \"quoted\"\nline\u{1}")
        #expect((root["chains"] as? [[String: Any]])?.first?["firstFailing"] as? String == "image:r.example.com/pay/web:1")
        let sarif = CheckReportRenderer(format: .sarif).render(report)
        #expect(sarif.contains("\"startLine\" : 20"))
        let junit = CheckReportRenderer(format: .junit).render(report)
        #expect(junit.contains("<failure message=\"missing: MANIFEST_UNKNOWN\">"))
        #expect(junit.contains("skipped=\"2\""))
        #expect(CheckReportRenderer(format: .markdown).render(report).contains("| `pay.example.com` | fail | `image:r.example.com/pay/web:1` |"))
        #expect(CheckReportRenderer(format: .mermaid).render(report).contains(":::fail"))
        #expect(CheckReportRenderer(format: .dot).render(report).contains("fillcolor=salmon"))
    }
}
