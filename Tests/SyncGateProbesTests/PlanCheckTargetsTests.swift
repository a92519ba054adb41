import Foundation
import Testing
import SyncGateCore
import SyncGateProbes
import SyncGateTestSupport

/// The plan's graph mapped to probe targets (what `syncgate check` runs).
@Suite struct PlanCheckTargetsTests {
    static let manifests = """
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: letsencrypt-prod}
        spec:
          acme:
            server: https://acme-v02.api.letsencrypt.org/directory
            privateKeySecretRef: {name: le-account}
            solvers:
              - http01:
                  gatewayHTTPRoute:
                    parentRefs: [{name: gw, namespace: infra}]
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: pay-cert, namespace: pay}
        spec:
          secretName: pay-tls
          dnsNames: [pay.example.com, "*.pay.example.com"]
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: pay}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "registry.example.com/pay/web:1.4.2"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: infra}
        spec:
          gatewayClassName: traefik
          listeners:
            - name: https-admin
              hostname: admin.example.com
              port: 443
              protocol: HTTPS
              tls: {certificateRefs: [{name: admin-tls}]}

        """

    func plan() throws -> Plan {
        let directory = try TemporaryDirectory(prefix: "plan-targets")
        defer { directory.remove() }
        try directory.write("all.yaml", Self.manifests)
        return try Planner(options: PlanOptions(renderer: NoSourceRenderer())).plan(repo: directory.path)
    }

    @Test func everyProbeKindIsDerivedFromThePlan() throws {
        let plan = try plan()
        let material = SecretMaterial(certificatePEM: "x", origin: "admin.crt")
        let targets = PlanCheckTargets(plan: plan, kinds: Set(CheckKind.allCases), caaOverride: nil,
                                       secrets: ["secret:infra/admin-tls": material]).targets
        let labels = targets.map { "\($0.nodeID) \($0.label)" }
        #expect(labels.contains("dns:pay.example.com A/AAAA pay.example.com"))
        #expect(labels.contains("dns:pay.example.com CAA pay.example.com for letsencrypt.org"))
        #expect(labels.contains("dns:*.pay.example.com CAA *.pay.example.com for letsencrypt.org"))
        #expect(!labels.contains { $0.hasPrefix("dns:*.pay.example.com A/AAAA") })
        #expect(labels.contains("image:registry.example.com/pay/web:1.4.2 manifest registry.example.com/pay/web:1.4.2"))
        #expect(labels.contains("issuer:ClusterIssuer/letsencrypt-prod ACME directory https://acme-v02.api.letsencrypt.org/directory"))
        #expect(labels.contains("certificate:pay/pay-cert HTTP-01 path on pay.example.com"))
        #expect(labels.contains("certificate:pay/pay-cert served TLS for pay.example.com"))
        let admin = targets.first { $0.label == "served TLS for admin.example.com" }
        #expect(admin?.nodeID == "listener:infra/gw/https-admin")
        if case .servedTLS(_, let secret)? = admin?.subject { #expect(secret?.origin == "admin.crt") } else { Issue.record("no admin TLS target") }
        let reportNodes = PlanCheckTargets.reportNodes(plan)
        #expect(reportNodes.contains { $0.id == "certificate:pay/pay-cert" && $0.location?.hasPrefix("all.yaml:") == true })
    }

    @Test func onlyRestrictsTheKinds() throws {
        let targets = PlanCheckTargets(plan: try plan(), kinds: [.dns], caaOverride: "pki.goog", secrets: [:]).targets
        #expect(targets.allSatisfy { $0.kind == .dns })
        #expect(targets.contains { $0.label == "CAA pay.example.com for pki.goog" })
    }
}
