import Foundation
import SyncGateMetrics
import Testing

@Suite struct MetricsModelTests {
    typealias P = PrometheusTextParser

    func scrape() async throws -> [String: P.ParsedFamily] {
        let fixture = try Fixture()
        let collector = MetricsCollector(reader: try fixture.reader(), probe: fixture.probe)
        let families = await collector.collect(now: { Fixture.now })
        return try P.parse(PrometheusText.render(families))
    }

    @Test func everyCatalogFamilyHasHelpAndType() async throws {
        let parsed = try await scrape()
        for descriptor in MetricCatalog.all {
            let family = try #require(parsed[descriptor.name], "\(descriptor.name) missing from the exposition")
            #expect(family.type == descriptor.kind.rawValue)
            #expect(family.help == descriptor.help)
            for sample in family.samples {
                #expect(Set(sample.labels.keys).isSubset(of: Set(descriptor.labels)), "\(descriptor.name) has undeclared labels \(sample.labels.keys)")
            }
        }
        #expect(Set(parsed.keys) == Set(MetricCatalog.all.map(\.name)))
    }

    @Test func secretAndEndpointExpiryAndDivergence() async throws {
        let m = try await scrape()
        let d = Fixture.day
        let expiry = try #require(m["syncgate_certificate_expiry_seconds"])
        #expect(expiry.value(["certificate": "pay-cert", "source": "secret", "secret": "pay-tls"]) == 20 * d)
        #expect(expiry.value(["certificate": "pay-cert", "source": "endpoint", "host": "pay.example.com"]) == 5 * d)
        #expect(expiry.value(["certificate": "pay-cert", "source": "endpoint", "host": "api.pay.example.com"]) == 20 * d)
        #expect(expiry.values(["host": "*.wild.example.com"]).isEmpty, "wildcards are not probed")
        #expect(m["syncgate_certificate_not_after_timestamp_seconds"]?.value(["certificate": "pay-cert", "source": "secret"]) == Fixture.now + 20 * d)

        let divergence = try #require(m["syncgate_certificate_endpoint_divergence_seconds"])
        #expect(divergence.value(["host": "pay.example.com"]) == 15 * d, "the endpoint serves a certificate 15 days older than the Secret's")
        #expect(divergence.value(["host": "api.pay.example.com"]) == 0)
        #expect(m["syncgate_certificate_endpoint_matches_secret"]?.value(["host": "pay.example.com"]) == 0)
        #expect(m["syncgate_certificate_endpoint_matches_secret"]?.value(["host": "api.pay.example.com"]) == 1)

        let probe = try #require(m["syncgate_endpoint_probe_success"])
        #expect(probe.value(["host": "down.pay.example.com"]) == 0)
        #expect(probe.value(["host": "pay.example.com"]) == 1)
        #expect(m["syncgate_collector_errors"]?.value(["resource": "endpoint"]) == 3, "down.pay, rbac.example.com and wallet.example.org fail (hosts without a Secret are probed too)")
    }

    @Test func renewalStateReadinessAndStuckOrders() async throws {
        let m = try await scrape()
        let state = try #require(m["syncgate_certificate_renewal_state"])
        func current(_ certificate: String) -> [String] {
            state.values(["certificate": certificate]).filter { $0.value == 1 }.compactMap { $0.labels["state"] }
        }
        #expect(current("pay-cert") == ["renewal_due"])
        #expect(current("rbac-cert") == ["failed"])
        #expect(current("wallet-cert") == ["renewing"])
        let placeholder = try #require(m["syncgate_certificate_secret_placeholder"])
        #expect(placeholder.value(["certificate": "wallet-cert", "secret": "wallet-tls"]) == 1)
        #expect(placeholder.value(["certificate": "pay-cert"]) == 0)
        #expect(placeholder.values(["certificate": "rbac-cert"]).isEmpty, "no Secret, no series")
        #expect(m["syncgate_certificate_expiry_seconds"]?.value(["certificate": "wallet-cert", "source": "secret"]) == 30 * Fixture.day)
        #expect(state.values(["certificate": "pay-cert"]).count == 6, "one series per state")
        #expect(m["syncgate_certificate_ready"]?.value(["certificate": "pay-cert"]) == 1)
        #expect(m["syncgate_certificate_ready"]?.value(["certificate": "rbac-cert"]) == 0)
        #expect(m["syncgate_certificate_failed_issuance_attempts"]?.value(["certificate": "rbac-cert"]) == 7)
        #expect(m["syncgate_certificate_order_stuck"]?.value(["certificate": "rbac-cert"]) == 1)
        #expect(m["syncgate_certificate_order_stuck"]?.value(["certificate": "pay-cert"]) == 0)
        #expect(m["syncgate_acme_orders"]?.value(["namespace": "acme-rbac-production", "state": "errored"]) == 1)
        #expect(m["syncgate_acme_challenges"]?.value(["namespace": "acme-rbac-production", "state": "none"]) == 1)
    }

    @Test func solverRoutesPerNamespace() async throws {
        let routes = try #require(try await scrape()["syncgate_acme_solver_routes"])
        #expect(routes.value(["namespace": "acme-rbac-production"]) == 250)
        #expect(routes.value(["namespace": "acme-pay-production"]) == 0, "a namespace with Certificates reports 0, not nothing")
        #expect(routes.value(["namespace": "acme-wallet"]) == 0)
    }

