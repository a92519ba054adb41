import Foundation
import SyncGateCore

/// Approves CertificateRequests and gets them signed: at once for CA and SelfSigned issuers, through an
/// ACME Order for ACME issuers.
final class CertificateRequestController: @unchecked Sendable {
    let ctx: ControllerContext
    init(_ ctx: ControllerContext) { self.ctx = ctx }

    func reconcile(now: Date) -> Date? {
        for cr in ctx.store.list(CertManager.requests) { reconcile(cr, now: now) }
        return nil
    }

    static func orderName(_ cr: Value) -> String {
        "\(cr.metadataName)-\(CertManager.fnv32((cr[path: "metadata", "uid"]?.string ?? "") + (cr[path: "spec", "request"]?.string ?? "")))"
    }

    private func reconcile(_ cr: Value, now: Date) {
        let store = ctx.store
        let ns = cr.metadataNamespace
        let gen = cr[path: "metadata", "generation"]?.int ?? 1
        var conds = cr[path: "status", "conditions"]?.elements ?? []
        if Conditions.find(conds, "Approved") == nil && Conditions.find(conds, "Denied") == nil {
            conds = Conditions.set(conds, type: "Approved", status: "True", reason: "cert-manager.io",
                                   message: "Certificate request has been approved by cert-manager.io", now: now)
        }
        if CertificateController.ready(cr) || CertificateController.failed(cr) {
            write(cr, conds: conds, extra: [])
            return
        }
        guard let issuer = CertManager.issuer(store, ref: cr[path: "spec", "issuerRef"], namespace: ns) else {
            let kind = cr[path: "spec", "issuerRef", "kind"]?.string ?? "Issuer"
            let name = cr[path: "spec", "issuerRef", "name"]?.string ?? ""
            conds = Conditions.set(conds, type: "Ready", status: "False", reason: "Pending",
                                   message: "Referenced \"\(kind)\" not found: \(kind.lowercased()).cert-manager.io \"\(name)\" not found", now: now, observedGeneration: gen)
            write(cr, conds: conds, extra: [])
            return
        }
        if issuer[path: "spec", "acme"] == nil {
            guard let issued = CertManager.sign(ctx, request: cr, selfSigned: issuer[path: "spec", "selfSigned"] != nil, now: now) else { return }
            conds = Conditions.set(conds, type: "Ready", status: "True", reason: "Issued", message: "Certificate fetched from issuer successfully", now: now, observedGeneration: gen)
            write(cr, conds: conds, extra: [(["status", "certificate"], .string(CertManager.b64(issued.certificatePEM))),
                                            (["status", "ca"], .string(CertManager.b64(issued.caPEM)))])
            return
        }
        let orderName = Self.orderName(cr)
        guard let order = store.get(CertManager.orders, namespace: ns, name: orderName) else {
            let certName = cr.annotations["cert-manager.io/certificate-name"] ?? ""
            let crt = store.get(CertManager.certificates, namespace: ns, name: certName)
            let dnsNames = crt?[path: "spec", "dnsNames"] ?? .array([])
            var spec: [(String, Value)] = [("request", cr[path: "spec", "request"] ?? .string("")), ("issuerRef", cr[path: "spec", "issuerRef"] ?? .obj([])),
                                           ("dnsNames", dnsNames)]
            if let cn = crt?[path: "spec", "commonName"] { spec.append(("commonName", cn)) }
            if let d = cr[path: "spec", "duration"] { spec.append(("duration", d)) }
            _ = try? store.create(.obj([
                ("apiVersion", .string("acme.cert-manager.io/v1")), ("kind", .string("Order")),
                ("metadata", .obj([("name", .string(orderName)), ("namespace", .string(ns)),
                                   ("annotations", .obj(cr.annotations.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })),
                                   ("ownerReferences", .array([CertManager.ownerReference(cr)]))])),
                ("spec", .obj(spec)),
            ]))
            conds = Conditions.set(conds, type: "Ready", status: "False", reason: "Pending",
                                   message: "Created Order resource \(ns)/\(orderName)", now: now, observedGeneration: gen)
            write(cr, conds: conds, extra: [])
            return
        }
        let state = order[path: "status", "state"]?.string ?? ""
        switch state {
        case "valid" where order[path: "status", "certificate"] != nil:
            let chain = CertManager.unb64(order[path: "status", "certificate"]?.string) ?? ""
            conds = Conditions.set(conds, type: "Ready", status: "True", reason: "Issued", message: "Certificate fetched from issuer successfully", now: now, observedGeneration: gen)
            write(cr, conds: conds, extra: [(["status", "certificate"], .string(CertManager.b64(chain))),
                                            (["status", "ca"], .string(CertManager.b64(ctx.ca.certificatePEM)))])
        case "errored", "invalid", "expired":
            let reason = order[path: "status", "reason"]?.string ?? ""
            conds = Conditions.set(conds, type: "Ready", status: "False", reason: "Failed",
                                   message: "Failed to wait for order resource \"\(orderName)\" to become ready: order is in \"\(state)\" state: \(reason)", now: now, observedGeneration: gen)
            write(cr, conds: conds, extra: [(["status", "failureTime"], .string(KubeTime.format(now)))])
        default:
            conds = Conditions.set(conds, type: "Ready", status: "False", reason: "Pending",
                                   message: "Waiting on certificate issuance from order \(ns)/\(orderName): \"\(state)\"", now: now, observedGeneration: gen)
            write(cr, conds: conds, extra: [])
        }
    }

    private func write(_ cr: Value, conds: [Value], extra: [([String], Value)]) {
        ctx.store.mutate(CertManager.requests, namespace: cr.metadataNamespace, name: cr.metadataName, status: true) { v in
            v.set(["status", "conditions"], .array(conds))
            for (path, value) in extra { v.set(path, value) }
        }
    }
}
