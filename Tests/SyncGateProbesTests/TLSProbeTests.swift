import Testing
import SyncGateProbes
import SyncGateTestSupport
import SyncGateX509

/// Served TLS against a real nginx with SNI on 127.0.0.1 (issue 3, part 5).
@Suite struct TLSProbeTests {
    struct Fixture {
        let root: CertificateAuthority
        let configuration: NginxConfiguration
        let validLeaf: Certificate
        let validKey: PrivateKey
        let leaves: [String: Certificate]

        init() throws {
            let now = WallClock.nowEpochSeconds()
            root = try CertificateAuthority.generate(commonName: "TLS Test Root", now: now - 400 * 86_400)
            let intermediate = try root.issueIntermediate(commonName: "TLS Test Intermediate", now: now - 300 * 86_400)
            var sites: [TLSSite] = []
            var leaves: [String: Certificate] = [:]
            func site(_ name: String, _ leaf: Certificate, _ key: PrivateKey, chain: [Certificate]) {
                sites.append(TLSSite(serverName: name, certificateChainPEM: ([leaf] + chain).map(\.pem).joined(), keyPEM: key.pem))
                leaves[name] = leaf
            }
            validKey = try PrivateKey.generateP256()
            validLeaf = try intermediate.issue(dnsNames: ["valid.test", "*.apps.valid.test"], notBefore: now - 86_400, notAfter: now + 60 * 86_400, key: validKey)
            site("valid.test", validLeaf, validKey, chain: [intermediate.certificate])
            let expiredKey = try PrivateKey.generateP256()
            site("expired.test", try intermediate.issue(dnsNames: ["expired.test"], notBefore: now - 100 * 86_400, notAfter: now - 10 * 86_400, key: expiredKey), expiredKey, chain: [intermediate.certificate])
            let wrongKey = try PrivateKey.generateP256()
            site("wrongsan.test", try intermediate.issue(dnsNames: ["other.test"], notBefore: now - 86_400, notAfter: now + 60 * 86_400, key: wrongKey), wrongKey, chain: [intermediate.certificate])
            let placeholder = try SelfSigned.placeholder(host: "selfsigned.test")
            site("selfsigned.test", try Certificate(pem: placeholder.certificatePEM), try PrivateKey(pem: placeholder.keyPEM), chain: [])
            let loneKey = try PrivateKey.generateP256()
            site("nointermediate.test", try intermediate.issue(dnsNames: ["nointermediate.test"], notBefore: now - 86_400, notAfter: now + 60 * 86_400, key: loneKey), loneKey, chain: [])
            let soonKey = try PrivateKey.generateP256()
            site("soon.test", try intermediate.issue(dnsNames: ["soon.test"], notBefore: now - 86_400, notAfter: now + 3 * 86_400 + 3600, key: soonKey), soonKey, chain: [intermediate.certificate])
            self.leaves = leaves
            configuration = NginxConfiguration(tlsSites: sites)
        }
    }

