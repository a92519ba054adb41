import ArgumentParser

@main
struct SyncGateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syncgate",
        abstract: "GitOps sync ordering for TLS: DNS, backend, Secret, listener, then Certificate.",
        subcommands: [PlanCommand.self, CheckCommand.self, PauseCommand.self, ResumeCommand.self, StatusCommand.self, PlaceholderCommand.self, SolversCommand.self, MetricsCommand.self, RolloutCommand.self, PromoteCommand.self, HookCommand.self, HealCommand.self, DemoCommand.self]
    )
}
