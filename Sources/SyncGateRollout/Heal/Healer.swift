import Foundation
import SyncGateCore
import SyncGateKube

/// A renewal stuck the way seed 001 was: the Certificate is not Ready (or inside its renewal window / expiring),
/// the last CertificateRequest failed and cert-manager waits out its backoff, often because the Order it points
/// at no longer exists at the CA ("404 No order for ID"). The fix: delete the failed request so cert-manager
/// creates a new one at once.
public struct StuckRenewal: Sendable, Equatable {
    public var certificate: ObjectName
    public var hosts: [String]
    /// When the certificate expires (`status.notAfter`), if known.
    public var notAfter: Date?
    public var failedRequests: [String]
    /// Evidence lines: conditions, Order states, Challenge states.
    public var evidence: [String]
    public var nextRetry: Date?

    public func describe(now: Date) -> String {
        var s = "Certificate \(certificate) (\(hosts.joined(separator: ", ")))"
        if let notAfter {
            let days = notAfter.timeIntervalSince(now) / 86_400
            s += days < 0 ? ": EXPIRED \(RolloutEvent.duration(-days * 86_400)) ago" : ": expires in \(RolloutEvent.duration(days * 86_400))"
        }
        if let nextRetry, nextRetry > now { s += "; cert-manager's next retry in \(RolloutEvent.duration(nextRetry.timeIntervalSince(now)))" }
        return s
    }
}

public enum Healer {
    static let failedOrderStates: Set<String> = ["errored", "invalid", "expired"]

    /// Pure: finds stuck renewals among the cluster's cert-manager objects.
    public static func find(certificates: [Value], requests: [Value], orders: [Value], challenges: [Value], now: Date,
                            expiringWithin: Double = 30 * 86_400) -> [StuckRenewal] {
        var out: [StuckRenewal] = []
        for cert in certificates {
            let ns = cert[path: "metadata", "namespace"]?.scalarText ?? ""
            let name = cert[path: "metadata", "name"]?.scalarText ?? ""
            let ready = Condition.find("Ready", in: cert["status"])
            let notAfter = (cert[path: "status", "notAfter"]?.scalarText).flatMap(RFC3339.parse)
            let renewal = (cert[path: "status", "renewalTime"]?.scalarText).flatMap(RFC3339.parse)
            let nearExpiry = notAfter.map { $0.timeIntervalSince(now) < expiringWithin } ?? false
            let pastRenewal = renewal.map { $0 <= now } ?? false
            guard ready?.isTrue != true || nearExpiry || pastRenewal else { continue }
            let mine = requests.filter {
                $0[path: "metadata", "namespace"]?.scalarText == ns
                    && $0[path: "metadata", "annotations", "cert-manager.io/certificate-name"]?.scalarText == name
            }
            var failed: [String] = []
            var evidence: [String] = []
            if let ready { evidence.append("Certificate \(ready.summary)") }
            for r in mine {
                let rn = r[path: "metadata", "name"]?.scalarText ?? ""
                let c = Condition.find("Ready", in: r["status"])
                let isFailed = (c?.isFalse == true && (c?.reason == "Failed" || c?.reason == "Denied"))
                    || r[path: "status", "failureTime"] != nil
                let its = orders.filter { o in
                    o[path: "metadata", "namespace"]?.scalarText == ns
                        && ((o[path: "metadata", "ownerReferences"]?.elements ?? []).contains { $0["name"]?.scalarText == rn } || (o[path: "metadata", "name"]?.scalarText ?? "").hasPrefix(rn + "-"))
                }
                var orderBad = false
                for o in its {
                    let state = o[path: "status", "state"]?.scalarText ?? "pending"
                    let reason = o[path: "status", "reason"]?.scalarText ?? ""
                    evidence.append("Order \(ns)/\(o[path: "metadata", "name"]?.scalarText ?? "?"): \(state)\(reason.isEmpty ? "" : " — \(reason)")")
                    if failedOrderStates.contains(state) { orderBad = true }
                    let on = o[path: "metadata", "name"]?.scalarText ?? ""
                    for ch in challenges where ch[path: "metadata", "namespace"]?.scalarText == ns && (ch[path: "metadata", "ownerReferences"]?.elements ?? []).contains(where: { $0["name"]?.scalarText == on }) {
                        evidence.append("Challenge \(ch[path: "metadata", "name"]?.scalarText ?? "?"): \(ch[path: "status", "state"]?.scalarText ?? "pending") \(ch[path: "status", "reason"]?.scalarText ?? "")")
                    }
                }
                if isFailed || orderBad {
                    failed.append(rn)
                    if let c { evidence.append("CertificateRequest \(ns)/\(rn): \(c.summary)") }
                }
            }
            guard !failed.isEmpty else { continue }
            let retry = (cert[path: "status", "lastFailureTime"]?.scalarText).flatMap(RFC3339.parse).map { last -> Date in
                let attempts = cert[path: "status", "failedIssuanceAttempts"]?.int ?? 1
                return last.addingTimeInterval(min(32 * 3600, 3600 * pow(2, Double(max(0, attempts - 1)))))
            }
            out.append(StuckRenewal(certificate: ObjectName(ns, name),
                                    hosts: (cert[path: "spec", "dnsNames"]?.elements ?? []).compactMap(\.scalarText),
                                    notAfter: notAfter, failedRequests: failed.sorted(), evidence: evidence, nextRetry: retry))
        }
        return out.sorted { ($0.notAfter ?? .distantFuture, $0.certificate) < ($1.notAfter ?? .distantFuture, $1.certificate) }
    }

    /// Reads the cluster and finds stuck renewals (`namespace` nil: all).
    public static func scan(cluster: any RolloutCluster, namespace: String?, now: Date) async throws -> [StuckRenewal] {
        find(certificates: try await cluster.list(.certificates, namespace: namespace, labelSelector: nil),
             requests: try await cluster.list(.certificateRequests, namespace: namespace, labelSelector: nil),
             orders: try await cluster.list(.orders, namespace: namespace, labelSelector: nil),
             challenges: try await cluster.list(.challenges, namespace: namespace, labelSelector: nil), now: now)
    }

    /// Deletes the failed CertificateRequests (a request already gone counts as done). Returns what was deleted.
    public static func heal(_ stuck: [StuckRenewal], cluster: any RolloutCluster) async throws -> [String] {
        var deleted: [String] = []
        for s in stuck {
            for r in s.failedRequests {
                do {
                    try await cluster.delete(.certificateRequests, namespace: s.certificate.namespace, name: r)
                    deleted.append("\(s.certificate.namespace)/\(r)")
                } catch let e as KubeError where e.isNotFound {
                    continue
                }
            }
        }
        return deleted
    }
}

private func < (a: (Date, ObjectName), b: (Date, ObjectName)) -> Bool { a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
