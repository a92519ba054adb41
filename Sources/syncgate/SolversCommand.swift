import ArgumentParser
import Foundation
import SyncGateKube

/// `syncgate solvers`: count (and prune) cert-manager's HTTP-01 solver routes.
struct SolversCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solvers",
        abstract: "Count cm-acme-http-solver-* HTTPRoutes and Ingresses per namespace; --prune deletes stale ones.",
        discussion: """
        cert-manager creates a solver route per HTTP-01 attempt and, on failure, may leave it behind (seed 000: \
        22,514 routes, Traefik OOMKilled). A route is stale when its Challenge (owner reference, else the \
        acme.cert-manager.io/http-token label) no longer exists or has finished. --prune deletes stale routes in \
        batches, re-reading Challenges before each batch, each delete guarded by uid and resourceVersion; a route \
        of an active Challenge is never deleted, nor one that is not provably cert-manager's.

        Exit codes: 0 every namespace at or under --threshold; 2 some namespace over it; 1 usage or API error; 4 timed out.

        Examples:
          syncgate solvers
          syncgate solvers --prune --batch 100
          syncgate solvers -n pay-production --threshold 50
        """
    )

    @Option(name: .long, help: "Solver routes per namespace above which to alert (seed 000's alert used 200).")
    var threshold: Int = 200

    @Flag(name: .long, help: "Delete stale solver routes.")
    var prune = false

    @Option(name: .long, help: "Routes deleted per batch.")
    var batch: Int = 50

    @OptionGroup var kube: KubeOptions

    func validate() throws {
        if threshold < 0 { throw ValidationError("--threshold must be 0 or more") }
        if batch < 1 { throw ValidationError("--batch must be at least 1") }
    }

    func run() async throws {
        let report: SolverReport
        do {
            let client = try kube.makeClient()
            let janitor = SolverRouteJanitor(client: client, httpRouteResource: await GatewayAPI.resolve(.httpRoutes, client: client))
            var r = try await janitor.census(namespace: kube.namespace, threshold: threshold)
            if prune { r = try await janitor.prune(r, batchSize: batch) }
            report = r
        } catch {
            throw CommandOutput.exitCode(for: error, command: "solvers")
        }
        var rows = [["NAMESPACE", "HTTPROUTES", "INGRESSES", "STALE", "ACTIVE", ""]]
        for c in report.counts {
            let stale = report.stale.filter { $0.namespace == c.namespace }.count
            let active = report.active.filter { $0.namespace == c.namespace }.count
            rows.append([c.namespace, String(c.httpRoutes), String(c.ingresses), String(stale), String(active),
                         c.total > threshold ? "over threshold \(threshold)" : ""])
        }
        CommandOutput.say(report.counts.isEmpty ? "no cert-manager solver routes" : CommandOutput.table(rows))
        for (route, verdict) in report.verdicts {
            if case .unknown(let why) = verdict { CommandOutput.warn("\(route.id): not pruned: \(why)") }
        }
        var remaining = Dictionary(uniqueKeysWithValues: report.counts.map { ($0.namespace, $0.total) })
        if prune {
            CommandOutput.say("pruned \(report.deleted.count) stale solver route(s); kept \(report.active.count) of active Challenges")
            for r in report.deleted { remaining[r.namespace, default: 0] -= 1 }
            for (r, why) in report.skipped { CommandOutput.say("skipped \(r.id): \(why)") }
            for (r, e) in report.failed { CommandOutput.fail("solvers", "\(r.id): \(e)") }
        } else if !report.stale.isEmpty {
            CommandOutput.say("\(report.stale.count) stale solver route(s): run with --prune to delete them")
        }
        if remaining.values.contains(where: { $0 > threshold }) {
            CommandOutput.fail("solvers", "solver routes over the threshold \(threshold) remain; each holds Traefik memory (seed 000). Fix the failing challenges (DNS, backend) and prune.")
            throw ExitCode(2)
        }
        if !report.failed.isEmpty { throw ExitCode(1) }
    }
}
