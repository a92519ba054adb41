import ArgumentParser
import Foundation

@main
struct SyncGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncgate",
        abstract: "GitOps sync ordering for TLS: DNS, backend, Secret, listener, then Certificate.",
        discussion: """
        Exit codes, the same in every command: 0 every gate passes; 1 usage or internal error; 2 blocked by a \
        prerequisite (auto-sync paused where configured); 3 verification failed after a change; 4 a wait timed out.
        """,
        subcommands: [PlanCommand.self, CheckCommand.self, PauseCommand.self, ResumeCommand.self, StatusCommand.self, PlaceholderCommand.self, SolversCommand.self, MetricsCommand.self, RolloutCommand.self, PromoteCommand.self, HookCommand.self, HealCommand.self, DemoCommand.self]
    )

    /// Like ArgumentParser's own main, except that usage errors exit 1 (argument-parser's default is 64),
    /// so every command keeps the exit codes above.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
