import Testing
import SyncGateProbes
import SyncGateTestSupport

/// HTTP-01 reachability against a real nginx on 127.0.0.1 (issue 3, part 4).
@Suite struct HTTP01ProbeTests {
    init() { CurlHTTPClient.globalInit() }

    static let configuration = NginxConfiguration(httpLocations: [
        HTTPLocation("/.well-known/acme-challenge/", .status(404)),
    ])

    let probe = HTTP01Probe(timeoutMilliseconds: 2_000, retry: RetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 10))

    @Test func routedPathAnswering404Passes() async throws {
        try await withNginx(Self.configuration) { nginx in
            let result = await probe.probeChallengePath(host: "pay.example.com", ingressAddress: "127.0.0.1", port: nginx.httpPort)
            #expect(result.verdict == .pass, "\(result)")
            #expect(result.evidence("status") == "404")
            #expect(result.evidence("connectedTo") == "127.0.0.1")
        }
    }

    @Test func redirectsAreReportedWithWhetherTheyStayOn80Or443() async throws {
        let configuration = NginxConfiguration(httpLocations: [
            HTTPLocation("/.well-known/acme-challenge/", .directives("""
                if ($host = "https.example.com") { return 301 https://$host$request_uri; }
                if ($host = "odd.example.com") { return 302 http://$host:8080$request_uri; }
                return 404;
                """)),
        ])
        try await withNginx(configuration) { nginx in
            let toHTTPS = await probe.probeChallengePath(host: "https.example.com", ingressAddress: "127.0.0.1", port: nginx.httpPort)
            #expect(toHTTPS.verdict == .pass, "\(toHTTPS)")
            #expect(toHTTPS.evidence("status") == "301")
            #expect(toHTTPS.evidence("redirectStaysOn80or443") == "true")
            let toOddPort = await probe.probeChallengePath(host: "odd.example.com", ingressAddress: "127.0.0.1", port: nginx.httpPort)
            #expect(toOddPort.verdict == .fail)
            #expect(toOddPort.evidence("redirectStaysOn80or443") == "false")
        }
    }

    @Test func authInFrontOfTheChallengePathFails() async throws {
        let configuration = NginxConfiguration(httpLocations: [
            HTTPLocation("/.well-known/acme-challenge/", .basicAuthRequired(realm: "staff only")),
        ])
        try await withNginx(configuration) { nginx in
            let result = await probe.probeChallengePath(host: "admin.example.com", ingressAddress: "127.0.0.1", port: nginx.httpPort)
            #expect(result.verdict == .fail)
            #expect(result.evidence("status") == "401")
            #expect(result.summary.contains("authentication"))
        }
        let forbidden = NginxConfiguration(httpLocations: [HTTPLocation("/.well-known/acme-challenge/", .status(403))])
        try await withNginx(forbidden) { nginx in
            let result = await probe.probeChallengePath(host: "admin.example.com", ingressAddress: "127.0.0.1", port: nginx.httpPort)
            #expect(result.verdict == .fail)
            #expect(result.evidence("status") == "403")
        }
    }

    @Test func refusedAndTimeoutAreDistinctAndTimeoutsAreRespected() async throws {
        let closed = try Loopback.freePort()
        let refused = await probe.probeChallengePath(host: "pay.example.com", ingressAddress: "127.0.0.1", port: closed)
        #expect(refused.verdict == .fail)
        #expect(refused.summary.contains("refused"))

        let holding = try HoldingTCPServer()
        defer { holding.stop() }
        let quick = HTTP01Probe(timeoutMilliseconds: 300, retry: RetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 10))
        let started = ContinuousClock.now
        let timedOut = await quick.probeChallengePath(host: "pay.example.com", ingressAddress: "127.0.0.1", port: holding.port)
        let elapsed = ContinuousClock.now - started
        #expect(timedOut.verdict == .fail)
        #expect(timedOut.summary.contains("no answer within 300 ms"))
        #expect(timedOut.attempts == 2)
        #expect(elapsed < .seconds(3))
    }
}
