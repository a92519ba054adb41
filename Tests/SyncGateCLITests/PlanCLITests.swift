import Foundation
import Testing

/// Runs the built `syncgate` binary (from the same build directory as this test bundle, else `.build/debug`).
enum SyncGateBinary {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func locate() -> String? {
        var candidates: [String] = []
        if let exe = Bundle.main.executablePath {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            // macOS: …/debug/X.xctest/Contents/MacOS/X; Linux: …/debug/X.xctest
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("syncgate").path)
                dir.deleteLastPathComponent()
            }
        }
        let args0 = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        candidates.append(args0.appendingPathComponent("syncgate").path)
        candidates.append(packageRoot + "/.build/debug/syncgate")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Result {
        guard let binary = locate() else {
            Issue.record("the syncgate binary was not found next to the test bundle or in .build/debug; build it with `swift build --product syncgate`")
            return Result(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        process.environment = env
        let tmp = NSTemporaryDirectory() + "syncgate-cli-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: tmp + ".out", contents: nil)
        FileManager.default.createFile(atPath: tmp + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: tmp + ".out")
            try? FileManager.default.removeItem(atPath: tmp + ".err")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp + ".err"))
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: FileManager.default.contents(atPath: tmp + ".out") ?? Data(), as: UTF8.self)
        let err = String(decoding: FileManager.default.contents(atPath: tmp + ".err") ?? Data(), as: UTF8.self)
        return Result(status: process.terminationStatus, stdout: out, stderr: err)
    }
}

@Suite("syncgate plan (the built binary)")
struct PlanCLITests {
    let incident = SyncGateBinary.packageRoot + "/examples/incident-2026-03-22"
    let quickstart = SyncGateBinary.packageRoot + "/examples/quickstart"

    @Test("incident-2026-03-22 exits 2 with the seed-000 findings")
    func incidentText() throws {
        try #require(FileManager.default.fileExists(atPath: incident), "examples/incident-2026-03-22 is missing")
        let r = try SyncGateBinary.run(["plan", incident])
        #expect(r.status == 2, "stderr: \(r.stderr)")
        for id in ["SG101-listener-secret-missing", "SG102-listener-secret-not-yet", "SG104-backend-service-missing"] {
            #expect(r.stdout.contains(id), "missing \(id)")
        }
        #expect(r.stdout.contains("Application argocd/acme-pay-production"))
        #expect(r.stdout.contains("pay.acme.example.com"))
        #expect(r.stdout.contains("BLOCKED"))
        #expect(!r.stdout.contains("\u{1B}["))
    }

    @Test("incident-2026-03-22 as JSON and SARIF written with --output")
    func incidentJSON() throws {
        try #require(FileManager.default.fileExists(atPath: incident), "examples/incident-2026-03-22 is missing")
        let r = try SyncGateBinary.run(["plan", incident, "--format", "json"])
        #expect(r.status == 2)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let findings = try #require(root["findings"] as? [[String: Any]])
        let ids = Set(findings.compactMap { $0["id"] as? String })
        #expect(ids.contains("SG101-listener-secret-missing"))
        #expect(ids.contains("SG102-listener-secret-not-yet"))
        let pay = findings.first { ($0["object"] as? String)?.contains("websecure-pay-production") == true }
        #expect(pay?["file"] as? String == "platform/gateway/gateway.yaml")
        #expect((pay?["line"] as? Int ?? 0) > 0)

        let out = NSTemporaryDirectory() + "syncgate-\(UUID().uuidString).sarif"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let s = try SyncGateBinary.run(["plan", incident, "--format", "sarif", "--output", out])
        #expect(s.status == 2)
        #expect(s.stdout.isEmpty)
        let sarif = try #require(try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        #expect(sarif["version"] as? String == "2.1.0")
    }

    @Test("quickstart exits 0")
    func quickstartPasses() throws {
        try #require(FileManager.default.fileExists(atPath: quickstart), "examples/quickstart is missing")
        let r = try SyncGateBinary.run(["plan", quickstart])
        #expect(r.status == 0, "stdout: \(r.stdout)\nstderr: \(r.stderr)")
        #expect(r.stdout.contains("hello.example.org"))
        for format in ["json", "mermaid", "dot", "junit", "sarif", "markdown"] {
            let f = try SyncGateBinary.run(["plan", quickstart, "--format", format])
            #expect(f.status == 0, "\(format): \(f.stderr)")
            #expect(!f.stdout.isEmpty)
        }
    }

    @Test("a missing directory is a usage error: exit 1 with a message saying what to do")
    func missingDirectory() throws {
        let r = try SyncGateBinary.run(["plan", "/nonexistent/\(UUID().uuidString)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not a directory"))
    }
}
