import Foundation
import Testing
import SyncGateCore
import SyncGateKube
import SyncGateProbes
import SyncGateTestSupport
@testable import SyncGateRollout

/// The prerequisite gate with real DNS: dnsmasq on 127.0.0.1 serves the zone, SyncGateProbes asks it over
/// libresolv; the cluster and the registry are the simulated seed-000 world.
@Suite struct DnsmasqTests {
    /// DNS from `ProbeEvidence` (real queries), images and the ingress from the simulated world.
    struct RealDNS: LiveEvidence {
        let probes: ProbeEvidence
        let world: SimEvidence
        func resolve(host: String) async -> DNSAnswer { await probes.resolve(host: host) }
        func imageExists(_ reference: String) async -> ImageAnswer { await world.imageExists(reference) }
        func servedChain(host: String, address: String, port: Int) async -> ServedChain { await world.servedChain(host: host, address: address, port: port) }
    }

    func run(_ s: Seed000Scenario, dns: DnsmasqServer, runID: String) async throws -> RolloutReport {
        var env = s.environment(events: EventRecorder(), runID: runID)
        env.live = RealDNS(probes: ProbeEvidence(resolvers: [ResolverAddress(host: "127.0.0.1", port: dns.port)]), world: SimEvidence(world: s.world))
        let plan = try RolloutPlanner.plan(policy: s.policy, inventory: s.inventory)
        return await RolloutEngine(policy: s.policy, plan: plan, environment: env).run()
    }

    @Test func seed000WithRealDNS() async throws {
        let s = try Seed000Scenario.make(existing: 3)
        let ingress = s.world.ingressAddress
        let existing = Seed000Scenario.existingServices.prefix(3).map { DNSRecord.a("\($0).acme.example.com", ingress) }
        // Before: the new names do not exist (NXDOMAIN); pay.acme.example.com points somewhere else.
        let before = DNSZone(domains: ["acme.example.com"], records: existing + [.a("pay.acme.example.com", "198.51.100.99")])
        let blocked = try await withDnsmasq(zone: before) { dns in try await run(s, dns: dns, runID: "run-dns-1") }
        #expect(blocked.exitCode == .blocked, "\(blocked.text)")
        let evidence = blocked.failures.map(\.failure.evidence).joined(separator: "\n")
        #expect(evidence.contains("nxdomain") || evidence.contains("NXDOMAIN"), "\(evidence)")
        #expect(evidence.contains("198.51.100.99"), "\(evidence)")
        #expect(blocked.paused.count == 4)

        // After: every new name points at the ingress (one through a CNAME), images pushed, Applications resumed.
        let newRecords: [DNSRecord] = [.a("pay.sandbox.acme.example.com", ingress), .a("lb.acme.example.com", ingress),
                                       .cname(alias: "pay.acme.example.com", target: "lb.acme.example.com"),
                                       .a("rbac.sandbox.acme.example.com", ingress), .a("rbac.acme.example.com", ingress)]
        let after = DNSZone(domains: ["acme.example.com"], records: existing + newRecords)
        for app in s.inventory.applications { for c in app.hosts { for i in c.images { s.world.pushImage(i) } } }
        // The simulated CA resolves through the same zone contents.
        for r in newRecords { if case .address(let name, let v4, _) = r { s.world.setDNS(name, v4) } }
        s.world.setDNS("pay.acme.example.com", [ingress])
        let env = s.environment(events: EventRecorder())
        for app in s.newApplications { _ = try await env.autoSync.resume(app) }
        let done = try await withDnsmasq(zone: after) { dns in try await run(s, dns: dns, runID: "run-dns-2") }
        #expect(done.exitCode == .success, "\(done.text)")
        #expect(done.verifiedStages == ["canary", "production"])
    }
}
