import Foundation
import SyncGateCore

/// ACME Challenges. HTTP-01 through a Gateway (`gatewayHTTPRoute` solver) or an Ingress: every attempt
/// creates a new `cm-acme-http-solver-*` route and a failed attempt leaves it behind (seed 000's leak of
/// 22,514 HTTPRoutes). An attempt passes when the host resolves to the ingress address and the listener
/// that would serve `/.well-known/acme-challenge/` is programmed; then the CA validates and the solver
/// routes are cleaned up. DNS-01 passes after the validation delay.
final class ChallengeController: @unchecked Sendable {
    let ctx: ControllerContext
    /// Per Challenge uid: when to try next, and when a passing attempt becomes valid.
    private let schedule = Locked<[String: (next: Date, validAt: Date?)]>([:])

    init(_ ctx: ControllerContext) { self.ctx = ctx }

    func reconcile(now: Date) -> Date? {
        var wake: Date? = nil
        var live = Set<String>()
        for ch in ctx.store.list(CertManager.challenges) where ch[path: "metadata", "deletionTimestamp"] == nil {
            let uid = ch[path: "metadata", "uid"]?.string ?? ""
            live.insert(uid)
            if let w = reconcile(ch, uid: uid, now: now) { wake = wake.map { min($0, w) } ?? w }
        }
        schedule.withLock { s in for k in s.keys where !live.contains(k) { s[k] = nil } }
        return wake
    }

    private func reconcile(_ ch: Value, uid: String, now: Date) -> Date? {
        let state = ch[path: "status", "state"]?.string ?? ""
        if ["valid", "invalid", "expired", "errored"].contains(state) { return nil }
        if ctx.certManager.value.ordersVanishAtCA {
            // The CA no longer knows the authorization either.
            setStatus(ch, [(["status", "state"], .string("expired")), (["status", "processing"], .bool(false)),
                           (["status", "reason"], .string("Authorization expired at the ACME server"))])
            return nil
        }
        if state.isEmpty {
            setStatus(ch, [(["status", "processing"], .bool(true)), (["status", "presented"], .bool(false)), (["status", "state"], .string("pending"))])
            schedule.withLock { $0[uid] = (now, nil) }
        }
        let plan = schedule.withLock { s -> (next: Date, validAt: Date?) in
            if s[uid] == nil { s[uid] = (now, nil) }
            return s[uid]!
        }
        if let validAt = plan.validAt {
            guard now >= validAt else { return validAt }
            setStatus(ch, [(["status", "state"], .string("valid")), (["status", "processing"], .bool(false)),
                           (["status", "presented"], .bool(false)), (["status", "reason"], .string("Successfully authorized domain"))])
            cleanUp(ch)
            schedule.withLock { $0[uid] = nil }
            return nil
        }
        guard now >= plan.next else { return plan.next }
        let settings = ctx.certManager.value
        let host = ch[path: "spec", "dnsName"]?.string ?? ""
        let token = ch[path: "spec", "token"]?.string ?? ""
        let type = ch[path: "spec", "type"]?.string ?? "HTTP-01"
        var failure: String? = nil
        if type == "HTTP-01" {
            let solver = ch[path: "spec", "solver", "http01"]
            var gateway: (namespace: String, name: String, section: String?)? = nil
            if let gw = solver?["gatewayHTTPRoute"] {
                createRoute(ch, solver: gw)
                if let p = gw["parentRefs"]?.elements.first {
                    gateway = (p["namespace"]?.string ?? ch.metadataNamespace, p["name"]?.string ?? "", p["sectionName"]?.string)
                }
            } else {
                createIngress(ch, solver: solver?["ingress"])
            }
            let url = "http://\(host)/.well-known/acme-challenge/\(token)"
            switch ctx.options.resolver.resolve(host) {
            case .notFound:
                failure = "failed to perform self check GET request '\(url)': Get \"\(url)\": dial tcp: lookup \(host) on 10.96.0.10:53: no such host"
            case .failure(let why):
                failure = "failed to perform self check GET request '\(url)': Get \"\(url)\": dial tcp: lookup \(host) on 10.96.0.10:53: \(why)"
            case .addresses(let addrs):
                if !addrs.contains(ctx.options.ingressAddress) {
                    failure = "failed to perform self check GET request '\(url)': Get \"\(url)\": dial tcp \(addrs.first ?? "?"):80: i/o timeout (the host resolves to \(addrs.joined(separator: ",")), not the ingress address \(ctx.options.ingressAddress))"
                } else if let gateway {
                    if let gw = ctx.store.get(ResourceKey(group: ControllerContext.gatewayGroup, plural: "gateways"), namespace: gateway.namespace, name: gateway.name) {
                        let check = GatewayController.listenerProgrammed(gw, host: host, sectionName: gateway.section)
                        if !check.ok { failure = "failed to perform self check GET request '\(url)': wrong status code '404', expected '200' (\(check.why))" }
                    } else {
                        failure = "failed to perform self check GET request '\(url)': wrong status code '404', expected '200' (Gateway \(gateway.namespace)/\(gateway.name) not found)"
                    }
                }
            }
        }
        if let failure {
            setStatus(ch, [(["status", "presented"], .bool(true)), (["status", "processing"], .bool(true)),
                           (["status", "reason"], .string("Waiting for \(type) challenge propagation: \(failure)"))])
            let next = now.addingTimeInterval(settings.challengeRetrySeconds)
            schedule.withLock { $0[uid] = (next, nil) }
            return next
        }
        let validAt = now.addingTimeInterval(settings.validationSeconds)
        setStatus(ch, [(["status", "presented"], .bool(true)), (["status", "processing"], .bool(true)),
                       (["status", "reason"], .string("Waiting for authorization"))])
        schedule.withLock { $0[uid] = (now, validAt) }
        return validAt
    }

