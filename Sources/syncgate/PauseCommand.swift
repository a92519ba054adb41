import ArgumentParser
import Foundation
import SyncGateKube

/// `syncgate pause APP…`: turn Argo CD auto-sync off, recording why and what it was.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Turn Argo CD auto-sync off on Applications, recording the previous policy, the reason and the time.",
        discussion: """
        On Argo CD v3.1+ (the installed Application CRD has spec.syncPolicy.automated.enabled) sets enabled: false; \
        on older CRDs removes spec.syncPolicy.automated. The previous spec.syncPolicy, the reason and the time go into \
        the annotations syncgate.dev/paused-sync-policy, syncgate.dev/paused-reason and syncgate.dev/paused-at. \
        Every patch is guarded by test operations (resourceVersion and the policy as read): a concurrent change is \
        never overwritten. Pausing twice keeps the first record. An Application owned by an ApplicationSet that \
        would revert the change is refused with what to do.

        Exit codes: 0 paused (or already paused / nothing to pause); 2 blocked (ApplicationSet, concurrent changes); \
        1 usage or API error; 4 timed out.

        Examples:
          syncgate pause pay-production pay-sandbox --reason "DNS for pay.example.com not pointing at the NLB"
          syncgate pause rbac-production --reason "image missing" --app-namespace argocd-apps
        """
    )

    @Argument(help: "Application names.")
    var applications: [String]

    @Option(name: .long, help: "Why auto-sync is paused (recorded on the Application).")
    var reason: String

    @Option(name: .customLong("app-namespace"), help: "Namespace of the Applications.")
    var appNamespace: String = "argocd"

    @Flag(name: .customLong("ignore-applicationset"), help: "Patch even when an owning ApplicationSet would revert it.")
    var ignoreApplicationSet = false

    @OptionGroup var kube: KubeOptions

    func validate() throws {
        if applications.isEmpty { throw ValidationError("name at least one Application") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why (it is recorded on the Application)") }
    }

    func run() async throws {
        let control: AutoSyncControl
        do { control = AutoSyncControl(client: try kube.makeClient()) } catch { throw CommandOutput.exitCode(for: error, command: "pause") }
        let features = await control.features()
        var worst: ExitCode = .success
        for app in applications {
            do {
                let outcome = try await control.pause(app, namespace: appNamespace, reason: reason, features: features,
                                                      allowApplicationSet: ignoreApplicationSet)
                for w in outcome.warnings { CommandOutput.warn(w) }
                CommandOutput.say(outcome.message)
            } catch {
                let code = CommandOutput.exitCode(for: error, command: "pause \(appNamespace)/\(app)")
                if worst == .success || code.rawValue == 2 { worst = code }
            }
        }
        if worst != .success { throw worst }
    }
}
