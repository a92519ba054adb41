import ArgumentParser
import Foundation
import SyncGateKube

/// `syncgate placeholder ensure|list`.
struct PlaceholderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placeholder",
        abstract: "Self-signed placeholder Secrets for Gateway listeners whose certificate Secret is missing.",
        subcommands: [Ensure.self, List.self]
    )

    struct Ensure: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ensure",
            abstract: "Create a placeholder kubernetes.io/tls Secret for every listener certificateRef that is missing.",
            discussion: """
            One missing Secret can stop a whole Gateway (seed 000: 23 listeners down). For each missing Secret, \
            SyncGate generates a P-256 key and a self-signed certificate for the listener hostnames in memory and \
            creates the Secret, labelled syncgate.dev/placeholder: "true". It never updates an existing Secret; \
            cert-manager replaces the placeholder on issuance. cert-manager's own alternative is the annotation \
            cert-manager.io/issue-temporary-certificate: "true" on the Certificate.

            Exit codes: 0 nothing missing any more; 1 a Secret could not be created (the message says why).

            Examples:
              syncgate placeholder ensure --gateway traefik/traefik-gateway
              syncgate placeholder ensure
            """
        )

        @Option(name: .long, help: ArgumentHelp("Only this Gateway.", valueName: "NAMESPACE/NAME"))
        var gateway: String?

        @OptionGroup var kube: KubeOptions

        func validate() throws {
            if let g = gateway, g.split(separator: "/").count != 2 { throw ValidationError("--gateway takes NAMESPACE/NAME, e.g. traefik/traefik-gateway") }
        }

        func run() async throws {
            do {
                let client = try kube.makeClient()
                let placeholders = PlaceholderSecrets(client: client, gatewayResource: await GatewayAPI.resolve(.gateways, client: client))
                let target = gateway.map { g -> (namespace: String, name: String) in
                    let p = g.split(separator: "/").map(String.init)
                    return (p[0], p[1])
                }
                let results = try await placeholders.ensure(gateway: target)
                if results.isEmpty { CommandOutput.say("no listener references a certificate Secret"); return }
                var failed = false
                for r in results {
                    CommandOutput.say("\(r.action.rawValue): \(r.message)")
                    if r.action == .failed { failed = true }
                }
                if failed { throw ExitCode(1) }
            } catch let e as ExitCode {
                throw e
            } catch {
                throw CommandOutput.exitCode(for: error, command: "placeholder ensure")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List placeholder Secrets (every namespace, or -n NAMESPACE) and whether cert-manager has replaced them yet.")

        @OptionGroup var kube: KubeOptions

        func run() async throws {
            do {
                let client = try kube.makeClient()
                let list = try await PlaceholderSecrets(client: client).list(namespace: kube.namespace)
                if list.isEmpty { CommandOutput.say("no placeholder Secrets"); return }
                var rows = [["SECRET", "STATE", "CREATED", "FOR LISTENERS"]]
                for p in list {
                    rows.append(["\(p.namespace)/\(p.name)", p.stillPlaceholder ? "placeholder" : "replaced (real certificate)",
                                 p.createdAt, p.forListeners])
                }
                CommandOutput.say(CommandOutput.table(rows))
            } catch {
                throw CommandOutput.exitCode(for: error, command: "placeholder list")
            }
        }
    }
}

/// Gateway API kinds at the version the cluster serves (v1, else v1beta1).
enum GatewayAPI {
    static func resolve(_ resource: KubeResource, client: KubeClient) async -> KubeResource {
        guard let discovery = try? await APIDiscovery.load(client) else { return resource }
        return discovery.resolve(resource, fallbacks: ["v1beta1"]) ?? resource
    }
}
