import ArgumentParser
import Foundation
import SyncGateKube
import SyncGateRollout

/// `syncgate heal`: unstick renewals whose CertificateRequest failed (seed 001).
struct HealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heal",
        abstract: "Find renewals stuck on a failed CertificateRequest (an Order the CA forgot) and, with --yes, delete it so cert-manager retries now.",
        discussion: """
        Seed 001: the renewal's Order vanished at the CA ("404 No order for ID"), the CertificateRequest failed, and
        cert-manager waited out its backoff while the certificate expired. `heal` lists every Certificate that is not
        Ready (or expires within --within days) with a failed CertificateRequest or an errored/invalid/expired
        Order, with the evidence and what it will do. With --yes it deletes those CertificateRequests; cert-manager
        creates a new request, Order and Challenge at once.

        Exit codes: 0 nothing stuck, or healed; 2 stuck renewals found and not healed (no --yes); 1 usage/API error.

        Examples:
          syncgate heal
          syncgate heal -n xpro --yes
        """
    )

    @Flag(name: .long, help: "Delete the failed CertificateRequests (default: only show).")
    var yes = false

    @Option(name: .long, help: "Also treat Certificates expiring within this many days as stuck when a request failed.")
    var within: Int = 30

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Every namespace (the default unless -n is given).")
    var allNamespaces = false

    @OptionGroup var kube: KubeOptions

    func run() async throws {
        let client: KubeClient
        do { client = try kube.makeClient() } catch { throw CommandOutput.exitCode(for: error, command: "heal") }
        let cluster = KubeClusterAdapter(client: client)
        let namespace = allNamespaces ? nil : kube.namespace
        let now = Date()
        let stuck: [StuckRenewal]
        do {
            stuck = Healer.find(certificates: try await cluster.list(.certificates, namespace: namespace, labelSelector: nil),
                                requests: try await cluster.list(.certificateRequests, namespace: namespace, labelSelector: nil),
                                orders: try await cluster.list(.orders, namespace: namespace, labelSelector: nil),
                                challenges: try await cluster.list(.challenges, namespace: namespace, labelSelector: nil),
                                now: now, expiringWithin: Double(within) * 86_400)
        } catch { throw CommandOutput.exitCode(for: error, command: "heal") }
        if stuck.isEmpty {
            print("no stuck renewals\(namespace.map { " in \($0)" } ?? "")")
            return
        }
        for s in stuck {
            print(s.describe(now: now))
            for e in s.evidence { print("    \(e)") }
            for r in s.failedRequests { print("  \(yes ? "deleting" : "would delete") CertificateRequest \(s.certificate.namespace)/\(r) so cert-manager retries at once") }
        }
        guard yes else {
            print("dry run: pass --yes to delete \(stuck.flatMap(\.failedRequests).count) failed CertificateRequests")
            throw ExitCode(2)
        }
        do {
            let deleted = try await Healer.heal(stuck, cluster: cluster)
            print("deleted \(deleted.count) CertificateRequests: \(deleted.joined(separator: ", ")); watch: kubectl get certificaterequests,orders,challenges -A -w")
        } catch { throw CommandOutput.exitCode(for: error, command: "heal") }
    }
}
