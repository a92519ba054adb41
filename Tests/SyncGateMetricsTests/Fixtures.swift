import Foundation
import KubeSim
import SyncGateCore
import SyncGateMetrics
import SyncGateX509

/// A cluster at a fixed time: certificates whose Secrets and endpoints disagree, a retry storm, a paused
/// Application, and ACME Orders for the rate-limit budget.
struct Fixture {
    static let now: Double = 1_790_000_000  // 2026-09-21T14:13:20Z
    static let day: Double = 86_400

    let ca: CertificateAuthority
    /// pay-cert's Secret: expires in 20 days. The endpoint pay.example.com still serves `stale` (5 days).
    let secretLeaf: SyncGateX509.Certificate
    let stale: SyncGateX509.Certificate
    /// wallet-cert's Secret is a SyncGate placeholder (self-signed, 30 days).
    let placeholderPEM: String
    /// The key of secretLeaf and stale (to serve them from nginx).
    let keyPEM: String

    init() throws {
        ca = try CertificateAuthority.generate(commonName: "Fixture CA", now: Int64(Self.now - 100 * Self.day))
        let key = try PrivateKey.generateP256()
        secretLeaf = try ca.issue(dnsNames: ["pay.example.com", "api.pay.example.com"], notBefore: Int64(Self.now - 70 * Self.day),
                                  notAfter: Int64(Self.now + 20 * Self.day), key: key)
        stale = try ca.issue(dnsNames: ["pay.example.com"], notBefore: Int64(Self.now - 85 * Self.day),
                             notAfter: Int64(Self.now + 5 * Self.day), key: key)
        keyPEM = key.pem
        placeholderPEM = try SelfSigned.placeholder(host: "wallet.example.org", now: Int64(Self.now)).certificatePEM
    }