    @Test func applicationsPausedWithReasonAndGates() async throws {
        let m = try await scrape()
        let paused = try #require(m["syncgate_application_paused"])
        #expect(paused.value(["application": "acme-pay-production"]) == 1)
        #expect(paused.values(["application": "acme-pay-production"]).first?.labels["reason"] == Fixture.pausedReason,
                "the reason round-trips through label escaping (quotes and a line feed)")
        #expect(paused.value(["application": "acme-catalog", "reason": ""]) == 0)
        #expect(m["syncgate_application_paused_timestamp_seconds"]?.value(["application": "acme-pay-production"]) == Fixture.now - 5 * 3600)
        #expect(m["syncgate_application_paused_timestamp_seconds"]?.values(["application": "acme-catalog"]).isEmpty == true)
        let auto = try #require(m["syncgate_application_auto_sync_enabled"])
        #expect(auto.value(["application": "acme-catalog"]) == 1)
        #expect(auto.value(["application": "acme-disabled"]) == 0, "automated.enabled: false (Argo CD v3.1+) is off")
        #expect(auto.value(["application": "acme-pay-production"]) == 0)
        let gates = try #require(m["syncgate_application_gate"])
        #expect(gates.value(["application": "acme-pay-production", "gate": "dns", "result": "blocked"]) == 1)
        #expect(gates.value(["application": "acme-pay-production", "gate": "secret", "result": "pass"]) == 1)
        #expect(gates.values(["application": "acme-pay-production"]).count == 3)
    }

    @Test func gatewayAndListenerConditions() async throws {
        let m = try await scrape()
        #expect(m["syncgate_gateway_programmed"]?.value(["namespace": "traefik", "gateway": "traefik-gateway"]) == 0)
        let listeners = try #require(m["syncgate_gateway_listener_condition"])
        #expect(listeners.value(["listener": "websecure-rbac", "condition": "ResolvedRefs", "reason": "InvalidCertificateRef"]) == 0)
        #expect(listeners.value(["listener": "websecure-catalog", "condition": "ResolvedRefs"]) == 1)
        #expect(listeners.value(["listener": "websecure-catalog", "condition": "Programmed"]) == 0, "a healthy listener down with its Gateway")
        #expect(listeners.values(["listener": "websecure-rbac"]).count == 2, "only the conditions the status has")
    }

    @Test func rolloutJournal() async throws {
        let m = try await scrape()
        let status = try #require(m["syncgate_rollout_status"])
        #expect(status.values(["rollout": "default"]).filter { $0.value == 1 }.map { $0.labels["status"] } == ["blocked"])
        #expect(status.values(["rollout": "default"]).count == 6, "one series per status")
        #expect(m["syncgate_rollout_stage"]?.value(["rollout": "default", "stage": "canary", "state": "verified"]) == 1)
        #expect(m["syncgate_rollout_updated_timestamp_seconds"]?.value(["rollout": "default"]) == Fixture.now - 600)
        let steps = try #require(m["syncgate_rollout_gate_steps_done"])
        #expect(steps.value(["application": "argocd/acme-pay-sandbox", "gate": "certificate"]) == 2)
        #expect(steps.value(["application": "argocd/acme-pay-sandbox", "gate": "secret"]) == 1)
        #expect(steps.value(["application": "-", "gate": "verify"]) == 1)
        #expect(status.values(["rollout": "unrelated"]).isEmpty, "only ConfigMaps labelled app.kubernetes.io/managed-by=syncgate")
    }

    @Test func rateLimitBudget() async throws {
        let m = try await scrape()
        let used = try #require(m["syncgate_ca_rate_limit_used"])
        let limit = try #require(m["syncgate_ca_rate_limit_limit"])
        let issuer = "ClusterIssuer/letsencrypt-prod"
        #expect(used.value(["issuer": issuer, "limit": "certificates_per_registered_domain", "key": "example.com"]) == 3)
        #expect(limit.value(["issuer": issuer, "limit": "certificates_per_registered_domain", "key": "example.com"]) == 50)
        #expect(used.value(["limit": "certificates_per_registered_domain", "key": "example.co.uk"]) == 1)
        #expect(used.value(["limit": "duplicate_certificates", "key": "api.pay.example.com,pay.example.com"]) == 2)
        #expect(limit.value(["limit": "duplicate_certificates", "key": "api.pay.example.com,pay.example.com"]) == 5)
        // Younger than 3 hours: pay-cert-3-c (1 h), rbac-cert-6 (2 h), rbac-cert-7 (20 min).
        #expect(used.value(["limit": "new_orders", "key": issuer]) == 3)
        #expect(limit.value(["limit": "new_orders"]) == 300)
    }

    @Test func collectorHealth() async throws {
        let m = try await scrape()
        #expect(m["syncgate_collector_last_success_timestamp_seconds"]?.value([:]) == Fixture.now)
        #expect(m["syncgate_collector_errors"]?.value(["resource": "applications.argoproj.io"]) == 0)
    }

    @Test func aFailingListIsCountedNotFatal() async throws {
        struct Failing: ClusterReader {
            struct Forbidden: Error {}
            func list(_ kind: ResourceKind) async throws -> [SyncGateCore.Value] {
                if kind == .order { throw Forbidden() }
                return []
            }
            func get(_ kind: ResourceKind, namespace: String, name: String) async throws -> SyncGateCore.Value? { nil }
        }
        let families = await MetricsCollector(reader: Failing()).collect(now: { Fixture.now })
        let m = try P.parse(PrometheusText.render(families))
        #expect(m["syncgate_collector_errors"]?.value(["resource": "orders.acme.cert-manager.io"]) == 1)
        #expect(m["syncgate_collector_errors"]?.value(["resource": "certificates.cert-manager.io"]) == 0)
    }
}

import SyncGateCore
