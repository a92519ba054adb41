import Foundation
import Testing
@testable import SyncGateCore

@Suite("The examples")
struct ExampleTests {
    @Test("incident-2026-03-22 reproduces seed 000: blocked, with the listener Secret findings on the new Applications")
    func incident() throws {
        let path = Paths.example("incident-2026-03-22")
        try #require(FileManager.default.fileExists(atPath: path), "examples/incident-2026-03-22 is missing")
        let plan = try Planner(options: PlanOptions(renderer: NoSourceRenderer())).plan(repo: path)
        #expect(plan.exitCode == 2)
        #expect(plan.applications.count >= 25)
        let ids = Set(plan.findings.map(\.id))
        #expect(ids.contains("SG101-listener-secret-missing"))
        #expect(ids.contains("SG102-listener-secret-not-yet"))
        let pay = plan.findings.filter { $0.object.contains("websecure-pay-production") && $0.id == "SG102-listener-secret-not-yet" }
        #expect(pay.count == 1)
        #expect(pay.first?.message.contains("other listeners") == true)
        #expect(plan.findings.allSatisfy { $0.id != RuleCatalog.parseError.id })
        let root = try #require(plan.applications.first { $0.name == "platform-root" })
        #expect(root.parent == nil)
        #expect(plan.applications.filter { $0.parent == root.id }.count >= 24)
    }

    @Test("quickstart is clean: exit 0")
    func quickstart() throws {
        let path = Paths.example("quickstart")
        try #require(FileManager.default.fileExists(atPath: path), "examples/quickstart is missing")
        let plan = try Planner(options: PlanOptions(renderer: NoSourceRenderer())).plan(repo: path)
        #expect(plan.findings.filter { $0.severity != .info }.isEmpty, "\(plan.findings.map { "\($0.id) \($0.message)" })")
        #expect(plan.exitCode == 0)
    }

    @Test("a plain directory without Applications is planned as unowned objects")
    func plainDirectory() throws {
        let repo = try TempRepo(["all.yaml": Fixtures.join(Fixtures.issuer, Fixtures.gateway(), Fixtures.certificate(), Fixtures.backend)])
        defer { repo.remove() }
        let plan = try repo.plan()
        #expect(plan.applications.isEmpty)
        #expect(plan.chains.contains { $0.host == "app.example.com" })
        #expect(plan.findings.contains { $0.id == "SG102-listener-secret-not-yet" })
        #expect(TextRenderer().render(plan).contains("no Argo CD Application found"))
    }

    @Test("not a directory is a usage error")
    func notADirectory() {
        #expect(throws: PlanError.self) { try Planner().plan(repo: "/nonexistent/\(UUID().uuidString)") }
    }
}
