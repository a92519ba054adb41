import Foundation
import Testing
@testable import SyncGateProbes
import SyncGateTestSupport

/// DNS against a real dnsmasq on 127.0.0.1 (issue 3, part 2).
@Suite struct DNSProbeTests {
    static let zone = DNSZone(domains: ["zone.test"], records: [
        .address(name: "app.zone.test", ipv4: ["127.0.0.1"], ipv6: ["::1"]),
        .a("lb.zone.test", "10.9.8.7"),
        .cname(alias: "edge.zone.test", target: "lb.zone.test"),
        .cname(alias: "www.zone.test", target: "edge.zone.test"),
        .a("elsewhere.zone.test", "192.0.2.55"),
        .txt(name: "_acme-challenge.app.zone.test", text: "token-123"),
        .caa(name: "zone.test", tag: "issue", value: "letsencrypt.org"),
        .caa(name: "forbid.zone.test", tag: "issue", value: "pki.goog; cansignhttpexchanges=yes"),
        .a("deep.forbid.zone.test", "127.0.0.1"),
        .caa(name: "wild.zone.test", tag: "issue", value: "letsencrypt.org"),
        .caa(name: "wild.zone.test", tag: "issuewild", value: ";"),
    ], brokenDomains: ["broken.test"])

    func resolver(_ server: DnsmasqServer, timeout: Int = 1_000) -> LibresolvResolver {
        LibresolvResolver(servers: [ResolverAddress(server.address)!], timeoutMilliseconds: timeout, retry: .none)
    }