    private func solverLabels(_ ch: Value) -> [(String, Value)] {
        [("acme.cert-manager.io/http-domain", .string(String(CertManager.fnv32(ch[path: "spec", "dnsName"]?.string ?? "")))),
         ("acme.cert-manager.io/http-token", .string(String(CertManager.fnv32(ch[path: "spec", "token"]?.string ?? "")))),
         ("acme.cert-manager.io/http01-solver", .string("true"))]
    }

    private func createRoute(_ ch: Value, solver: Value) {
        let ns = ch.metadataNamespace
        let suffix = ctx.store.generateSuffix()
        var labels = solverLabels(ch)
        for (k, v) in solver["labels"]?.object?.pairs ?? Object().pairs { labels.append((k, v)) }
        let rule = Value.obj([
            ("matches", .array([.obj([("path", .obj([("type", .string("Exact")), ("value", .string("/.well-known/acme-challenge/\(ch[path: "spec", "token"]?.string ?? "")"))]))])])),
            ("backendRefs", .array([.obj([("group", .string("")), ("kind", .string("Service")), ("name", .string("cm-acme-http-solver-\(suffix)")),
                                          ("namespace", .string(ns)), ("port", .int(8089)), ("weight", .int(1))])])),
        ])
        _ = try? ctx.store.create(.obj([
            ("apiVersion", .string("gateway.networking.k8s.io/v1")), ("kind", .string("HTTPRoute")),
            ("metadata", .obj([("name", .string("cm-acme-http-solver-\(suffix)")), ("namespace", .string(ns)), ("labels", .obj(labels)),
                               ("ownerReferences", .array([CertManager.ownerReference(ch)]))])),
            ("spec", .obj([("parentRefs", solver["parentRefs"] ?? .array([])), ("hostnames", .strings([ch[path: "spec", "dnsName"]?.string ?? ""])),
                           ("rules", .array([rule]))])),
        ]))
    }

    private func createIngress(_ ch: Value, solver: Value?) {
        let ns = ch.metadataNamespace
        let suffix = ctx.store.generateSuffix()
        var spec: [(String, Value)] = []
        if let cls = solver?["ingressClassName"] ?? solver?["class"] { spec.append(("ingressClassName", cls)) }
        let path = Value.obj([("path", .string("/.well-known/acme-challenge/\(ch[path: "spec", "token"]?.string ?? "")")), ("pathType", .string("ImplementationSpecific")),
                              ("backend", .obj([("service", .obj([("name", .string("cm-acme-http-solver-\(suffix)")), ("port", .obj([("number", .int(8089))]))]))]))])
        spec.append(("rules", .array([.obj([("host", .string(ch[path: "spec", "dnsName"]?.string ?? "")), ("http", .obj([("paths", .array([path]))]))])])))
        _ = try? ctx.store.create(.obj([
            ("apiVersion", .string("networking.k8s.io/v1")), ("kind", .string("Ingress")),
            ("metadata", .obj([("name", .string("cm-acme-http-solver-\(suffix)")), ("namespace", .string(ns)), ("labels", .obj(solverLabels(ch))),
                               ("ownerReferences", .array([CertManager.ownerReference(ch)]))])),
            ("spec", .obj(spec)),
        ]))
    }

    /// On success cert-manager removes the solver resources of the challenge (all of them).
    private func cleanUp(_ ch: Value) {
        for key in [CertManager.httpRoutes, CertManager.ingresses] {
            for r in ctx.store.list(key, namespace: ch.metadataNamespace) where CertManager.ownedBy(r, ch) {
                ctx.store.remove(key, namespace: r.metadataNamespace, name: r.metadataName)
            }
        }
    }

    private func setStatus(_ ch: Value, _ fields: [([String], Value)]) {
        ctx.store.mutate(CertManager.challenges, namespace: ch.metadataNamespace, name: ch.metadataName, status: true) { v in
            for (p, x) in fields { v.set(p, x) }
        }
    }
}
