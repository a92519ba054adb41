import ArgumentParser
import Foundation
import SyncGateKube

/// kubectl's connection flags, shared by every command that talks to a cluster.
struct KubeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path to the kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the Pod's service account).", valueName: "FILE"))
    var kubeconfig: String?

    @Option(name: .long, help: "The kubeconfig context to use (default: current-context).")
    var context: String?

    @Option(name: [.customShort("n"), .long], help: "Namespace for namespaced lookups (default: the context's namespace).")
    var namespace: String?

    @Flag(name: .customLong("in-cluster"), help: "Use the Pod's service account even if a kubeconfig exists.")
    var inCluster = false

    @Option(name: .customLong("request-timeout"), help: "Seconds allowed for each API request.")
    var requestTimeout: Double = 30

    func makeClient() throws -> KubeClient {
        let configuration = try ClientConfiguration.load(KubeConfigOptions(
            kubeconfig: kubeconfig, context: context, namespace: namespace, forceInCluster: inCluster))
        for w in configuration.warnings { CommandOutput.warn(w) }
        return KubeClient(configuration: configuration, requestTimeout: requestTimeout)
    }
}

/// Printing and exit codes shared by the cluster commands (0 ok, 1 usage/internal, 2 blocked, 4 timed out).
enum CommandOutput {
    static func say(_ line: String) { print(line) }

    static func warn(_ line: String) { FileHandle.standardError.write(Data("warning: \(line)\n".utf8)) }

    static func fail(_ command: String, _ message: String) { FileHandle.standardError.write(Data("syncgate \(command): \(message)\n".utf8)) }

    /// The exit code for an error, after printing it.
    static func exitCode(for error: Error, command: String) -> ExitCode {
        fail(command, "\(error)")
        if case KubeError.notFound(let s) = error, s.path.contains("/applications/") {
            fail(command, "if the Application lives in another namespace, pass --app-namespace NAMESPACE")
        }
        switch error {
        case is AutoSyncError: return ExitCode(2)
        case KubeError.timedOut: return ExitCode(4)
        default: return ExitCode(1)
        }
    }

    /// `2h5m`, `3d4h`, `45s`.
    static func age(_ seconds: TimeInterval?) -> String {
        guard let seconds, seconds >= 0 else { return "?" }
        let s = Int(seconds)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(s % 60 == 0 ? "" : "\(s % 60)s")" }
        if s < 86_400 { return "\(s / 3600)h\((s % 3600) / 60 == 0 ? "" : "\((s % 3600) / 60)m")" }
        return "\(s / 86_400)d\((s % 86_400) / 3600 == 0 ? "" : "\((s % 86_400) / 3600)h")"
    }

    static func table(_ rows: [[String]]) -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: width)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in i == r.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
