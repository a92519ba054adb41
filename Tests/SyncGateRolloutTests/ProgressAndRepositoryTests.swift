import Foundation
import Testing
import SyncGateCore
@testable import SyncGateRollout

@Suite struct ProgressAndRepositoryTests {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func add(_ s: String) { lock.lock(); text += s; lock.unlock() }
        var all: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    @Test func jsonEventsAreOneObjectPerLine() throws {
        let out = Lines()
        let printer = EventPrinter(style: .json, write: { out.add($0) })
        let t = Date(timeIntervalSince1970: 1_774_191_600)
        printer.emit(RolloutEvent(time: t, kind: .waiting, stage: "canary", application: "argocd/pay", gate: "certificate",
                                  object: "certificate:pay/pay-cert", message: "issuing: \"quoted\"\nnewline", elapsed: 12.5))
        printer.emit(RolloutEvent(time: t, kind: .runFinished, message: "exit 0"))
        let lines = out.all.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try YAMLDecoder.decodeOne(Array(lines[0].utf8))
        #expect(first["event"]?.string == "waiting")
        #expect(first["stage"]?.string == "canary")
        #expect(first["message"]?.string == "issuing: \"quoted\"\nnewline")
        #expect(first["elapsedSeconds"]?.double == 12.5)
        #expect(first["time"]?.string == "2026-03-22T15:00:00Z")
    }

    @Test func plainAndLiveStyles() {
        #expect(EventPrinter.defaultStyle(environment: ["CI": "true"], isTerminal: true) == .plain)
        #expect(EventPrinter.defaultStyle(environment: [:], isTerminal: false) == .plain)
        #expect(EventPrinter.defaultStyle(environment: [:], isTerminal: true) == .live)
        let out = Lines()
        let live = EventPrinter(style: .live, write: { out.add($0) })
        let t = Date()
        live.emit(RolloutEvent(time: t, kind: .waiting, stage: "canary", gate: "certificate", message: "issuing"))
        live.emit(RolloutEvent(time: t, kind: .passed, stage: "canary", gate: "certificate", message: "Ready"))
        #expect(out.all.contains("\r\u{1B}[2K"))
        #expect(out.all.hasSuffix("✓ [canary] certificate Ready\n"))
    }

    /// The demo's generated repository plans like the example: two stages, dependency on the platform Gateway.
    @Test func generatedRepositoryPlans() throws {
        let root = NSTemporaryDirectory() + "syncgate-demo-repo-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in DemoRepository.files(existing: ["web"], new: ["pay", "rbac"]) {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let policy = try PolicyLoader.load(repo: root)
        let plan = try RolloutPlanner.plan(policy: policy, inventory: InventoryAdapter.inventory(from: try Planner().plan(repo: root)))
        #expect(plan.stages.map { $0.applications.map(\.identity.name) } == [["acme-pay-sandbox", "acme-rbac-sandbox"], ["acme-pay-production", "acme-rbac-production"]])
        #expect(plan.applications.allSatisfy { $0.hosts.count == 1 && $0.dependsOn.contains("argocd/platform-gateway") })
    }
}
