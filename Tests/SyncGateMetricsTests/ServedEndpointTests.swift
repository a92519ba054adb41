import Foundation
import SyncGateMetrics
import SyncGateProbes
import SyncGateTestSupport
import Testing

/// File versus endpoint (seed 004) with a real TLS server: nginx on 127.0.0.1 serves the stale certificate for
/// pay.example.com and the Secret's for api.pay.example.com; SyncGateProbes reads them with SNI.
@Suite struct ServedEndpointTests {
    @Test func divergenceIsMeasuredAgainstARealServer() async throws {
        let fixture = try Fixture()
        let nginx = try await NginxServer.start(NginxConfiguration(tlsSites: [
            TLSSite(serverName: "pay.example.com", certificateChainPEM: fixture.stale.pem + fixture.ca.certificatePEM, keyPEM: fixture.keyPEM),
            TLSSite(serverName: "api.pay.example.com", certificateChainPEM: fixture.secretLeaf.pem + fixture.ca.certificatePEM, keyPEM: fixture.keyPEM),
        ]))
        defer { nginx.stop() }
        let probe = TLSEndpointProbe(inspector: try OpenSSLTLSInspector(), connectTo: ["127.0.0.1"])
        let collector = MetricsCollector(reader: try fixture.reader(), probe: probe, port: nginx.httpsPort)
        let m = try PrometheusTextParser.parse(PrometheusText.render(await collector.collect(now: { Fixture.now })))

        let divergence = try #require(m["syncgate_certificate_endpoint_divergence_seconds"])
        #expect(divergence.value(["host": "pay.example.com"]) == 15 * Fixture.day)
        #expect(divergence.value(["host": "api.pay.example.com"]) == 0)
        #expect(m["syncgate_certificate_endpoint_matches_secret"]?.value(["host": "api.pay.example.com"]) == 1)
        #expect(m["syncgate_certificate_endpoint_matches_secret"]?.value(["host": "pay.example.com"]) == 0)
        #expect(m["syncgate_certificate_expiry_seconds"]?.value(["host": "pay.example.com", "source": "endpoint"]) == 5 * Fixture.day)
        #expect(m["syncgate_endpoint_probe_success"]?.value(["host": "pay.example.com"]) == 1)
    }

    @Test func aClosedPortIsAFailedProbeNotAMissingSeries() async throws {
        let fixture = try Fixture()
        let port = try Loopback.freePort()
        let probe = TLSEndpointProbe(inspector: try OpenSSLTLSInspector(timeoutMilliseconds: 1_000), connectTo: ["127.0.0.1"])
        let collector = MetricsCollector(reader: try fixture.reader(), probe: probe, port: port)
        let m = try PrometheusTextParser.parse(PrometheusText.render(await collector.collect(now: { Fixture.now })))
        #expect(m["syncgate_endpoint_probe_success"]?.value(["host": "pay.example.com"]) == 0)
        #expect(m["syncgate_certificate_endpoint_divergence_seconds"]?.values(["host": "pay.example.com"]).isEmpty == true)
        #expect((m["syncgate_collector_errors"]?.value(["resource": "endpoint"]) ?? 0) >= 5)
    }
}
