import Testing
import SyncGateProbes
import SyncGateTestSupport
import SyncGateX509

/// The runner over real servers: every kind of target at once, results in target order, bounded width.
@Suite struct CheckRunnerTests {
    init() { CurlHTTPClient.globalInit() }

    @Test func mixedTargetsGetVerdictsInOrder() async throws {
        let now = WallClock.nowEpochSeconds()
        let ca = try CertificateAuthority.generate(commonName: "Runner CA")
        let key = try PrivateKey.generateP256()
        let leaf = try ca.issue(dnsNames: ["pay.zone.test"], notBefore: now - 60, notAfter: now + 30 * 86_400, key: key)
        let zone = DNSZone(domains: ["zone.test"], records: [
            .a("pay.zone.test", "127.0.0.1"), .a("stray.zone.test", "192.0.2.1"),
            .caa(name: "zone.test", tag: "issue", value: "letsencrypt.org"),
        ])
        try await withDnsmasq(zone: zone) { dns in
            try await withNginx(NginxConfiguration(tlsSites: [TLSSite(serverName: "pay.zone.test", certificateChainPEM: leaf.pem, keyPEM: key.pem)])) { nginx in
                try await withDockerRegistry { registry in
                    let image = try registry.push(repository: "pay/web", tag: "1.0")
                    let resolver = LibresolvResolver(servers: [ResolverAddress(dns.address)!], timeoutMilliseconds: 1_000)
                    let runner = CheckRunner(
                        configuration: .init(ingress: IngressExpectation(addresses: ["127.0.0.1"]), httpPort: nginx.httpPort,
                                             tlsPort: nginx.httpsPort, concurrency: 3),
                        resolver: resolver,
                        registry: RegistryProbe(timeoutMilliseconds: 2_000),
                        http: HTTP01Probe(timeoutMilliseconds: 2_000),
                        tls: TLSProbe(inspector: try OpenSSLTLSInspector(timeoutMilliseconds: 2_000), trust: try TrustStore(roots: [ca.certificate])),
                        acme: ACMEDirectoryProbe(timeoutMilliseconds: 1_000, retry: .none))
                    let targets = [
                        CheckTarget(nodeID: "dns:pay.zone.test", kind: .dns, subject: .hostAddresses(host: "pay.zone.test")),
                        CheckTarget(nodeID: "dns:stray.zone.test", kind: .dns, subject: .hostAddresses(host: "stray.zone.test")),
                        CheckTarget(nodeID: "dns:pay.zone.test", kind: .dns, subject: .caa(host: "pay.zone.test", caIdentifier: "letsencrypt.org")),
                        CheckTarget(nodeID: "image:\(image.reference)", kind: .image, subject: .image(ImageReference(image.reference)!)),
                        CheckTarget(nodeID: "image:missing", kind: .image, subject: .image(ImageReference("\(registry.host)/pay/web:2.0")!)),
                        CheckTarget(nodeID: "certificate:pay/pay", kind: .http01, subject: .http01(host: "pay.zone.test")),
                        CheckTarget(nodeID: "certificate:pay/pay", kind: .tls, subject: .servedTLS(host: "pay.zone.test", secret: nil)),
                        CheckTarget(nodeID: "issuer:ClusterIssuer/x", kind: .acme, subject: .acmeDirectory(url: "http://127.0.0.1:\(try Loopback.freePort())/dir")),
                    ]
                    let outcomes = await runner.run(targets)
                    #expect(outcomes.map(\.target.nodeID) == targets.map(\.nodeID))
                    #expect(outcomes.map(\.result.verdict) == [.pass, .fail, .pass, .pass, .fail, .pass, .pass, .fail],
                            "\(outcomes.map { "\($0.target.label): \($0.result)" })")
                    #expect(outcomes.allSatisfy { $0.result.durationMilliseconds > 0 })
                }
            }
        }
    }
}
