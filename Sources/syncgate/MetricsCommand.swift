import ArgumentParser
import Foundation
import SyncGateCore
import SyncGateKube
import SyncGateMetrics
import SyncGateProbes

/// `syncgate metrics`: Prometheus exposition of certificate expiry (Secret and endpoint), renewals, paused
/// Applications, solver routes and the CA budget. Parses flags and loops; the work is in SyncGateMetrics.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Serve Prometheus metrics on /metrics (or write a node-exporter textfile).",
        discussion: """
        Collects from the cluster every --interval seconds and serves the last collection on each scrape.
        Per certificate: expiry from the Secret and from the endpoint (divergence), renewal state, stuck \
        Orders; per Application: paused state with reason, auto-sync, gate results; per namespace: \
        cm-acme-http-solver routes; the CA rate-limit budget. pipelines/alerts/ has the PrometheusRule.

        Exit codes: 0 stopped cleanly or --once succeeded; 1 usage error or the collection failed.

        Examples:
          syncgate metrics --listen 0.0.0.0:9464
          syncgate metrics --textfile /var/lib/node_exporter/textfile/syncgate.prom --interval 300
          syncgate metrics --once
          kubectl get applications,certificates,certificaterequests,orders,challenges,httproutes,secrets -A -o yaml > snap.yaml
          syncgate metrics --snapshot snap.yaml --once
        """
    )

    @Option(name: .long, help: ArgumentHelp("Serve /metrics on ADDRESS:PORT (IPv4).", valueName: "ADDRESS:PORT"))
    var listen: String?

    @Option(name: .long, help: ArgumentHelp("Also write the exposition to PATH for node-exporter's textfile collector (atomic rename).", valueName: "PATH"))
    var textfile: String?

    @Flag(name: .long, help: "Collect once, write the textfile (or print to standard output), and exit.")
    var once = false

    @Option(name: .long, help: "Seconds between collections.")
    var interval: Double = 60

    @Option(name: .long, help: ArgumentHelp("Read objects from a YAML/JSON file (kubectl get … -o yaml) instead of the cluster.", valueName: "FILE"))
    var snapshot: [String] = []

    @OptionGroup var kube: KubeOptions

    @Option(name: .customLong("stuck-order-after"), help: "Seconds after which a pending ACME Order counts as stuck.")
    var stuckOrderAfter: Double = 3_600

    @Flag(name: .customLong("no-endpoint-probes"), help: "Do not read the certificates the endpoints serve (Secret expiry only).")
    var noEndpointProbes = false

    @Option(name: .customLong("ingress-address"), help: ArgumentHelp("An address of the ingress (repeatable): served certificates are read at the first instead of at what each hostname resolves to.", valueName: "IP"))
    var ingressAddress: [String] = []

    @Option(name: .customLong("tls-port"), help: "Port of the ingress for TLS probes.")
    var tlsPort: Int = 443

    @Option(name: .long, help: ArgumentHelp("DNS resolver host[:port] for hostnames (repeatable; default: the system's).", valueName: "HOST:PORT"))
    var resolver: [String] = []

    @Option(name: .customLong("journal-namespace"), help: "Namespace of the rollout journals (syncgate-rollout-* ConfigMaps); '*' for every namespace.")
    var journalNamespace: String = "argocd"

    func validate() throws {
        if !(1...65_535).contains(tlsPort) { throw ValidationError("--tls-port must be 1-65535, not \(tlsPort)") }
        for server in resolver where ResolverAddress(server) == nil {
            throw ValidationError("--resolver \(server): expected HOST or HOST:PORT")
        }
        if interval < 1 { throw ValidationError("--interval must be at least 1 second, not \(interval)") }
        if let listen, Self.parseListen(listen) == nil {
            throw ValidationError("--listen \(listen): expected ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:9464 or 0.0.0.0:9464")
        }
        if once && listen != nil { throw ValidationError("--once collects a single time and exits: it cannot also --listen") }
        if !snapshot.isEmpty && (kube.kubeconfig != nil || kube.context != nil || kube.inCluster) {
            throw ValidationError("--snapshot reads objects from files: --kubeconfig, --context and --in-cluster do not apply")
        }
    }

    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        let host = String(text[..<colon])
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else { return nil }
        return (host, port)
    }

    func run() async throws {
        var settings = MetricsSettings()
        settings.stuckOrderAfter = stuckOrderAfter
        settings.journalNamespace = journalNamespace == "*" ? nil : journalNamespace
        let collector = MetricsCollector(reader: try reader(), probe: try probe(), settings: settings, port: tlsPort)
        let writer = textfile.map(TextfileWriter.init(path:))
        if let warning = writer?.warning { FileHandle.standardError.write(Data("syncgate metrics: warning: \(warning)\n".utf8)) }

        if once {
            let text = PrometheusText.render(await collector.collect())
            if let writer { try write(text, writer) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
            return
        }

        let endpoint = MetricsEndpoint()
        var server: MetricsHTTPServer?
        if listen != nil || writer == nil {
            let (host, port) = Self.parseListen(listen ?? "127.0.0.1:9464")!
            do { server = try MetricsHTTPServer(host: host, port: port) } catch {
                FileHandle.standardError.write(Data("syncgate metrics: \(error)\n".utf8))
                throw ExitCode(1)
            }
            server!.start { method, path in endpoint.respond(method: method, path: path) }
            FileHandle.standardError.write(Data("syncgate metrics: serving http://\(host):\(server!.port)/metrics every \(Int(interval))s\n".utf8))
        }
        defer { server?.stop() }
        while !Task.isCancelled {
            let families = await collector.collect()
            endpoint.update(families)
            if let writer { try? write(PrometheusText.render(families), writer) }
            try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
        }
    }

    func write(_ text: String, _ writer: TextfileWriter) throws {
        do { try writer.write(text) } catch {
            FileHandle.standardError.write(Data("syncgate metrics: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    func probe() throws -> (any ServedCertificateProbe)? {
        if noEndpointProbes { return nil }
        let dns = LibresolvResolver(servers: resolver.compactMap(ResolverAddress.init))
        do {
            return TLSEndpointProbe(inspector: try OpenSSLTLSInspector(), connectTo: ingressAddress, resolver: AddressResolver(resolver: dns))
        } catch {
            throw ValidationError("cannot set up TLS probes: \(error) (use --no-endpoint-probes to read Secrets only)")
        }
    }

    func reader() throws -> any ClusterReader {
        if !snapshot.isEmpty {
            var objects: [Value] = []
            for file in snapshot {
                do {
                    let text = file == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                                           : try String(contentsOfFile: file, encoding: .utf8)
                    objects += try YAMLDecoder.decodeAll(text, file: file).documents.map(\.root)
                } catch {
                    throw ValidationError("--snapshot \(file): \(error)")
                }
            }
            return SnapshotClusterReader(objects: objects)
        }
        do {
            return KubeClusterReader(client: try kube.makeClient())
        } catch {
            throw ValidationError("no cluster access: \(error) (pass --kubeconfig, set KUBECONFIG, run in a Pod, or use --snapshot FILE)")
        }
    }
}
