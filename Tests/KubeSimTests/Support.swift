import Foundation
import KubeSim
import SyncGateCore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A private temporary directory, removed at deinit.
final class TempDir: @unchecked Sendable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "kubesim-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ rel: String, _ text: String) throws {
        let full = path + "/" + rel
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

struct CommandResult { var status: Int32; var stdout: String; var stderr: String }

/// Runs the real kubectl against a kubeconfig. Fails the test with a clear message when kubectl is missing.
struct Kubectl {
    let kubeconfig: String
    static let path = "/usr/bin/kubectl"

    init(_ kubeconfig: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.path) else {
            Issue.record("kubectl is not installed at \(Self.path): install kubectl v1.32 (CI's .ci/run does)")
            throw CancellationError()
        }
        self.kubeconfig = kubeconfig
    }

    @discardableResult
    func run(_ args: [String], stdin: String? = nil) throws -> CommandResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.path)
        p.arguments = ["--kubeconfig", kubeconfig, "--request-timeout=10s"] + args
        var env = ProcessInfo.processInfo.environment
        env["KUBECONFIG"] = nil
        env["HOME"] = (kubeconfig as NSString).deletingLastPathComponent
        p.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CommandResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs and requires exit 0; returns stdout.
    @discardableResult
    func ok(_ args: String..., stdin: String? = nil) throws -> String {
        let r = try run(args, stdin: stdin)
        #expect(r.status == 0, "kubectl \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)")
        return r.stdout
    }

    func json(_ args: String...) throws -> Value {
        let r = try run(args + ["-o", "json"])
        #expect(r.status == 0, "kubectl \(args.joined(separator: " ")) -o json failed: \(r.stderr)")
        return try Value.parse(r.stdout)
    }
}

/// A KubeSim plus a kubeconfig file in a private directory.
struct SimFixture {
    let sim: KubeSim
    let dir: TempDir
    let kubeconfig: String

    static func start(token: String? = nil, configure: (inout KubeSimOptions) -> Void = { _ in }) throws -> SimFixture {
        var options = KubeSimOptions()
        if let token { options.tokens = [token: .admin()] }
        configure(&options)
        let sim = try KubeSim.start(options)
        let dir = try TempDir()
        let path = try sim.writeKubeconfig(to: dir.path + "/kubeconfig", token: token)
        return SimFixture(sim: sim, dir: dir, kubeconfig: path)
    }

    func kubectl() throws -> Kubectl { try Kubectl(kubeconfig) }
}

/// Minimal HTTP for REST-level assertions (plain HTTP only).
struct HTTP {
    let base: String
    var token: String? = nil

    func request(_ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
                 headers: [String: String] = [:]) async throws -> (status: Int, body: Value, text: String) {
        var req = URLRequest(url: URL(string: base + path)!)
        req.httpMethod = method
        if let body { req.httpBody = Data(body.utf8); req.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { req.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        req.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: req)
        let text = String(decoding: data, as: UTF8.self)
        return ((response as! HTTPURLResponse).statusCode, (try? Value.parse(text)) ?? .null, text)
    }
}
