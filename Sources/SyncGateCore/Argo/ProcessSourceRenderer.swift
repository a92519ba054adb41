import Foundation

/// Runs `kubectl kustomize`, `helm template` and `git` as subprocesses, each bounded by a timeout, with output
/// going to temporary files (so a large rendering can never block on a full pipe).
public struct ProcessSourceRenderer: SourceRenderer {
    public var timeoutSeconds: Double
    public var environment: [String: String]

    public init(timeoutSeconds: Double = 60, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.timeoutSeconds = timeoutSeconds
        self.environment = environment
    }

    public func kustomize(directory: String) -> RenderResult {
        guard let kubectl = which("kubectl") else { return .unavailable("kubectl is not installed") }
        return run(kubectl, ["kustomize", directory])
    }

    public func helmTemplate(chartDirectory: String, releaseName: String, namespace: String, valueFiles: [String],
                             inlineValues: String?) -> RenderResult {
        guard let helm = which("helm") else { return .unavailable("helm is not installed") }
        var args = ["template", releaseName, chartDirectory, "--namespace", namespace]
        for f in valueFiles { args += ["-f", f] }
        var inlineFile: String? = nil
        if let inlineValues {
            let path = NSTemporaryDirectory() + "syncgate-values-\(UUID().uuidString).yaml"
            if FileManager.default.createFile(atPath: path, contents: Data(inlineValues.utf8)) {
                args += ["-f", path]
                inlineFile = path
            }
        }
        defer { if let inlineFile { try? FileManager.default.removeItem(atPath: inlineFile) } }
        return run(helm, args)
    }

    public func gitOriginURL(repoRoot: String) -> String? {
        guard let git = which("git") else { return nil }
        guard case .rendered(let top) = run(git, ["-C", repoRoot, "rev-parse", "--show-toplevel"]) else { return nil }
        let topPath = String(decoding: top, as: UTF8.self).trimmingSpaces
        let a = URL(fileURLWithPath: topPath).resolvingSymlinksInPath().path
        let b = URL(fileURLWithPath: repoRoot).resolvingSymlinksInPath().path
        guard a == b else { return nil }
        guard case .rendered(let url) = run(git, ["-C", repoRoot, "remote", "get-url", "origin"]) else { return nil }
        let text = String(decoding: url, as: UTF8.self).trimmingSpaces
        return text.isEmpty ? nil : text
    }

    func which(_ tool: String) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a tool; `.rendered(stdout)` on exit 0, `.failed(stderr)` otherwise or on timeout.
    func run(_ executable: String, _ arguments: [String]) -> RenderResult {
        let tmp = NSTemporaryDirectory()
        let id = UUID().uuidString
        let outPath = tmp + "syncgate-\(id).out", errPath = tmp + "syncgate-\(id).err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        guard let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath) else {
            return .failed("cannot create temporary files in \(tmp)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            return .failed("cannot run \(executable): \(error)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let limit = UInt64(timeoutSeconds * 1_000_000_000)
        var sleep: UInt32 = 1_000
        while process.isRunning {
            if DispatchTime.now().uptimeNanoseconds - start > limit {
                process.terminate()
                usleep(100_000)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                try? out.close(); try? err.close()
                return .failed("\(RepoTree.lastComponent(executable)) \(arguments.first ?? "") timed out after \(Int(timeoutSeconds)) s")
            }
            usleep(sleep)
            sleep = min(sleep * 2, 50_000)
        }
        process.waitUntilExit()
        try? out.close(); try? err.close()
        if process.terminationStatus == 0 {
            return .rendered(Array(FileManager.default.contents(atPath: outPath) ?? Data()))
        }
        let message = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self).trimmingSpaces
        let firstLines = message.split(separator: "\n").prefix(3).joined(separator: " ")
        return .failed("\(RepoTree.lastComponent(executable)) exited \(process.terminationStatus): \(firstLines)")
    }
}
