import Foundation
import SyncGateCore

/// What a `client.authentication.k8s.io` plugin printed: a bearer token and/or a client certificate, and when it expires.
public struct ExecCredential: Sendable, Equatable {
    public var token: String?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// nil: valid until the server rejects it (then the plugin runs again).
    public var expiration: Date?
}

/// Runs an exec credential plugin as kubectl does: the configured command and args, the configured env on top
/// of ours, `KUBERNETES_EXEC_INFO` describing the request, stdin closed, stdout parsed as an `ExecCredential`.
public struct ExecCredentialPlugin: Sendable {
    public var config: KubeConfig.ExecConfig
    public var environment: [String: String]
    public var clusterInfo: Value?
    public var timeoutSeconds: Double

    public init(config: KubeConfig.ExecConfig, environment: [String: String], clusterInfo: Value?, timeoutSeconds: Double = 60) {
        self.config = config
        self.environment = environment
        self.clusterInfo = clusterInfo
        self.timeoutSeconds = timeoutSeconds
    }

    /// The `KUBERNETES_EXEC_INFO` document.
    public var execInfo: String {
        var spec = Object()
        spec["interactive"] = .bool(false)
        if config.provideClusterInfo, let clusterInfo { spec["cluster"] = clusterInfo }
        var o = Object()
        o["kind"] = .string("ExecCredential")
        o["apiVersion"] = .string(config.apiVersion)
        o["spec"] = .object(spec)
        return JSONWriter.string(.object(o))
    }

    /// Runs the plugin on its own thread (it may take seconds: cloud CLIs) and parses its output.
    public func run() async throws -> ExecCredential {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<ExecCredential, Error>) in
            let thread = Thread { cont.resume(with: Result { try self.runBlocking() }) }
            thread.name = "syncgate-exec-plugin"
            thread.start()
        }
    }

    private func executablePath() throws -> String {
        if config.command.contains("/") { return config.command }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(config.command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw KubeError.credentials(
            "exec plugin \"\(config.command)\" not found in PATH. \(config.installHint ?? "Install it or fix users[].user.exec.command in the kubeconfig.")")
    }

    func runBlocking() throws -> ExecCredential {
        if config.interactiveMode == "Always" {
            throw KubeError.credentials("exec plugin \"\(config.command)\" requires interactiveMode Always, but SyncGate runs without a terminal. Log in first (so the plugin has cached credentials) or set interactiveMode: IfAvailable.")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments = config.args
        var env = environment
        for (k, v) in config.env { env[k] = v }
        env["KUBERNETES_EXEC_INFO"] = execInfo
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw KubeError.credentials("cannot start exec plugin \"\(config.command)\": \(error.localizedDescription). \(config.installHint ?? "")")
        }
        let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeoutSeconds, execute: timer)
        // Read both pipes fully before waiting, so a chatty plugin cannot block on a full pipe.
        let errBox = ByteBox()
        let errThread = Thread { errBox.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errThread.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let stderr = errBox.wait()
        let errText = String(decoding: stderr.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw KubeError.credentials(
                "exec plugin \"\(config.command)\" exited with status \(process.terminationStatus)\(errText.isEmpty ? "" : ": \(errText)"). \(config.installHint ?? "Run it by hand to see why.")")
        }
        return try Self.parse([UInt8](stdout), apiVersion: config.apiVersion, command: config.command)
    }

    /// Parses an `ExecCredential` printed by a plugin.
    public static func parse(_ bytes: [UInt8], apiVersion: String, command: String) throws -> ExecCredential {
        let v: Value
        do { v = try YAMLDecoder.decodeOne(bytes, file: "exec plugin output") } catch {
            throw KubeError.credentials("exec plugin \"\(command)\" printed something that is not JSON: \(error)")
        }
        guard v["kind"]?.string == "ExecCredential" else {
            throw KubeError.credentials("exec plugin \"\(command)\" did not print an ExecCredential (kind is \(v["kind"]?.scalarText ?? "missing")).")
        }
        if let got = v["apiVersion"]?.string, got != apiVersion {
            throw KubeError.credentials("exec plugin \"\(command)\" answered apiVersion \(got), but the kubeconfig asked for \(apiVersion).")
        }
        let status = v["status"] ?? .null
        var cred = ExecCredential()
        cred.token = status["token"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        cred.clientCertificatePEM = status["clientCertificateData"]?.string.map { Array($0.utf8) }
        cred.clientKeyPEM = status["clientKeyData"]?.string.map { Array($0.utf8) }
        if let ts = status["expirationTimestamp"]?.string {
            guard let d = RFC3339.parse(ts) else {
                throw KubeError.credentials("exec plugin \"\(command)\": expirationTimestamp \"\(ts)\" is not RFC 3339.")
            }
            cred.expiration = d
        }
        if cred.token == nil && (cred.clientCertificatePEM == nil || cred.clientKeyPEM == nil) {
            throw KubeError.credentials("exec plugin \"\(command)\" returned neither status.token nor clientCertificateData + clientKeyData.")
        }
        return cred
    }
}

/// A one-shot hand-off of bytes between threads.
final class ByteBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data?

    func set(_ d: Data) {
        condition.lock()
        data = d
        condition.signal()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        while data == nil { condition.wait() }
        let d = data!
        condition.unlock()
        return d
    }
}
