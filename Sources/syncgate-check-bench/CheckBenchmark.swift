import Foundation
import SyncGateProbes
import SyncGateTestSupport
import SyncGateX509

struct CheckBenchmark {
    var hosts = 500
    var inProcess = false
    var syncgatePath: String?
    var concurrency = 64

    init(arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--hosts": hosts = iterator.next().flatMap(Int.init) ?? hosts
            case "--in-process": inProcess = true
            case "--syncgate": syncgatePath = iterator.next()
            case "--concurrency": concurrency = iterator.next().flatMap(Int.init) ?? concurrency
            default:
                FileHandle.standardError.write(Data("usage: syncgate-check-bench [--hosts N] [--concurrency N] [--in-process] [--syncgate PATH]\n".utf8))
                exit(1)
            }
        }
    }

    /// Host i: every 25th is expired, every 25th+1 serves a certificate for another name, every 25th+2 has no DNS.
    enum Flavour { case good, expired, wrongSAN, noDNS }
    func flavour(_ i: Int) -> Flavour {
        switch i % 25 {
        case 7: return .expired
        case 13: return .wrongSAN
        case 19: return .noDNS
        default: return .good
        }
    }
    func host(_ i: Int) -> String { String(format: "h%04d.bench.test", i) }

    func run() async -> Int32 {
        do {
            return try await measure()
        } catch {
            FileHandle.standardError.write(Data("syncgate-check-bench: \(error)\n".utf8))
            return 1
        }
    }

    func measure() async throws -> Int32 {
        let now = WallClock.nowEpochSeconds()
        let setup = ContinuousClock.now
        let ca = try CertificateAuthority.generate(commonName: "Bench CA", now: now - 400 * 86_400)
        var sites: [TLSSite] = []
        var records: [DNSRecord] = []
        for i in 0..<hosts {
            let name = host(i)
            let key = try PrivateKey.generateP256()
            let leaf: Certificate
            switch flavour(i) {
            case .expired: leaf = try ca.issue(dnsNames: [name], notBefore: now - 100 * 86_400, notAfter: now - 86_400, key: key)
            case .wrongSAN: leaf = try ca.issue(dnsNames: ["other-\(name)"], notBefore: now - 86_400, notAfter: now + 60 * 86_400, key: key)
            default: leaf = try ca.issue(dnsNames: [name], notBefore: now - 86_400, notAfter: now + 60 * 86_400, key: key)
            }
            sites.append(TLSSite(serverName: name, certificateChainPEM: leaf.pem, keyPEM: key.pem))
            if flavour(i) != .noDNS { records.append(.a(name, "127.0.0.1")) }
        }
        let dns = try await DnsmasqServer.start(zone: DNSZone(domains: ["bench.test"], records: records))
        defer { dns.stop() }
        let nginx = try await NginxServer.start(NginxConfiguration(tlsSites: sites))
        defer { nginx.stop() }
        let work = try TemporaryDirectory(prefix: "check-bench")
        defer { work.remove() }
        let caFile = try work.write("ca.pem", ca.certificatePEM)
        print("setup: \(hosts) hosts, one dnsmasq (\(dns.address)), one nginx (127.0.0.1:\(nginx.httpsPort), \(hosts) SNI sites) in \(format(ContinuousClock.now - setup))")

        // SyncGate.
        let syncgateVerdicts: [String: Bool]
        let syncgateStart = ContinuousClock.now
        if inProcess {
            syncgateVerdicts = try await runInProcess(dns: dns, nginx: nginx, ca: ca)
        } else {
            syncgateVerdicts = try runBinary(dns: dns, nginx: nginx, caFile: caFile, work: work)
        }
        let syncgateTime = ContinuousClock.now - syncgateStart

        // Baseline: sequential dig + openssl s_client, as in seed 004.
        let baselineStart = ContinuousClock.now
        let baselineVerdicts = try runBaseline(dns: dns, nginx: nginx, caFile: caFile)
        let baselineTime = ContinuousClock.now - baselineStart

        let mismatches = (0..<hosts).map(host).filter { syncgateVerdicts[$0] != baselineVerdicts[$0] }
        let failing = syncgateVerdicts.values.filter { !$0 }.count
        let ratio = seconds(baselineTime) / max(seconds(syncgateTime), 1e-9)
        print("syncgate check --only dns,tls\(inProcess ? " (in process)" : ""): \(format(syncgateTime))  (\(hosts - failing) pass, \(failing) fail)")
        print("dig + openssl s_client loop:          \(format(baselineTime))")
        print(String(format: "ratio: %.1fx faster", ratio))
        print(mismatches.isEmpty ? "verdicts: identical for all \(hosts) hosts" : "verdicts differ for \(mismatches.count) hosts: \(mismatches.prefix(10).joined(separator: ", "))")
        return mismatches.isEmpty ? 0 : 3
    }

    func runInProcess(dns: DnsmasqServer, nginx: NginxServer, ca: CertificateAuthority) async throws -> [String: Bool] {
        let runner = CheckRunner(
            configuration: .init(ingress: IngressExpectation(addresses: ["127.0.0.1"]), tlsPort: nginx.httpsPort, concurrency: concurrency),
            resolver: LibresolvResolver(servers: [ResolverAddress(dns.address)!], timeoutMilliseconds: 3_000),
            registry: RegistryProbe(), http: HTTP01Probe(),
            tls: TLSProbe(inspector: try OpenSSLTLSInspector(timeoutMilliseconds: 3_000), trust: try TrustStore(roots: [ca.certificate])),
            acme: ACMEDirectoryProbe())
        var targets: [CheckTarget] = []
        for i in 0..<hosts {
            targets.append(CheckTarget(nodeID: "dns:\(host(i))", kind: .dns, subject: .hostAddresses(host: host(i))))
            targets.append(CheckTarget(nodeID: "certificate:bench/\(host(i))", kind: .tls, subject: .servedTLS(host: host(i), secret: nil)))
        }
        let outcomes = await runner.run(targets)
        var verdicts: [String: Bool] = [:]
        for i in 0..<hosts {
            verdicts[host(i)] = outcomes[2 * i].result.verdict == .pass && outcomes[2 * i + 1].result.verdict == .pass
        }
        return verdicts
    }

    /// Runs the real `syncgate check` on a generated repo (one Certificate per host) and reads its JSON.
    func runBinary(dns: DnsmasqServer, nginx: NginxServer, caFile: String, work: TemporaryDirectory) throws -> [String: Bool] {
        let binary = syncgatePath ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("syncgate").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestServerError("no syncgate binary at \(binary): build it first (swift build -c release --product syncgate) or pass --syncgate PATH / --in-process")
        }
        let repo = work.file("repo")
        try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
        var yaml = ""
        for i in 0..<hosts {
            yaml += """
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata:
                  name: \(host(i).replacingOccurrences(of: ".", with: "-"))
                  namespace: bench
                spec:
                  secretName: \(host(i).replacingOccurrences(of: ".", with: "-"))-tls
                  dnsNames: [\(host(i))]
                  issuerRef: {name: bench, kind: ClusterIssuer}
                ---

                """
        }
        try yaml.write(toFile: "\(repo)/certificates.yaml", atomically: true, encoding: .utf8)
        let output = work.file("check.json")
        let arguments = ["check", repo, "--no-render", "--only", "dns,tls", "--resolver", dns.address, "--ingress-address", "127.0.0.1",
                         "--tls-port", "\(nginx.httpsPort)", "--ca-file", caFile, "--concurrency", "\(concurrency)", "--timeout", "3",
                         "--format", "json", "--output", output]
        let status = try Spawn.run(binary, arguments)
        guard status == 0 || status == 2, let data = FileManager.default.contents(atPath: output),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let nodes = root["nodes"] as? [[String: Any]]
        else { throw TestServerError("syncgate check exited \(status) without a JSON report (\(binary) \(arguments.joined(separator: " ")))") }
        var verdict: [String: String] = [:]
        for node in nodes { if let id = node["id"] as? String { verdict[id] = node["verdict"] as? String } }
        var verdicts: [String: Bool] = [:]
        for i in 0..<hosts {
            let certificate = "certificate:bench/\(host(i).replacingOccurrences(of: ".", with: "-"))"
            verdicts[host(i)] = verdict["dns:\(host(i))"] == "pass" && verdict[certificate] == "pass"
        }
        return verdicts
    }

    /// One `dig` and one `openssl s_client -verify_hostname` per host, one after the other.
    func runBaseline(dns: DnsmasqServer, nginx: NginxServer, caFile: String) throws -> [String: Bool] {
        let dig = try ServerBinary.dig.path()
        let openssl = try ServerBinary.openssl.path()
        var verdicts: [String: Bool] = [:]
        for i in 0..<hosts {
            let name = host(i)
            let answer = try Spawn.output(dig, ["@127.0.0.1", "-p", "\(dns.port)", "+short", "+time=3", "+tries=1", name, "A"])
            let resolves = answer.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) } == ["127.0.0.1"]
            let served = try Spawn.output(openssl, ["s_client", "-connect", "127.0.0.1:\(nginx.httpsPort)", "-servername", name,
                                                    "-CAfile", caFile, "-verify_hostname", name, "-brief"], stdinNull: true)
            let verified = served.contains("Verification: OK")
            verdicts[name] = resolves && verified
        }
        return verdicts
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    func format(_ duration: Duration) -> String { String(format: "%.3f s", seconds(duration)) }
}

/// Small posix_spawn-free process helpers for the benchmark (Foundation's Process is fine here: no daemons).
enum Spawn {
    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func output(_ tool: String, _ arguments: [String], stdinNull: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
