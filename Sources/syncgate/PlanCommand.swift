import ArgumentParser
import Foundation
import SyncGateCore

/// `syncgate plan`: the no-cluster stage. Parses flags, calls `Planner`, prints; the work is in SyncGateCore.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Discover Argo CD Applications, build the TLS dependency graph, waves and static findings.",
        discussion: """
        Needs files only. Prints every Application's hostname chains (DNS, backend Service/workload/image, \
        Secret, Gateway listener, Certificate), the sync waves that order implies, and every finding with \
        file:line and a remedy.

        Exit codes: 0 nothing blocks; 2 an error finding blocks the sync; 1 usage error.

        Examples:
          syncgate plan examples/incident-2026-03-22
          syncgate plan . --format sarif --output syncgate.sarif
          syncgate plan . --repo-url https://github.com/acme/gitops --format markdown
        """
    )

    @Argument(help: "The GitOps repository (directory). Default: the current directory.")
    var repo: String = "."

    @Option(name: .customLong("repo-url"), help: "The URL Applications use for this repository (default: git remote origin, else inferred).")
    var repoURL: String?

    @Option(name: .long, help: ArgumentHelp("Policy file (default: REPO/syncgate.yaml when present).", valueName: "FILE"))
    var policy: String?

    @Flag(name: .customLong("no-render"), help: "Do not run kubectl kustomize / helm template; report those sources as not rendered.")
    var noRender = false

    @Option(name: .customLong("render-timeout"), help: "Seconds allowed for each kustomize/helm rendering.")
    var renderTimeout: Double = 60

    @OptionGroup var output: OutputOptions

    func run() throws {
        MallocTuning.keepFreedMemory()
        let renderer: any SourceRenderer = noRender ? NoSourceRenderer() : ProcessSourceRenderer(timeoutSeconds: renderTimeout)
        var options = PlanOptions(repoURL: repoURL, policyFile: policy, renderer: renderer)
        if ProcessInfo.processInfo.environment["SYNCGATE_PROFILE"] != nil {
            let start = Date()
            options.onPhase = { phase in
                FileHandle.standardError.write(Data(String(format: "syncgate: %-9@ %.3f s  cpu %.3f s\n", phase, Date().timeIntervalSince(start),
                                                           ProcessorTime.used()).utf8))
            }
        }
        let plan: Plan
        do {
            plan = try Planner(options: options).plan(repo: repo)
        } catch {
            FileHandle.standardError.write(Data("syncgate plan: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try output.write(plan)
        options.onPhase?("render")
        // Exit at once: tearing down a plan of 100,000 objects only costs time.
        Foundation.exit(plan.exitCode)
    }
}
