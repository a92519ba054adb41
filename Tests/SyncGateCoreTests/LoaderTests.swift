import Foundation
import Testing
@testable import SyncGateCore

@Suite("Manifest loading")
struct LoaderTests {
    @Test("multi-document stream keeps file and line of each object")
    func lines() {
        let ms = manifests("""
        apiVersion: v1
        kind: Service
        metadata: {name: a}
        ---
        # comment
        apiVersion: v1
        kind: Service
        metadata: {name: b}
        """, file: "x/s.yaml")
        #expect(ms.map(\.name) == ["a", "b"])
        #expect(ms.map(\.location.line) == [1, 6])
        #expect(ms[1].location.file == "x/s.yaml")
    }

    @Test("JSON file, CRLF and .yml are read")
    func jsonAndCRLF() throws {
        let repo = try TempRepo([
            "a.json": #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"j","namespace":"n"}}"#,
            "b.yml": "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: crlf\r\n  namespace: n\r\n",
        ])
        defer { repo.remove() }
        let plan = try repo.plan()
        #expect(Set(plan.inventory.services.map(\.name)) == ["j", "crlf"])
        #expect(plan.inventory.services.first { $0.name == "crlf" }?.manifest.location.line == 1)
    }

    @Test("a malformed file is reported with file:line:column and every other file is still planned")
    func malformed() throws {
        let repo = try TempRepo([
            "good.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: n}\n",
            "bad.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n  namespace: x\n",
            "z-good.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: ok2, namespace: n}\n",
        ])
        defer { repo.remove() }
        let plan = try repo.plan()
        let errors = plan.findings.filter { $0.id == RuleCatalog.parseError.id }
        #expect(errors.count == 1)
        #expect(errors.first?.file == "bad.yaml")
        #expect((errors.first?.line ?? 0) >= 4)
        #expect((errors.first?.location.column ?? 0) > 0)
        #expect(Set(plan.inventory.services.map(\.name)) == ["ok", "ok2"])
        #expect(plan.exitCode == 2)
    }

    @Test("Helm templates, values files, documents without kind, top-level lists: info, never a crash")
    func skipped() throws {
        let repo = try TempRepo([
            "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
            "chart/templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
            "values.yaml": "replicas: 2\n",
            "tpl/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"{{ .Values.name }}\"\n",
            "patch.yaml": "- op: replace\n  path: /spec/replicas\n  value: 3\n",
            "nokind.yaml": "metadata:\n  name: x\n",
            "ok.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: n}\n",
        ])
        defer { repo.remove() }
        let plan = try repo.plan()
        #expect(plan.inventory.services.map(\.name) == ["ok"])
        let ids = Set(plan.findings.map(\.id))
        #expect(ids.contains(RuleCatalog.templateSkipped.id))
        #expect(ids.contains(RuleCatalog.notAnObject.id))
        #expect(plan.findings.allSatisfy { $0.severity != .error })
        #expect(plan.findings.first { $0.file == "patch.yaml" }?.line == 1)
    }

    @Test("duplicate keys and custom tags become findings with their line")
    func diagnostics() {
        var out = LoadOutput()
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n  namespace: !Env NS\n"
        Array(text.utf8).withUnsafeBytes { out = ManifestLoader().decode($0, file: "d.yaml") }
        #expect(out.manifests.first?.name == "b")
        let dup = out.findings.first { $0.message.contains("duplicate key") }
        #expect(dup?.line == 5)
        #expect(dup?.severity == .warning)
        let tag = out.findings.first { $0.message.contains("custom tag") }
        #expect(tag?.line == 6)
        #expect(tag?.severity == .info)
    }

    @Test("SOPS files are read for metadata with an info finding; Secret data is never kept")
    func sops() {
        var out = LoadOutput()
        let text = """
        apiVersion: v1
        kind: Secret
        metadata: {name: s, namespace: n}
        type: kubernetes.io/tls
        data:
          tls.crt: ENC[AES256_GCM,data:abc]
        sops:
          mac: ENC[x]
          lastmodified: "2026-01-01T00:00:00Z"
        """
        Array(text.utf8).withUnsafeBytes { out = ManifestLoader().decode($0, file: "s.enc.yaml") }
        #expect(out.manifests.count == 1)
        #expect(out.manifests[0].value["data"] == nil)
        #expect(out.findings.contains { $0.id == RuleCatalog.sopsFile.id })
    }

    @Test("kind: List is expanded into its items")
    func list() {
        let ms = manifests("""
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: a}
          - apiVersion: v1
            kind: Service
            metadata: {name: b}
        """)
        #expect(ms.map(\.name) == ["a", "b"])
        #expect(ms[1].location.line == 7)
    }

    @Test("every corpus file loads without error findings")
    func corpus() throws {
        let plan = try Planner(options: PlanOptions(renderer: NoSourceRenderer())).plan(repo: Paths.corpus)
        #expect(plan.findings.filter { $0.id == RuleCatalog.parseError.id }.isEmpty)
        #expect(plan.inventory.gateways.count > 10)
        #expect(plan.inventory.routes.count > 10)
    }

    @Test("irrelevant kinds are slimmed to apiVersion, kind and metadata")
    func slim() {
        let ms = manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
        #expect(ms[0].value["data"] == nil)
        #expect(ms[0].name == "c")
    }
}
