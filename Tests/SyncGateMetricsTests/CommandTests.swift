import Foundation
import Testing

/// The built `syncgate metrics` binary, end to end, on a snapshot file.
@Suite struct CommandTests {
    static func binary() -> String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (exe as NSString).deletingLastPathComponent
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: "\(directory)/syncgate") { return "\(directory)/syncgate" }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return nil
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String)? {
        guard let binary = binary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func onceFromASnapshotPrintsParseableMetrics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-metrics-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let snapshot = directory.appendingPathComponent("snapshot.yaml").path
        try Fixture().yaml.write(toFile: snapshot, atomically: true, encoding: .utf8)

        guard let printed = try Self.run(["metrics", "--snapshot", snapshot, "--once", "--no-endpoint-probes"]) else { return }
        #expect(printed.status == 0, "\(printed.stderr)")
        let parsed = try PrometheusTextParser.parse(printed.stdout)
        #expect(parsed["syncgate_acme_solver_routes"]?.value(["namespace": "acme-rbac-production"]) == 250)
        #expect(parsed["syncgate_application_paused"]?.value(["application": "acme-pay-production"]) == 1)

        let textfile = directory.appendingPathComponent("syncgate.prom").path
        guard let written = try Self.run(["metrics", "--snapshot", snapshot, "--once", "--textfile", textfile, "--no-endpoint-probes"]) else { return }
        #expect(written.status == 0 && written.stdout.isEmpty)
        #expect(try PrometheusTextParser.parse(String(contentsOfFile: textfile, encoding: .utf8))["syncgate_certificate_ready"] != nil)
    }

    @Test func usageErrorsExit1WithAMessage() throws {
        guard let bad = try Self.run(["metrics", "--listen", "localhost:9464"]) else { return }
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("IPv4"), "\(bad.stderr)")
        guard let missing = try Self.run(["metrics", "--snapshot", "/nonexistent/snap.yaml", "--once"]) else { return }
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent/snap.yaml"), "\(missing.stderr)")
    }
}
