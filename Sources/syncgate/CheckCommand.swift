import ArgumentParser
import Foundation
import SyncGateCore
import SyncGateProbes
import SyncGateX509

/// `syncgate check`: the plan's graph plus live evidence for every node the network can answer. Parses flags,
/// maps plan nodes to probe targets, runs them with `CheckRunner`, prints; the probes are in SyncGateProbes.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Gather live evidence (DNS, images, HTTP-01 paths, served TLS, ACME issuers) for every node of the plan.",
        discussion: """
        Every node gets pass, fail or unknown with its evidence and how long it took; every host chain shows its \
        first failing link. DNS nodes: A/AAAA (following CNAMEs) against the ingress addresses, and CAA for the \
        issuing CA. Images: a manifest HEAD on the registry. Certificates: the HTTP-01 path on the ingress and the \
        certificate served there with SNI. Issuers: the ACME directory (and whether it offers ARI). Nodes only the \
        cluster can answer (Services, Secrets, listeners) are unknown here; `syncgate status` reads them.

        Exit codes: 0 nothing fails; 2 a prerequisite fails (a CI stage should block the merge); 1 usage error.

        Examples:
          syncgate check examples/incident-2026-03-22 --ingress-address 203.0.113.10
          syncgate check . --only dns,tls --resolver 127.0.0.1:5353 --ca-file staging-root.pem
          syncgate check . --format junit --output check.xml --concurrency 64 --timeout 3
        """
    )

    @Argument(help: "The GitOps repository (directory). Default: the current directory.")
    var repo: String = "."

    @Option(name: .customLong("repo-url"), help: "The URL Applications use for this repository (default: git remote origin, else inferred).")
    var repoURL: String?

    @Option(name: .long, help: ArgumentHelp("Policy file (default: REPO/syncgate.yaml when present).", valueName: "FILE"))
    var policy: String?

    @Flag(name: .customLong("no-render"), help: "Do not run kubectl kustomize / helm template.")
    var noRender = false

    @Option(name: .long, help: ArgumentHelp("Probe kinds to run, comma-separated: dns,image,http01,tls,acme (default: all).", valueName: "KINDS"))
    var only: String?

    @Option(name: .long, help: "Seconds allowed for each network exchange (each attempt).")
    var timeout: Double = 5

    @Option(name: .long, help: "How many probes run at once.")
    var concurrency: Int = 32

    @Option(name: .long, help: "How many attempts for transient failures (timeouts, SERVFAIL, 5xx), with exponential backoff and jitter.")
    var attempts: Int = 3

    @Option(name: .long, help: ArgumentHelp("DNS resolver host[:port] (repeatable; default: the system's).", valueName: "HOST:PORT"))
    var resolver: [String] = []

    @Option(name: .customLong("ca-file"), help: ArgumentHelp("Verify served chains against this PEM bundle instead of the system trust store (e.g. a staging root). Also trusted for ACME directories.", valueName: "FILE"))
    var caFile: String?

    @Option(name: .customLong("ingress-address"), help: ArgumentHelp("An address of the ingress (repeatable; adds to the policy's ingress.addresses). HTTP-01 and TLS probes connect to the first.", valueName: "IP"))
    var ingressAddress: [String] = []

    @Option(name: .customLong("ingress-hostname"), help: ArgumentHelp("A load-balancer name whose own addresses count as the ingress (repeatable; adds to the policy's ingress.hostnames).", valueName: "NAME"))
    var ingressHostname: [String] = []

    @Option(name: .customLong("registry-auth"), help: ArgumentHelp("Registry credentials host=user:password (repeatable; ~/.docker/config.json is read too).", valueName: "HOST=USER:PASS"))
    var registryAuth: [String] = []

    @Option(name: .customLong("plain-http-registry"), help: ArgumentHelp("A registry host[:port] spoken to over plain HTTP (repeatable; loopback registries always are).", valueName: "HOST"))
    var plainHTTPRegistry: [String] = []

    @Option(name: .customLong("secret-file"), help: ArgumentHelp("A Secret's certificate to compare with what is served: NAMESPACE/NAME=tls.crt[,tls.key] (repeatable).", valueName: "NS/NAME=CRT[,KEY]"))
    var secretFile: [String] = []

    @Option(name: .customLong("min-days"), help: "Fail a served certificate with fewer days left than this.")
    var minDays: Int = 0

    @Option(name: .customLong("caa-identifier"), help: ArgumentHelp("The CA's CAA identifier for issuers SyncGate cannot name (Let's Encrypt is letsencrypt.org).", valueName: "DOMAIN"))
    var caaIdentifier: String?

    @Option(name: .customLong("http-port"), help: "Port of the ingress for HTTP-01 probes.")
    var httpPort: Int = 80

    @Option(name: .customLong("tls-port"), help: "Port of the ingress for TLS probes.")
    var tlsPort: Int = 443

    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try kinds()
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard attempts >= 1 else { throw ValidationError("--attempts must be at least 1") }
        for text in resolver where ResolverAddress(text) == nil || IPAddressTextCheck.isIP(ResolverAddress(text)!.host) == false {
            throw ValidationError("--resolver \(text): expected an IP address with an optional port, e.g. 127.0.0.1:5353 or [::1]:53")
        }
        for address in ingressAddress where !IPAddressTextCheck.isIP(address) {
            throw ValidationError("--ingress-address \(address): expected an IP address; use --ingress-hostname for a load-balancer name")
        }
    }

    func kinds() throws -> [CheckKind] {
        guard let only else { return CheckKind.allCases }
        return try only.split(separator: ",").map { word in
            guard let kind = CheckKind(rawValue: word.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("--only \(only): unknown kind \"\(word)\"; use some of \(CheckKind.allCases.map(\.rawValue).joined(separator: ","))")
            }
            return kind
        }
    }

    func run() async throws {
        CurlHTTPClient.globalInit()  // once, by the process owner (SyncGateProbes never does it behind our back)
        let clock = ContinuousClock.now
        let renderer: any SourceRenderer = noRender ? NoSourceRenderer() : ProcessSourceRenderer(timeoutSeconds: 60)
        let plan: Plan
        do {
            plan = try Planner(options: PlanOptions(repoURL: repoURL, policyFile: policy, renderer: renderer)).plan(repo: repo)
        } catch {
            FileHandle.standardError.write(Data("syncgate check: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let runner: CheckRunner
        let targets: [CheckTarget]
        do {
            runner = try makeRunner(policy: plan.policy)
            targets = try PlanCheckTargets(plan: plan, kinds: Set(kinds()), caaOverride: caaIdentifier, secrets: loadSecrets()).targets
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("syncgate check: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let outcomes = await runner.run(targets)
        let elapsed = ContinuousClock.now - clock
        let totalMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let report = CheckReport.assemble(
            planNodes: PlanCheckTargets.reportNodes(plan), chains: plan.chains.map { (host: $0.host, nodes: $0.nodes) },
            outcomes: outcomes, kinds: try kinds(),
            totalMilliseconds: totalMs, unprobedNote: { kind in CheckCommand.unprobedNote(kind) })
        let format = CheckReportFormat(rawValue: output.format.rawValue) ?? .text
        try output.write(CheckReportRenderer(format: format, colour: output.colour).render(report))
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    static func unprobedNote(_ kind: String) -> String {
        switch kind {
        case "service", "workload", "secret", "listener", "gateway", "application":
            return "no network probe: only the cluster can answer (syncgate status)"
        default:
            return "not probed (excluded by --only, or nothing the network can check, e.g. a wildcard name or an issuer without an ACME server)"
        }
    }

    func makeRunner(policy: Policy) throws -> CheckRunner {
        let timeoutMs = Int(timeout * 1000)
        let retry = RetryPolicy(maxAttempts: attempts, baseDelayMilliseconds: 100, maxDelayMilliseconds: 2_000)
        let dnsResolver = LibresolvResolver(servers: resolver.compactMap(ResolverAddress.init), timeoutMilliseconds: timeoutMs, retry: retry)
        var credentials = try RegistryCredentials.defaultDockerConfig()
        for flag in registryAuth {
            do { try credentials.add(flag: flag) } catch { throw ValidationError("\(error)") }
        }
        var caPEM: String?
        let trust: TrustStore
        if let caFile {
            guard let text = try? String(contentsOfFile: caFile, encoding: .utf8) else {
                throw ValidationError("--ca-file \(caFile): cannot read the file")
            }
            do { trust = try TrustStore(pem: text, origin: caFile) } catch { throw ValidationError("--ca-file \(caFile): \(error)") }
            caPEM = text
        } else {
            trust = try TrustStore.system()
        }
        let ingress = IngressExpectation(addresses: ingressAddress + policy.ingressAddresses, hostnames: ingressHostname + policy.ingressHostnames)
        return CheckRunner(
            configuration: .init(ingress: ingress, httpPort: httpPort, tlsPort: tlsPort, concurrency: concurrency),
            resolver: dnsResolver,
            registry: RegistryProbe(credentials: credentials, timeoutMilliseconds: timeoutMs, retry: retry, plainHTTPRegistries: Set(plainHTTPRegistry)),
            http: HTTP01Probe(timeoutMilliseconds: timeoutMs, retry: retry),
            tls: TLSProbe(inspector: try OpenSSLTLSInspector(timeoutMilliseconds: timeoutMs), trust: trust, minimumDaysLeft: minDays, retry: retry),
            acme: ACMEDirectoryProbe(timeoutMilliseconds: timeoutMs, caPEM: caPEM, retry: retry))
    }

    /// `--secret-file ns/name=tls.crt[,tls.key]` keyed by the Secret's node id.
    func loadSecrets() throws -> [String: SecretMaterial] {
        var secrets: [String: SecretMaterial] = [:]
        for flag in secretFile {
            guard let equals = flag.firstIndex(of: "=") else {
                throw ValidationError("--secret-file \(flag): expected NAMESPACE/NAME=tls.crt[,tls.key]")
            }
            var name = String(flag[..<equals])
            if name.hasPrefix("secret:") { name.removeFirst("secret:".count) }
            let files = flag[flag.index(after: equals)...].split(separator: ",").map(String.init)
            guard name.contains("/"), let crtFile = files.first else {
                throw ValidationError("--secret-file \(flag): expected NAMESPACE/NAME=tls.crt[,tls.key]")
            }
            guard let crt = try? String(contentsOfFile: crtFile, encoding: .utf8) else { throw ValidationError("--secret-file: cannot read \(crtFile)") }
            var key: String?
            if files.count > 1 {
                guard let text = try? String(contentsOfFile: files[1], encoding: .utf8) else { throw ValidationError("--secret-file: cannot read \(files[1])") }
                key = text
            }
            secrets["secret:\(name)"] = SecretMaterial(certificatePEM: crt, keyPEM: key, origin: "\(crtFile) (secret \(name))")
        }
        return secrets
    }
}

enum IPAddressTextCheck {
    static func isIP(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