    @Test func aAndAAAAOfADirectName() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let resolution = await AddressResolver(resolver: resolver(server)).resolve("app.zone.test")
            #expect(resolution.outcome == .answer)
            #expect(resolution.ipv4 == ["127.0.0.1"])
            #expect(resolution.ipv6 == ["::1"])
            #expect(resolution.chain == ["app.zone.test"])
            #expect(resolution.resolver == server.address)
        }
    }

    @Test func cnameChainToTheLoadBalancerCountsAsTheIngress() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let probe = DNSProbe(resolver: resolver(server))
            let resolution = await AddressResolver(resolver: resolver(server)).resolve("www.zone.test")
            #expect(resolution.chain == ["www.zone.test", "edge.zone.test", "lb.zone.test"])
            #expect(resolution.ipv4 == ["10.9.8.7"])
            let byName = await probe.checkHost("www.zone.test", expected: IngressExpectation(hostnames: ["lb.zone.test"]))
            #expect(byName.verdict == .pass, "\(byName)")
            let byAddress = await probe.checkHost("www.zone.test", expected: IngressExpectation(addresses: ["10.9.8.7"]))
            #expect(byAddress.verdict == .pass, "\(byAddress)")
            let wrong = await probe.checkHost("elsewhere.zone.test", expected: IngressExpectation(hostnames: ["lb.zone.test"]))
            #expect(wrong.verdict == .fail)
            #expect(wrong.summary.contains("192.0.2.55"))
        }
    }

    @Test func nxdomainNodataRefusedAndServfailAreDistinct() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let r = resolver(server, timeout: 3_000)
            #expect(await r.query("missing.zone.test", type: .a).outcome == .nxdomain)
            #expect(await r.query("_acme-challenge.app.zone.test", type: .a).outcome == .nodata)
            #expect(await r.query("example.org", type: .a).outcome == .refused)
            #expect(await r.query("x.broken.test", type: .a).outcome == .servfail)
            let missing = await DNSProbe(resolver: r).checkHost("missing.zone.test", expected: IngressExpectation(addresses: ["127.0.0.1"]))
            #expect(missing.verdict == .fail)
            #expect(missing.summary.contains("NXDOMAIN"))
        }
    }

    @Test func txtRecordOfTheChallengeName() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let probe = DNSProbe(resolver: resolver(server))
            let txt = await probe.checkTXT("_acme-challenge.app.zone.test", expecting: "token-123")
            #expect(txt.verdict == .pass, "\(txt)")
            #expect(await probe.checkTXT("_acme-challenge.app.zone.test", expecting: "other").verdict == .fail)
        }
    }

    @Test func caaClimbsToTheParentAndComparesTheCA() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let checker = CAAChecker(resolver: resolver(server))
            let allowed = await checker.evaluate(host: "app.zone.test", caIdentifier: "letsencrypt.org")
            #expect(allowed.decision == .allowed)
            #expect(allowed.relevantName == "zone.test")
            let otherCA = await checker.evaluate(host: "app.zone.test", caIdentifier: "pki.goog")
            #expect(otherCA.decision == .forbidden)
            let forbidden = await checker.evaluate(host: "deep.forbid.zone.test", caIdentifier: "letsencrypt.org")
            #expect(forbidden.decision == .forbidden)
            #expect(forbidden.relevantName == "forbid.zone.test")
            #expect(await checker.evaluate(host: "deep.forbid.zone.test", caIdentifier: "pki.goog").decision == .allowed)
            // issuewild ";" forbids wildcards while issue still allows the plain name.
            #expect(await checker.evaluate(host: "*.wild.zone.test", caIdentifier: "letsencrypt.org").decision == .forbidden)
            #expect(await checker.evaluate(host: "a.wild.zone.test", caIdentifier: "letsencrypt.org").decision == .allowed)
            let probe = await DNSProbe(resolver: resolver(server)).checkCAA("deep.forbid.zone.test", caIdentifier: "letsencrypt.org")
            #expect(probe.verdict == .fail)
            #expect(probe.summary.contains("pki.goog"))
        }
    }

    @Test func caaLookupFailureIsUnknownNotAllowed() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let evaluation = await CAAChecker(resolver: resolver(server, timeout: 3_000)).evaluate(host: "a.broken.test", caIdentifier: "letsencrypt.org")
            #expect(evaluation.decision == .lookupFailed(.servfail))
        }
    }

    @Test func aResolverThatIsDownIsConnectionRefusedQuickly() async throws {
        let port = try Loopback.freePort()
        let resolver = LibresolvResolver(servers: [ResolverAddress(host: "127.0.0.1", port: port)], timeoutMilliseconds: 2_000, retry: .none)
        let response = await resolver.query("app.zone.test", type: .a)
        #expect(response.outcome == .connectionRefused)
        // Timed on the calling thread: an async await in a test process that runs hundreds of tests on two
        // cores also measures how long the cooperative pool took to resume us, which is not the resolver's doing.
        let started = ContinuousClock.now
        let direct = LibresolvResolver.ask("app.zone.test", type: .a, servers: [ResolverAddress(host: "127.0.0.1", port: port)], timeoutMilliseconds: 2_000)
        #expect(direct.outcome == .connectionRefused)
        #expect(ContinuousClock.now - started < .seconds(1))
        let probe = await DNSProbe(resolver: resolver).checkHost("app.zone.test", expected: IngressExpectation())
        #expect(probe.verdict == .unknown)
        #expect(probe.summary.contains("down"))
    }

    @Test func aResolverThatNeverAnswersTimesOutWithinTheBound() async throws {
        let silent = try SilentUDPServer()
        defer { silent.stop() }
        let resolver = LibresolvResolver(servers: [ResolverAddress(silent.address)!], timeoutMilliseconds: 300,
                                         retry: RetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 10))
        let response = await resolver.query("app.zone.test", type: .a)
        #expect(response.outcome == .timeout)
        // One attempt, timed on the calling thread (see aResolverThatIsDownIsConnectionRefusedQuickly).
        let started = ContinuousClock.now
        let direct = LibresolvResolver.ask("app.zone.test", type: .a, servers: [ResolverAddress(silent.address)!], timeoutMilliseconds: 300)
        let elapsed = ContinuousClock.now - started
        #expect(direct.outcome == .timeout)
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(2))
    }

    @Test func theNextResolverAnswersWhenTheFirstIsDown() async throws {
        try await withDnsmasq(zone: Self.zone) { server in
            let dead = ResolverAddress(host: "127.0.0.1", port: try Loopback.freePort())
            let resolver = LibresolvResolver(servers: [dead, ResolverAddress(server.address)!], timeoutMilliseconds: 1_000, retry: .none)
            let response = await resolver.query("app.zone.test", type: .a)
            #expect(response.outcome == .answer)
            #expect(response.resolver == server.address)
        }
    }

    @Test func resolverAddressParsing() {
        #expect(ResolverAddress("127.0.0.1:5353") == ResolverAddress(host: "127.0.0.1", port: 5353))
        #expect(ResolverAddress("10.0.0.2") == ResolverAddress(host: "10.0.0.2", port: 53))
        #expect(ResolverAddress("[::1]:53") == ResolverAddress(host: "::1", port: 53))
        #expect(ResolverAddress("::1") == ResolverAddress(host: "::1", port: 53))
        #expect(ResolverAddress("1.2.3.4:99999") == nil)
        #expect(ResolverAddress("") == nil)
    }
}
