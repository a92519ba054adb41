import Foundation
import SyncGateCore

/// ACME Orders: one Challenge per DNS name; finalized (signed by the local CA) when every Challenge is
/// valid. With `ordersVanishAtCA` the CA answers 404 "No order for ID" and the Order goes errored (seed 001).
final class OrderController: @unchecked Sendable {
    let ctx: ControllerContext
    init(_ ctx: ControllerContext) { self.ctx = ctx }

    func reconcile(now: Date) -> Date? {
        for order in ctx.store.list(CertManager.orders) { reconcile(order, now: now) }
        return nil
    }

    static func orderID(_ order: Value) -> UInt32 { CertManager.fnv32(order[path: "metadata", "uid"]?.string ?? order.metadataName) }

    private func reconcile(_ order: Value, now: Date) {
        let store = ctx.store
        let ns = order.metadataNamespace
        let state = order[path: "status", "state"]?.string ?? ""
        if ["valid", "invalid", "errored", "expired"].contains(state) { return }
        let id = Self.orderID(order)
        if ctx.certManager.value.ordersVanishAtCA {
            setStatus(order, [(["status", "state"], .string("errored")),
                              (["status", "reason"], .string("Failed to retrieve Order resource: 404 urn:ietf:params:acme:error:malformed: No order for ID \(id)")),
                              (["status", "failureTime"], .string(KubeTime.format(now)))])
            return
        }
        let issuer = CertManager.issuer(store, ref: order[path: "spec", "issuerRef"], namespace: ns)
        let dnsNames = order[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
        if state.isEmpty {
            var authorizations: [Value] = []
            for host in dnsNames {
                let authz = "https://acme.kubesim.local/acme/authz/\(id)/\(CertManager.fnv32(host))"
                let token = String(format: "%08x%08x", CertManager.fnv32(host + "\(id)"), CertManager.fnv32("\(id)" + host))
                let solver = Self.chooseSolver(issuer?[path: "spec", "acme", "solvers"]?.elements ?? [], host: host)
                let type = solver?["dns01"] != nil ? "DNS-01" : "HTTP-01"
                let challengeURL = "https://acme.kubesim.local/acme/chall/\(id)/\(CertManager.fnv32(host))"
                authorizations.append(.obj([("url", .string(authz)), ("identifier", .string(host)), ("initialState", .string("pending")), ("wildcard", .bool(false)),
                                            ("challenges", .array([.obj([("type", .string(type.lowercased())), ("url", .string(challengeURL)), ("token", .string(token))])]))]))
                _ = try? store.create(.obj([
                    ("apiVersion", .string("acme.cert-manager.io/v1")), ("kind", .string("Challenge")),
                    ("metadata", .obj([("name", .string("\(order.metadataName)-\(CertManager.fnv32(host))")), ("namespace", .string(ns)),
                                       ("ownerReferences", .array([CertManager.ownerReference(order)]))])),
                    ("spec", .obj([("url", .string(challengeURL)), ("authorizationURL", .string(authz)), ("dnsName", .string(host)),
                                   ("type", .string(type)), ("token", .string(token)), ("key", .string("\(token).kubesim-thumbprint")),
                                   ("solver", solver ?? .obj([])), ("issuerRef", order[path: "spec", "issuerRef"] ?? .obj([])), ("wildcard", .bool(false))])),
                ]))
            }
            setStatus(order, [(["status", "url"], .string("https://acme.kubesim.local/acme/order/\(id)")),
                              (["status", "finalizeURL"], .string("https://acme.kubesim.local/acme/finalize/\(id)")),
                              (["status", "authorizations"], .array(authorizations)), (["status", "state"], .string("pending"))])
            return
        }
        let challenges = store.list(CertManager.challenges, namespace: ns).filter { CertManager.ownedBy($0, order) }
        if let bad = challenges.first(where: { ["invalid", "expired", "errored"].contains($0[path: "status", "state"]?.string ?? "") }) {
            setStatus(order, [(["status", "state"], .string("invalid")),
                              (["status", "reason"], .string("Failed to finalize Order: challenge \(bad.metadataName) is \(bad[path: "status", "state"]?.string ?? "")")),
                              (["status", "failureTime"], .string(KubeTime.format(now)))])
            return
        }
        guard !challenges.isEmpty, challenges.count >= dnsNames.count,
              challenges.allSatisfy({ $0[path: "status", "state"]?.string == "valid" }) else { return }
        guard let cr = (order[path: "metadata", "ownerReferences"]?.elements ?? []).first.flatMap({ store.get(CertManager.requests, namespace: ns, name: $0["name"]?.string ?? "") }),
              let issued = CertManager.sign(ctx, request: cr, selfSigned: false, now: now) else {
            setStatus(order, [(["status", "state"], .string("errored")), (["status", "reason"], .string("Failed to finalize Order: the CertificateRequest or its private key is gone"))])
            return
        }
        setStatus(order, [(["status", "state"], .string("valid")),
                          (["status", "certificate"], .string(CertManager.b64(issued.certificatePEM + issued.caPEM)))])
    }

    /// The solver whose selector fits the host best (dnsNames, then the longest dnsZone, then no selector).
    static func chooseSolver(_ solvers: [Value], host: String) -> Value? {
        if let s = solvers.first(where: { ($0[path: "selector", "dnsNames"]?.elements ?? []).contains { $0.string == host } }) { return s }
        let zoned = solvers.compactMap { s -> (Value, Int)? in
            let zones = s[path: "selector", "dnsZones"]?.elements.compactMap(\.string) ?? []
            let best = zones.filter { host == $0 || host.hasSuffix("." + $0) }.map(\.count).max()
            return best.map { (s, $0) }
        }
        if let z = zoned.max(by: { $0.1 < $1.1 }) { return z.0 }
        return solvers.first { $0["selector"] == nil || $0["selector"]?.object?.isEmpty == true } ?? solvers.first
    }

    private func setStatus(_ order: Value, _ fields: [([String], Value)]) {
        ctx.store.mutate(CertManager.orders, namespace: order.metadataNamespace, name: order.metadataName, status: true) { v in
            for (p, x) in fields { v.set(p, x) }
        }
    }
}
