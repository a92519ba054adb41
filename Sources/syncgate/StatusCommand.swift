import ArgumentParser
import Foundation
import SyncGateKube

/// `syncgate status`: which Applications SyncGate paused, why and for how long.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List Applications SyncGate paused, with the reason and how long ago.",
        discussion: """
        Flags an Application whose auto-sync was turned back on while SyncGate's record remained (an ApplicationSet \
        or a person reverted the pause): run `syncgate pause` again or `syncgate resume` to clear the record.

        Examples:
          syncgate status
          syncgate status --all-namespaces
        """
    )

    @Option(name: .customLong("app-namespace"), help: "Namespace of the Applications.")
    var appNamespace: String = "argocd"

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Look in every namespace.")
    var allNamespaces = false

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        do {
            let control = AutoSyncControl(client: try kube.makeClient())
            let paused = try await control.paused(namespace: allNamespaces ? nil : appNamespace)
            if paused.isEmpty {
                CommandOutput.say("no Applications paused by SyncGate in \(allNamespaces ? "any namespace" : appNamespace)")
                return
            }
            let now = Date()
            var rows = [["APPLICATION", "PAUSED", "AUTO-SYNC", "REASON"]]
            for p in paused {
                rows.append(["\(p.namespace)/\(p.name)", CommandOutput.age(p.age(now: now)) + " ago",
                             p.autoSyncOn ? "ON (pause reverted)" : "off", p.record.reason])
            }
            CommandOutput.say(CommandOutput.table(rows))
        } catch {
            throw CommandOutput.exitCode(for: error, command: "status")
        }
    }
}
