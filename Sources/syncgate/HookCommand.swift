import ArgumentParser
import Foundation
import SyncGateCore
import SyncGateKube
import SyncGateRollout

/// `syncgate hook --app NAME`: Argo CD PreSync mode for one Application.
struct HookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "PreSync hook for one Application: check prerequisites, ensure placeholders, fail the sync and pause when blocked.",
        discussion: """
        Runs inside the cluster as an Argo CD PreSync hook Job (see pipelines/argocd/). It checks the Application's
        prerequisites (DNS to the ingress, backend, images, the stage's issuer), creates placeholder Secrets where a
        listener would otherwise stop its Gateway, checks the listeners, and exits 0 so the sync proceeds. When
        blocked it pauses auto-sync on the Application with the reason and exits non-zero, so the sync fails fast
        instead of cert-manager retrying for hours. Argo CD runs a failed PreSync hook only once per revision under
        auto-sync: the report says how the sync will be retried.

        Exit codes: 0 the sync may proceed; 2 blocked (paused); 4 timed out; 1 usage or internal error.

        Example (in the hook Job): syncgate hook --app $(ARGOCD_APP_NAME) --in-cluster /repo
        """
    )

    @Option(name: .long, help: "The Application this hook belongs to.")
    var app: String

    @Option(name: .customLong("app-namespace"), help: "Namespace of the Application.")
    var appNamespace: String = "argocd"

    @Argument(help: "The GitOps repository checkout (default: SYNCGATE_REPO or the current directory).")
    var repo: String = ProcessInfo.processInfo.environment["SYNCGATE_REPO"] ?? "."

    @Option(name: .long, help: "Progress format: live, plain, json.")
    var events: EventPrinter.Style?

    @Option(name: .long, help: "DNS resolver to ask (HOST[:PORT]; default: SYNCGATE_RESOLVER, else /etc/resolv.conf).")
    var resolver: String?

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        let loaded = try RolloutCLI.load(repo: repo, stage: nil, applications: [app, "\(appNamespace)/\(app)"], command: "hook")
        let env = try RolloutCLI.environment(kube: kube, repo: repo, style: events ?? .plain, command: "hook",
                                             resolver: resolver ?? ProcessInfo.processInfo.environment["SYNCGATE_RESOLVER"])
        if loaded.plan.applications.isEmpty {
            print("syncgate hook: \(appNamespace)/\(app) is not in any stage of \(loaded.policy.source) (or has no TLS hosts): nothing to gate; the sync may proceed")
            return
        }
        let report = await RolloutEngine(policy: loaded.policy, plan: loaded.plan, environment: env,
                                         options: RolloutOptions(mode: .hook, rolloutName: "hook-\(app)", journalNamespace: appNamespace, fresh: true)).run()
        if report.exitCode != .success {
            let live = try? await env.cluster.get(.applications, namespace: appNamespace, name: app)
            print(Self.retryAdvice(app: app, application: live))
        }
        try RolloutCLI.finish(report, style: events)
    }

    /// How the failed sync will be retried (DESIGN §3: one PreSync attempt per revision under auto-sync).
    static func retryAdvice(app: String, application: Value?) -> String {
        var lines = ["How this sync will be retried:"]
        if let retry = application?[path: "spec", "syncPolicy", "retry"], let limit = retry["limit"]?.scalarText {
            lines.append("  - Argo CD retries it per spec.syncPolicy.retry (limit \(limit)); each retry runs this hook again.")
        } else {
            lines.append("  - Argo CD will NOT retry it on its own: under auto-sync a failed PreSync hook runs once per revision, and this Application has no spec.syncPolicy.retry.")
        }
        lines.append("  - Fix what the report says, then `syncgate resume \(app)` (restores auto-sync) and `argocd app sync \(app)` or `syncgate rollout`; or push a new commit.")
        return lines.joined(separator: "\n")
    }
}
