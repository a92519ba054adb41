import ArgumentParser
import Foundation
import SyncGateKube
import SyncGateRollout

/// `syncgate promote --to STAGE`: the manual gate between stages.
struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Re-verify what the previous stage serves, then release STAGE (and roll it out unless --no-rollout).",
        discussion: """
        For a stage after one with `promotion: manual`, `syncgate rollout` stops once the earlier stage is verified.
        `promote --to STAGE` re-checks every host of the previous stage (served leaf equals the Secret, covers the
        host, chains to the stage's trust, valid long enough), records the promotion in the rollout's journal, and
        then runs the rollout of STAGE. Nothing is released when the re-verification fails (exit 3).

        Examples:
          syncgate promote --to production
          syncgate promote --to production --no-rollout examples/canary-production
        """
    )

    @Option(name: .long, help: "The stage to release.")
    var to: String

    @Argument(help: "The GitOps repository.")
    var repo: String = "."

    @Flag(name: .customLong("no-rollout"), help: "Only record the promotion; a later `syncgate rollout` continues.")
    var noRollout = false

    @Option(name: .long, help: "Progress format: live, plain, json.")
    var events: EventPrinter.Style?

    @Option(name: .long, help: "The rollout's name (journal syncgate-rollout-NAME).")
    var name: String = "default"

    @Option(name: .customLong("journal-namespace"), help: "Namespace of the journal ConfigMap.")
    var journalNamespace: String = "argocd"

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        let policy = try RolloutCLI.load(repo: repo, stage: nil, command: "promote").policy
        guard let index = policy.stageIndex(named: to) else {
            CommandOutput.fail("promote", "no stage \"\(to)\" in \(policy.source); stages: \(policy.stages.map(\.name).joined(separator: ", "))")
            throw ExitCode(1)
        }
        guard index > 0 else {
            CommandOutput.fail("promote", "\(to) is the first stage: there is nothing before it to verify; run `syncgate rollout --stage \(to)`")
            throw ExitCode(1)
        }
        let previous = policy.stages[index - 1].name
        let verify = try RolloutCLI.load(repo: repo, stage: previous, command: "promote")
        let env = try RolloutCLI.environment(kube: kube, repo: repo, style: events, command: "promote")
        let report = await RolloutEngine(policy: policy, plan: verify.plan, environment: env,
                                         options: RolloutOptions(mode: .verify, rolloutName: "\(name)-promote", journalNamespace: journalNamespace, fresh: true)).run()
        if report.exitCode != .success {
            CommandOutput.fail("promote", "stage \(previous) does not verify; \(to) stays closed")
            try RolloutCLI.finish(report, style: events)
        }
        let journal = ClusterJournal(cluster: env.cluster, namespace: journalNamespace, rollout: name)
        do { try await journal.promote(stage: to, now: env.clock.now) } catch { throw CommandOutput.exitCode(for: error, command: "promote") }
        print("stage \(previous) verified; \(to) released (journal syncgate-rollout-\(name) in \(journalNamespace))")
        if noRollout { return }
        let rollout = try RolloutCLI.load(repo: repo, stage: to, command: "promote")
        let run = await RolloutEngine(policy: policy, plan: rollout.plan, environment: env,
                                      options: RolloutOptions(mode: .rollout, rolloutName: name, journalNamespace: journalNamespace)).run()
        try RolloutCLI.finish(run, style: events)
    }
}
