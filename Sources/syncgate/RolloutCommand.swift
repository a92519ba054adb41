import ArgumentParser
import Foundation
import SyncGateCore
import SyncGateKube
import SyncGateProbes
import SyncGateRollout

/// `syncgate rollout [REPO]`: run the stages of syncgate.yaml against the cluster, gate by gate.
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll certificates out stage by stage (canary, then production), verifying what is served; pause auto-sync on failure.",
        discussion: """
        Plans REPO (Applications, graph, policy), then walks the steps in order: a Lease per Application; every
        prerequisite (DNS to the ingress, backend, images, the stage's issuer) and every listener's Secret (a
        placeholder where a listener would otherwise stop its Gateway) for all selected Applications; auto-sync
        held on later stages; then per stage and Application in dependency order: listener and Gateway Programmed,
        an Argo CD sync through the Application's operation, the Certificate Ready (failing early on failed
        Orders, Challenges, CertificateRequests and multiplying solver routes), the served certificate verified;
        a soak; the next stage only after that. Progress is journaled in the ConfigMap syncgate-rollout-NAME so a
        killed run is resumed by the next.

        Exit codes: 0 every gate passed (or waiting for `syncgate promote`); 1 usage or internal error; 2 blocked
        by a prerequisite (the Applications are paused with the reason); 3 verification failed after a change
        (paused); 4 a wait timed out or another run holds an Application.

        Examples:
          syncgate rollout examples/canary-production --dry-run
          syncgate rollout . --stage canary
          syncgate rollout . --events json > rollout.jsonl
        """
    )

    @Argument(help: "The GitOps repository (with syncgate.yaml at its root).")
    var repo: String = "."

    @Option(name: .long, help: "Run only this stage.")
    var stage: String?

    @Flag(name: .customLong("dry-run"), help: "Print every step in order and exit; touches nothing.")
    var dryRun = false

    @Option(name: .long, help: "Progress format: live (terminal), plain (CI lines), json (one object per line). Default: live on a terminal, plain in CI.")
    var events: EventPrinter.Style?

    @Option(name: .long, help: "Names the rollout's journal (ConfigMap syncgate-rollout-NAME).")
    var name: String = "default"

    @Option(name: .customLong("journal-namespace"), help: "Namespace of the journal ConfigMap.")
    var journalNamespace: String = "argocd"

    @Flag(name: .long, help: "Ignore the journal of an earlier run and start over.")
    var fresh = false

    @Option(name: .long, help: "DNS resolver to ask (HOST[:PORT]; default: SYNCGATE_RESOLVER, else /etc/resolv.conf).")
    var resolver: String?

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        let loaded = try RolloutCLI.load(repo: repo, stage: stage, command: "rollout")
        if dryRun {
            RolloutCLI.printDryRun(loaded.plan, policy: loaded.policy)
            return
        }
        let env = try RolloutCLI.environment(kube: kube, repo: repo, style: events, command: "rollout",
                                             resolver: resolver ?? ProcessInfo.processInfo.environment["SYNCGATE_RESOLVER"])
        let engine = RolloutEngine(policy: loaded.policy, plan: loaded.plan, environment: env,
                                   options: RolloutOptions(mode: .rollout, rolloutName: name, journalNamespace: journalNamespace, fresh: fresh))
        let report = await engine.run()
        try RolloutCLI.finish(report, style: events)
    }
}

extension EventPrinter.Style: ExpressibleByArgument {}

/// What the rollout commands share: loading the policy and plan, building the environment, ending with the report.
enum RolloutCLI {
    struct Loaded {
        var policy: RolloutPolicy
        var plan: RolloutPlan
    }

    static func load(repo: String, stage: String?, applications: Set<String>? = nil, command: String) throws -> Loaded {
        let policy: RolloutPolicy
        do { policy = try PolicyLoader.load(repo: repo) } catch let e as PolicyError {
            CommandOutput.fail(command, "syncgate.yaml is not usable:\n\(e)")
            throw ExitCode(1)
        }
        let corePlan: Plan
        do { corePlan = try Planner().plan(repo: repo) } catch {
            CommandOutput.fail(command, "\(error)")
            throw ExitCode(1)
        }
        do {
            let plan = try RolloutPlanner.plan(policy: policy, inventory: InventoryAdapter.inventory(from: corePlan), only: stage, applications: applications)
            return Loaded(policy: policy, plan: plan)
        } catch {
            CommandOutput.fail(command, "\(error)")
            throw ExitCode(1)
        }
    }

    static func printDryRun(_ plan: RolloutPlan, policy: RolloutPolicy) {
        print("rollout plan (\(policy.source)): \(plan.stages.count) stages, \(plan.applications.count) Applications, \(plan.steps.count) steps")
        for (stage, apps) in plan.stages.map({ ($0.stage, $0.applications) }) {
            print("  stage \(stage.name): \(apps.map(\.identity.id).joined(separator: ", "))\(stage.issuer.map { " (issuer \($0))" } ?? "")")
        }
        for (i, s) in plan.steps.enumerated() {
            print(String(format: "%4d. ", i + 1) + s.description + (s.host.map { " (\($0))" } ?? ""))
        }
        if !plan.unselected.isEmpty { print("not in any stage (not rolled out): \(plan.unselected.map(\.id).joined(separator: ", "))") }
        for n in plan.notes { print("note: \(n)") }
    }

    static func environment(kube: KubeOptions, repo: String, style: EventPrinter.Style?, command: String,
                            resolver: String? = ProcessInfo.processInfo.environment["SYNCGATE_RESOLVER"]) throws -> RolloutEnvironment {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandOutput.exitCode(for: error, command: command) }
        let cluster = KubeClusterAdapter(client: client)
        let printer = EventPrinter(style: style ?? EventPrinter.defaultStyle())
        let root = URL(fileURLWithPath: repo)
        return RolloutEnvironment(cluster: cluster, autoSync: KubeAutoSyncSwitch(control: AutoSyncControl(client: client)),
                                  live: ProbeEvidence(resolvers: resolver.flatMap { ResolverAddress($0) }.map { [$0] } ?? []), clock: WallRolloutClock(), events: printer,
                                  trustBundle: { path in
                                      let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
                                      return try? String(contentsOf: url, encoding: .utf8)
                                  })
    }

    static func finish(_ report: RolloutReport, style: EventPrinter.Style?) throws {
        let text = report.text + "\n"
        if style == .json { FileHandle.standardError.write(Data(text.utf8)) } else { print(text, terminator: "") }
        if report.exitCode != .success { throw ExitCode(report.exitCode.rawValue) }
    }
}
