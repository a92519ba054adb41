import Testing
import SyncGateProbes
import SyncGateTestSupport

/// ACME directories against a real pebble on 127.0.0.1 (issue 3, part 6).
@Suite struct ACMEDirectoryProbeTests {
    init() { CurlHTTPClient.globalInit() }

    @Test func pebbleDirectoryIsReachableWithoutARI() async throws {
        try await withPebble { pebble in
            let probe = ACMEDirectoryProbe(timeoutMilliseconds: 3_000, caPEM: pebble.caPEM)
            let result = await probe.checkDirectory(url: pebble.directoryURL)
            #expect(result.verdict == .pass, "\(result)")
            #expect(result.evidence("renewalInfo") == "absent")  // pebble 2.4.0 has no ARI
            #expect(result.summary.contains("no renewalInfo"))

            // Without the test CA the HTTPS certificate is not trusted.
            let untrusted = await ACMEDirectoryProbe(timeoutMilliseconds: 3_000, retry: .none).checkDirectory(url: pebble.directoryURL)
            #expect(untrusted.verdict == .fail)
        }
    }

    @Test func unreachableDirectoryFails() async throws {
        let port = try Loopback.freePort()
        let result = await ACMEDirectoryProbe(timeoutMilliseconds: 1_000, retry: .none).checkDirectory(url: "https://127.0.0.1:\(port)/dir")
        #expect(result.verdict == .fail)
        #expect(result.summary.contains("unreachable"))
    }

    @Test func aDirectoryOfferingRenewalInfoIsReported() async throws {
        let nginx = NginxConfiguration(httpLocations: [HTTPLocation("/directory", modifier: "=", .directives("""
            default_type application/json;
            return 200 '{"newNonce":"http://x/n","newAccount":"http://x/a","newOrder":"http://x/o","renewalInfo":"http://x/ari"}';
            """))])
        try await withNginx(nginx) { server in
            let result = await ACMEDirectoryProbe(timeoutMilliseconds: 2_000).checkDirectory(url: "http://127.0.0.1:\(server.httpPort)/directory")
            #expect(result.verdict == .pass, "\(result)")
            #expect(result.evidence("renewalInfo") == "http://x/ari")
            let notACME = await ACMEDirectoryProbe(timeoutMilliseconds: 2_000).checkDirectory(url: "http://127.0.0.1:\(server.httpPort)/missing")
            #expect(notACME.verdict == .fail)
        }
    }
}