    static func time(_ offset: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: now + offset))
    }

    static let pausedReason = "blocked: DNS \"pay.example.com\" does not resolve to nlb.acme.example.com\nsee syncgate status"

    var yaml: String {
        let tlsCrt = Data((secretLeaf.pem + ca.certificatePEM).utf8).base64EncodedString()
        var text = """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: acme-pay-production
          namespace: argocd
          annotations:
            syncgate.dev/paused-reason: \(jsonQuoted(Self.pausedReason))
            syncgate.dev/paused-at: "\(Self.time(-5 * 3600))"
            syncgate.dev/paused-sync-policy: '{"automated":{"prune":true,"selfHeal":true}}'
            syncgate.dev/gate-results: '{"dns":"blocked","secret":{"result":"pass"},"listener":"pending"}'
        spec:
          syncPolicy: {}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: acme-catalog
          namespace: argocd
        spec:
          syncPolicy:
            automated:
              prune: true
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: acme-disabled
          namespace: argocd
        spec:
          syncPolicy:
            automated:
              enabled: false
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: pay-cert
          namespace: acme-pay-production
        spec:
          secretName: pay-tls
          dnsNames: [pay.example.com, api.pay.example.com, down.pay.example.com, "*.wild.example.com"]
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        status:
          conditions:
            - {type: Ready, status: "True"}
          renewalTime: "\(Self.time(-1 * Self.day))"
          notAfter: "\(Self.time(20 * Self.day))"
        ---
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/tls
        metadata:
          name: pay-tls
          namespace: acme-pay-production
        data:
          tls.crt: \(tlsCrt)
          tls.key: ""
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: rbac-cert
          namespace: acme-rbac-production
        spec:
          secretName: rbac-tls
          dnsNames: [rbac.example.com]
          issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
        status:
          conditions:
            - {type: Ready, status: "False"}
            - {type: Issuing, status: "False", reason: Failed}
          lastFailureTime: "\(Self.time(-600))"
          failedIssuanceAttempts: 7
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: wallet-cert
          namespace: acme-wallet
        spec:
          secretName: wallet-tls
          dnsNames: [wallet.example.org]
        status:
          conditions:
            - {type: Ready, status: "True"}
            - {type: Issuing, status: "True"}
        ---
        apiVersion: v1
        kind: Secret
        type: kubernetes.io/tls
        metadata:
          name: wallet-tls
          namespace: acme-wallet
          labels: {syncgate.dev/placeholder: "true"}
        data:
          tls.crt: \(Data(placeholderPEM.utf8).base64EncodedString())
        ---

        """ + SeedObjects.traefikGateway(listeners: """
            - {name: websecure-catalog, port: 443, protocol: HTTPS, hostname: catalog.example.com}
            - {name: websecure-rbac, port: 443, protocol: HTTPS, hostname: rbac.example.com}
        """) + """
        status:
          conditions:
            - {type: Programmed, status: "False", reason: InvalidCertificateRef}
          listeners:
            - name: websecure-rbac
              conditions:
                - {type: ResolvedRefs, status: "False", reason: InvalidCertificateRef}
                - {type: Programmed, status: "False", reason: Invalid}
            - name: websecure-catalog
              conditions:
                - {type: Accepted, status: "True", reason: Accepted}
                - {type: ResolvedRefs, status: "True", reason: ResolvedRefs}
                - {type: Programmed, status: "False", reason: Invalid}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: syncgate-rollout-default
          namespace: argocd
          labels: {app.kubernetes.io/managed-by: syncgate, syncgate.dev/rollout: default}
        data:
          journal.json: |
            {"rollout": "default", "runID": "r1", "status": "blocked", "startedAt": "\(Self.time(-3600))", "updatedAt": "\(Self.time(-600))",
             "done": {"canary/argocd/acme-pay-sandbox/lease/lease:argocd/syncgate-acme-pay-sandbox": "\(Self.time(-3500))",
                      "canary/argocd/acme-pay-sandbox/secret/secret:acme-pay-sandbox/pay-tls": "\(Self.time(-3400))",
                      "canary/argocd/acme-pay-sandbox/certificate/certificate:acme-pay-sandbox/a": "\(Self.time(-3300))",
                      "canary/argocd/acme-pay-sandbox/certificate/certificate:acme-pay-sandbox/b": "\(Self.time(-3200))",
                      "canary/-/verify/stage:canary": "\(Self.time(-3100))"},
             "promoted": [], "verified": ["canary"], "failure": "dns gate: pay.example.com does not resolve"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: unrelated, namespace: argocd}
        data: {journal.json: "{}"}
        ---
        apiVersion: cert-manager.io/v1
        kind: CertificateRequest
        metadata:
          name: rbac-cert-7
          namespace: acme-rbac-production
          annotations: {cert-manager.io/certificate-name: rbac-cert}
        ---
        apiVersion: acme.cert-manager.io/v1
        kind: Order
        metadata:
          name: rbac-cert-6-1111
          namespace: acme-rbac-production
          creationTimestamp: "\(Self.time(-7200))"
          annotations: {cert-manager.io/certificate-name: rbac-cert}
        spec: {dnsNames: [rbac.example.com], issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}}
        status: {state: pending}
        ---
        apiVersion: acme.cert-manager.io/v1
        kind: Order
        metadata:
          name: rbac-cert-7-2222
          namespace: acme-rbac-production
          creationTimestamp: "\(Self.time(-1200))"
          ownerReferences: [{apiVersion: cert-manager.io/v1, kind: CertificateRequest, name: rbac-cert-7, uid: x}]
        spec: {dnsNames: [rbac.example.com], issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}}
        status: {state: errored}
        ---
        apiVersion: acme.cert-manager.io/v1
        kind: Challenge
        metadata: {name: rbac-cert-7-2222-1, namespace: acme-rbac-production}
        status: {state: pending}
        ---
        apiVersion: acme.cert-manager.io/v1
        kind: Challenge
        metadata: {name: rbac-cert-7-2222-2, namespace: acme-rbac-production}
        status: {}

        """
        // Rate limits: 3 valid Orders for pay.example.com in the last week (one 10 days ago does not count), and
        // one for a co.uk name; every Order younger than 3 hours counts as a new order.
        let valid: [(String, Double, [String])] = [
            ("pay-cert-1-a", -2 * Self.day, ["pay.example.com", "api.pay.example.com"]),
            ("pay-cert-2-b", -1 * Self.day, ["api.pay.example.com", "pay.example.com"]),
            ("pay-cert-3-c", -3600, ["pay.example.com"]),
            ("pay-cert-0-z", -10 * Self.day, ["pay.example.com"]),
            ("shop-cert-1-d", -5 * Self.day, ["www.shop.example.co.uk"]),
        ]
        for (name, age, names) in valid {
            text += """
            ---
            apiVersion: acme.cert-manager.io/v1
            kind: Order
            metadata: {name: \(name), namespace: acme-pay-production, creationTimestamp: "\(Self.time(age))"}
            spec: {dnsNames: [\(names.joined(separator: ", "))], issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}}
            status: {state: valid}

            """
        }
        // The retry storm: 250 leaked solver routes in acme-rbac-production, one ordinary route elsewhere.
        for i in 0..<250 {
            text += "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: cm-acme-http-solver-\(i), namespace: acme-rbac-production}\n"
        }
        text += "---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: pay-route, namespace: acme-pay-production}\n"
        return text
    }

    func reader() throws -> SnapshotClusterReader { try SnapshotClusterReader(documents: yaml, file: "fixture.yaml") }

    /// pay.example.com serves the stale leaf, api.pay.example.com the Secret's, down.pay.example.com fails.
    var probe: FixtureProbe {
        FixtureProbe(served: ["pay.example.com": stale.der, "api.pay.example.com": secretLeaf.der])
    }
}

struct FixtureProbe: ServedCertificateProbe {
    var served: [String: [UInt8]]
    struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }

    func servedCertificate(host: String, port: Int) async throws -> ServedCertificate {
        guard let der = served[host] else { throw Refused() }
        return ServedCertificate(leafDER: der)
    }
}

func jsonQuoted(_ s: String) -> String {
    var out = ""
    JSONWriter.quote(s, into: &out)
    return out
}
