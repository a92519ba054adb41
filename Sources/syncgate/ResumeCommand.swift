import ArgumentParser
import Foundation
import SyncGateKube

/// `syncgate resume APP…`: restore exactly the policy `pause` recorded.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Restore the sync policy SyncGate recorded when it paused the Applications.",
        discussion: """
        Restores spec.syncPolicy exactly as recorded in syncgate.dev/paused-sync-policy and removes the pause \
        annotations, with a guarded JSON patch. Refuses when the policy is no longer what the pause left (someone \
        changed it meanwhile) unless --force.

        Exit codes: 0 resumed (or not paused); 2 refused (policy changed, concurrent changes); 1 usage or API error; 4 timed out.

        Examples:
          syncgate resume pay-production pay-sandbox
          syncgate resume rbac-production --force
        """
    )

    @Argument(help: "Application names.")
    var applications: [String]

    @Option(name: .customLong("app-namespace"), help: "Namespace of the Applications.")
    var appNamespace: String = "argocd"

    @Flag(name: .long, help: "Restore the recorded policy even if someone changed the policy while paused.")
    var force = false

    @OptionGroup var kube: KubeOptions

    func validate() throws {
        if applications.isEmpty { throw ValidationError("name at least one Application") }
    }

    func run() async throws {
        let control: AutoSyncControl
        do { control = AutoSyncControl(client: try kube.makeClient()) } catch { throw CommandOutput.exitCode(for: error, command: "resume") }
        var worst: ExitCode = .success
        for app in applications {
            do {
                let outcome = try await control.resume(app, namespace: appNamespace, force: force)
                CommandOutput.say(outcome.message)
            } catch {
                let code = CommandOutput.exitCode(for: error, command: "resume \(appNamespace)/\(app)")
                if worst == .success || code.rawValue == 2 { worst = code }
            }
        }
        if worst != .success { throw worst }
    }
}