    func probe(_ fixture: Fixture, minimumDays: Int = 0, timeout: Int = 3_000) throws -> TLSProbe {
        TLSProbe(inspector: try OpenSSLTLSInspector(timeoutMilliseconds: timeout), trust: try TrustStore(roots: [fixture.root.certificate], origin: "test root"),
                 minimumDaysLeft: minimumDays, retry: RetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 10))
    }

    @Test func validExpiredWrongSANSelfSignedAndMissingIntermediate() async throws {
        let fixture = try Fixture()
        try await withNginx(fixture.configuration) { nginx in
            let probe = try probe(fixture)
            let valid = await probe.check(host: "valid.test", address: "127.0.0.1", port: nginx.httpsPort)
            #expect(valid.verdict == .pass, "\(valid)")
            #expect(valid.evidence("sha256") == fixture.validLeaf.sha256Fingerprint)
            #expect(valid.evidence("servedChain") == "2")
            #expect(["59", "60"].contains(valid.evidence("daysLeft") ?? ""))
            let wildcard = await probe.check(host: "x.apps.valid.test", address: "127.0.0.1", port: nginx.httpsPort)
            // SNI x.apps.valid.test has no server block: nginx's default (first) site answers, whose wildcard covers it.
            #expect(wildcard.verdict == .pass, "\(wildcard)")

            let expired = await probe.check(host: "expired.test", address: "127.0.0.1", port: nginx.httpsPort)
            #expect(expired.verdict == .fail)
            #expect(expired.summary.contains("certificate has expired"))

            let wrongSAN = await probe.check(host: "wrongsan.test", address: "127.0.0.1", port: nginx.httpsPort)
            #expect(wrongSAN.verdict == .fail)
            #expect(wrongSAN.evidence("coversHost") == "false")
            #expect(wrongSAN.summary.contains("do not cover wrongsan.test"))

            let selfSigned = await probe.check(host: "selfsigned.test", address: "127.0.0.1", port: nginx.httpsPort)
            #expect(selfSigned.verdict == .fail)
            #expect(selfSigned.summary.contains("self-signed"))

            let lonely = await probe.check(host: "nointermediate.test", address: "127.0.0.1", port: nginx.httpsPort)
            #expect(lonely.verdict == .fail)
            #expect(lonely.summary.contains("unable to get local issuer certificate"))
            #expect(lonely.summary.contains("intermediate missing"))

            let soon = try self.probe(fixture, minimumDays: 7)
            let few = await soon.check(host: "soon.test", address: "127.0.0.1", port: nginx.httpsPort)
            #expect(few.verdict == .fail)
            #expect(few.summary.contains("3 days left"))
        }
    }

    @Test func sniPicksTheRightCertificateAmongSeveral() async throws {
        let fixture = try Fixture()
        try await withNginx(fixture.configuration) { nginx in
            let inspector = try OpenSSLTLSInspector(timeoutMilliseconds: 3_000)
            for name in ["valid.test", "expired.test", "wrongsan.test", "selfsigned.test", "nointermediate.test"] {
                let served = try await inspector.inspect(serverName: name, address: "127.0.0.1", port: nginx.httpsPort).get()
                #expect(served.leaf == fixture.leaves[name], "SNI \(name)")
            }
        }
    }

    @Test func servedLeafIsComparedWithTheSecret() async throws {
        let fixture = try Fixture()
        try await withNginx(fixture.configuration) { nginx in
            let probe = try probe(fixture)
            let same = SecretMaterial(certificatePEM: fixture.validLeaf.pem, keyPEM: fixture.validKey.pem, origin: "tls.crt")
            let matching = await probe.check(host: "valid.test", address: "127.0.0.1", port: nginx.httpsPort, secret: same)
            #expect(matching.verdict == .pass, "\(matching)")
            #expect(matching.evidence("servedMatchesSecret") == "true")
            #expect(matching.evidence("secretKeyMatches") == "true")

            let renewed = try fixture.root.issue(dnsNames: ["valid.test"], notBefore: WallClock.nowEpochSeconds(), notAfter: WallClock.nowEpochSeconds() + 90 * 86_400, key: fixture.validKey)
            let diverged = await probe.check(host: "valid.test", address: "127.0.0.1", port: nginx.httpsPort,
                                             secret: SecretMaterial(certificatePEM: renewed.pem, keyPEM: fixture.validKey.pem, origin: "secret:pay/pay-tls"))
            #expect(diverged.verdict == .fail)
            #expect(diverged.evidence("servedMatchesSecret") == "false")
            #expect(diverged.summary.contains("file and endpoint diverge"))

            let wrongKey = try PrivateKey.generateP256()
            let mismatched = await probe.check(host: "valid.test", address: "127.0.0.1", port: nginx.httpsPort,
                                               secret: SecretMaterial(certificatePEM: fixture.validLeaf.pem, keyPEM: wrongKey.pem, origin: "tls.crt"))
            #expect(mismatched.verdict == .fail)
            #expect(mismatched.evidence("secretKeyMatches") == "false")
        }
    }

    @Test func handshakeFailureRefusalAndTimeout() async throws {
        let fixture = try Fixture()
        try await withNginx(fixture.configuration) { nginx in
            // TLS to nginx's plain-HTTP port: the handshake fails.
            let plain = await try probe(fixture).check(host: "valid.test", address: "127.0.0.1", port: nginx.httpPort)
            #expect(plain.verdict == .fail)
            #expect(plain.summary.contains("TLS handshake failed"))
        }
        let closed = try Loopback.freePort()
        let refused = await try probe(fixture).check(host: "valid.test", address: "127.0.0.1", port: closed)
        #expect(refused.verdict == .fail)
        #expect(refused.summary.contains("connection refused"))

        let holding = try HoldingTCPServer()
        defer { holding.stop() }
        let started = ContinuousClock.now
        let hung = await try probe(fixture, timeout: 300).check(host: "valid.test", address: "127.0.0.1", port: holding.port)
        #expect(hung.verdict == .unknown)
        #expect(hung.summary.contains("timeout"))
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
