import Foundation
import SyncGateCore

/// Gateway API status: listener conditions Accepted, ResolvedRefs (InvalidCertificateRef, RefNotPermitted)
/// and Programmed, attachedRoutes, and the Gateway's own conditions. The blast radius of an unresolvable
/// certificateRef is a setting: the whole Gateway (seed 000) or only that listener (the spec).
final class GatewayController: Controller, @unchecked Sendable {
    let kind = ControllerKind.gateway
    let ctx: ControllerContext
    /// Recount attachedRoutes at most this often when only HTTPRoutes changed (solver routes arrive every few seconds).
    let routeResync: TimeInterval = 30
    private let memory = Locked<(stamp: [Int], radius: BlastRadius?, routes: Int, lastRun: Date?)>(([], nil, -1, nil))
    /// HTTPRoute attachments, kept up to date from the store's change history: per route, what it contributes;
    /// per Gateway ("ns/name"), how many routes attach with each (namespace, hostnames, sectionName, port).
    private struct RouteIndex {
        var seenRV = -1
        var contributions: [String: [(gateway: String, attachment: Attachment)]] = [:]
        var byGateway: [String: [Attachment: Int]] = [:]
        /// Routes that are not cert-manager solver routes get status.parents written.
        var plainRoutes: Set<String> = []
        var plainChanged = false
    }
    private let index = Locked(RouteIndex())

    init(_ ctx: ControllerContext) { self.ctx = ctx }

    static let g = ControllerContext.gatewayGroup
    var gateways: ResourceKey { ResourceKey(group: Self.g, plural: "gateways") }
    var routesKey: ResourceKey { ResourceKey(group: Self.g, plural: "httproutes") }
    var secrets: ResourceKey { ResourceKey(group: "", plural: "secrets") }
    var grants: ResourceKey { ResourceKey(group: Self.g, plural: "referencegrants") }
    var classes: ResourceKey { ResourceKey(group: Self.g, plural: "gatewayclasses") }
    var namespaces: ResourceKey { ResourceKey(group: "", plural: "namespaces") }

    func reconcile(now: Date) -> Date? {
        let store = ctx.store
        let stamp = self.stamp()
        let radius = ctx.blastRadius.value
        let routes = store.lastChange(routesKey)
        let m = memory.value
        var attachments: [String: [Attachment: Int]]? = nil
        if m.routes != routes { attachments = routeIndex() }
        if m.stamp == stamp && m.radius == radius {
            if m.routes == routes { return nil }
            let plainChanged = index.value.plainChanged
            if !plainChanged, let last = m.lastRun, now < last.addingTimeInterval(routeResync) { return last.addingTimeInterval(routeResync) }
        }
        reconcileClasses(now: now)
        let current = attachments ?? routeIndex()
        for gw in store.list(gateways) { reconcileGateway(gw, attachments: current, radius: radius, now: now) }
        reconcileRouteStatus(now: now)
        _ = routeIndex()  // absorb our own status writes
        index.withLock { $0.plainChanged = false }
        memory.withLock { $0 = (self.stamp(), radius, store.lastChange(routesKey), now) }
        return nil
    }

    private func stamp() -> [Int] {
        let store = ctx.store
        return [store.lastChange(gateways), store.lastChange(secrets), store.lastChange(grants), store.lastChange(classes),
                store.lastChange(namespaces), store.lastChange(services)]
    }

    var services: ResourceKey { ResourceKey(group: "", plural: "services") }

    /// status.parents of HTTPRoutes that are not solver routes: Accepted (a listener takes the route) and
    /// ResolvedRefs (BackendNotFound when a Service is missing — seed 000's "service not found"; RefNotPermitted).
    private func reconcileRouteStatus(now: Date) {
        let slots = index.withLock { ix -> [String] in ix.plainChanged = false; return Array(ix.plainRoutes) }
        for slot in slots.sorted() {
            let parts = slot.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let route = ctx.store.get(routesKey, namespace: parts[0], name: parts[1]) else { continue }
            let ns = route.metadataNamespace
            let gen = route[path: "metadata", "generation"]?.int ?? 1
            let hostnames = route[path: "spec", "hostnames"]?.elements.compactMap(\.string) ?? []
            // Backends.
            var resolved = (status: "True", reason: "ResolvedRefs", message: "Resolved all the Object references for the Route")
            outer: for rule in route[path: "spec", "rules"]?.elements ?? [] {
                for ref in rule["backendRefs"]?.elements ?? [] {
                    guard (ref["kind"]?.string ?? "Service") == "Service", (ref["group"]?.string ?? "").isEmpty else { continue }
                    let name = ref["name"]?.string ?? ""
                    let refNS = ref["namespace"]?.string ?? ns
                    if refNS != ns && !backendGrantAllows(from: ns, to: refNS, name: name) {
                        resolved = ("False", "RefNotPermitted", "backendRef to Service \(refNS)/\(name) not permitted by any ReferenceGrant"); break outer
                    }
                    if ctx.store.get(services, namespace: refNS, name: name) == nil {
                        resolved = ("False", "BackendNotFound", "Cannot load HTTPBackendRef \(refNS)/\(name): getting service: service \"\(name)\" not found"); break outer
                    }
                }
            }
            var parents: [Value] = []
            let previous = route[path: "status", "parents"]?.elements ?? []
            for p in route[path: "spec", "parentRefs"]?.elements ?? [] {
                if let k = p["kind"]?.string, k != "Gateway" { continue }
                let gwNS = p["namespace"]?.string ?? ns
                guard let gw = ctx.store.get(gateways, namespace: gwNS, name: p["name"]?.string ?? "") else { continue }
                let className = gw[path: "spec", "gatewayClassName"]?.string ?? ""
                let controller = ctx.store.get(classes, name: className)?[path: "spec", "controllerName"]?.string ?? "kubesim.syncgate.dev/gateway-controller"
                var accepted = (status: "False", reason: "NotAllowedByListeners", message: "No listener of Gateway \(gwNS)/\(gw.metadataName) accepts this route")
                for l in gw[path: "spec", "listeners"]?.elements ?? [] {
                    let attachment = Attachment(namespace: ns, hostnames: hostnames, sectionName: p["sectionName"]?.string, port: p["port"]?.int)
                    if countAttached([attachment: 1], listener: l, gatewayNamespace: gwNS) > 0 {
                        accepted = ("True", "Accepted", "Route was accepted"); break
                    }
                }
                var parentRef: [(String, Value)] = [("group", .string(Self.g)), ("kind", .string("Gateway")), ("name", .string(gw.metadataName)), ("namespace", .string(gwNS))]
                if let sn = p["sectionName"] { parentRef.append(("sectionName", sn)) }
                var conds = previous.first { $0[path: "parentRef", "name"]?.string == gw.metadataName && $0[path: "parentRef", "namespace"]?.string == gwNS && $0[path: "parentRef", "sectionName"] == p["sectionName"] }?["conditions"]?.elements ?? []
                conds = Conditions.set(conds, type: "Accepted", status: accepted.status, reason: accepted.reason, message: accepted.message, now: now, observedGeneration: gen)
                conds = Conditions.set(conds, type: "ResolvedRefs", status: resolved.status, reason: resolved.reason, message: resolved.message, now: now, observedGeneration: gen)
                parents.append(.obj([("parentRef", .obj(parentRef)), ("controllerName", .string(controller)), ("conditions", .array(conds))]))
            }
            ctx.store.mutate(routesKey, namespace: ns, name: route.metadataName, status: true) { v in v.set(["status", "parents"], .array(parents)) }
        }
    }

    private func backendGrantAllows(from: String, to: String, name: String) -> Bool {
        for grant in ctx.store.list(grants, namespace: to) {
            let fromOK = (grant[path: "spec", "from"]?.elements ?? []).contains {
                $0["group"]?.string == Self.g && $0["kind"]?.string == "HTTPRoute" && $0["namespace"]?.string == from
            }
            let toOK = (grant[path: "spec", "to"]?.elements ?? []).contains {
                ($0["group"]?.string ?? "") == "" && $0["kind"]?.string == "Service" && ($0["name"]?.string == nil || $0["name"]?.string == name)
            }
            if fromOK && toOK { return true }
        }
        return false
    }

    private func reconcileClasses(now: Date) {
        for gc in ctx.store.list(classes) {
            let gen = gc[path: "metadata", "generation"]?.int ?? 1
            ctx.store.mutate(classes, name: gc.metadataName, status: true) { v in
                let conds = Conditions.set(v[path: "status", "conditions"]?.elements ?? [], type: "Accepted", status: "True", reason: "Accepted",
                                           message: "GatewayClass is accepted by KubeSim", now: now, observedGeneration: gen)
                v.set(["status", "conditions"], .array(conds))
            }
        }
    }

    struct Attachment: Hashable { var namespace: String; var hostnames: [String]; var sectionName: String?; var port: Int? }

    private static func contributions(_ r: Value) -> [(gateway: String, attachment: Attachment)] {
        let ns = r.metadataNamespace
        let hostnames = r[path: "spec", "hostnames"]?.elements.compactMap(\.string) ?? []
        var out: [(String, Attachment)] = []
        for p in r[path: "spec", "parentRefs"]?.elements ?? [] {
            if let k = p["kind"]?.string, k != "Gateway" { continue }
            let gwNS = p["namespace"]?.string ?? ns
            out.append(("\(gwNS)/\(p["name"]?.string ?? "")", Attachment(namespace: ns, hostnames: hostnames, sectionName: p["sectionName"]?.string, port: p["port"]?.int)))
        }
        return out
    }

    /// HTTPRoutes by the Gateway they name, with counts; brought up to date incrementally.
    private func routeIndex() -> [String: [Attachment: Int]] {
        let store = ctx.store
        return index.withLock { ix in
            let now = store.resourceVersion
            func add(_ slot: String, _ r: Value) {
                if r.labels["acme.cert-manager.io/http01-solver"] == nil { ix.plainRoutes.insert(slot); ix.plainChanged = true }
                let c = Self.contributions(r)
                ix.contributions[slot] = c
                for (g, a) in c { ix.byGateway[g, default: [:]][a, default: 0] += 1 }
            }
            func remove(_ slot: String) {
                if ix.plainRoutes.remove(slot) != nil { ix.plainChanged = true }
                for (g, a) in ix.contributions.removeValue(forKey: slot) ?? [] {
                    ix.byGateway[g]?[a]? -= 1
                    if ix.byGateway[g]?[a] == 0 { ix.byGateway[g]?[a] = nil }
                }
            }
            if ix.seenRV >= 0, let events = store.changes(routesKey, after: ix.seenRV) {
                for e in events {
                    let slot = "\(e.namespace)/\(e.object.metadataName)"
                    remove(slot)
                    if e.type != .deleted { add(slot, e.object) }
                }
            } else {
                ix = RouteIndex()
                for r in store.list(routesKey) { add("\(r.metadataNamespace)/\(r.metadataName)", r) }
            }
            ix.seenRV = now
            return ix.byGateway
        }
    }

    struct ListenerResult { var name: String; var resolved: (status: String, reason: String, message: String); var attached: Int; var protocolName: String }

    private func reconcileGateway(_ gw: Value, attachments: [String: [Attachment: Int]], radius: BlastRadius, now: Date) {
        let ns = gw.metadataNamespace
        let gen = gw[path: "metadata", "generation"]?.int ?? 1
        var results: [ListenerResult] = []
        for l in gw[path: "spec", "listeners"]?.elements ?? [] {
            let name = l["name"]?.string ?? ""
            let proto = l["protocol"]?.string ?? "HTTP"
            var resolved = (status: "True", reason: "ResolvedRefs", message: "Resolved all the Object references for the Listener")
            let terminates = proto == "HTTPS" || (proto == "TLS" && (l[path: "tls", "mode"]?.string ?? "Terminate") == "Terminate")
            if terminates {
                let refs = l[path: "tls", "certificateRefs"]?.elements ?? []
                if refs.isEmpty {
                    resolved = ("False", "InvalidCertificateRef", "Listener \(name) has no certificateRefs")
                }
                for ref in refs {
                    if let problem = checkCertificateRef(ref, gatewayNamespace: ns) { resolved = problem; break }
                }
            }
            let attached = countAttached(attachments["\(ns)/\(gw.metadataName)"] ?? [:], listener: l, gatewayNamespace: ns)
            results.append(ListenerResult(name: name, resolved: resolved, attached: attached, protocolName: proto))
        }
        let failing = results.filter { $0.resolved.status != "True" }
        let gatewayDown = radius == .gateway && !failing.isEmpty
        var listenerStatuses: [Value] = []
        let previous = gw[path: "status", "listeners"]?.elements ?? []
        for r in results {
            var conds = previous.first { $0["name"]?.string == r.name }?["conditions"]?.elements ?? []
            conds = Conditions.set(conds, type: "Accepted", status: "True", reason: "Accepted", message: "Listener has been successfully accepted", now: now, observedGeneration: gen)
            conds = Conditions.set(conds, type: "ResolvedRefs", status: r.resolved.status, reason: r.resolved.reason, message: r.resolved.message, now: now, observedGeneration: gen)
            if r.resolved.status != "True" {
                conds = Conditions.set(conds, type: "Programmed", status: "False", reason: "Invalid", message: r.resolved.message, now: now, observedGeneration: gen)
            } else if gatewayDown {
                conds = Conditions.set(conds, type: "Programmed", status: "False", reason: "Invalid",
                                       message: "Gateway is not programmed: listener \(failing[0].name): \(failing[0].resolved.message)", now: now, observedGeneration: gen)
            } else {
                conds = Conditions.set(conds, type: "Programmed", status: "True", reason: "Programmed", message: "Listener has been successfully programmed", now: now, observedGeneration: gen)
            }
            let kinds: [Value] = (r.protocolName == "HTTP" || r.protocolName == "HTTPS")
                ? [.obj([("group", .string(Self.g)), ("kind", .string("HTTPRoute"))])]
                : [.obj([("group", .string(Self.g)), ("kind", .string("TLSRoute"))])]
            listenerStatuses.append(.obj([("name", .string(r.name)), ("supportedKinds", .array(kinds)),
                                          ("attachedRoutes", .int(r.attached)), ("conditions", .array(conds))]))
        }
        var gconds = gw[path: "status", "conditions"]?.elements ?? []
        gconds = Conditions.set(gconds, type: "Accepted", status: "True", reason: "Accepted", message: "Gateway successfully scheduled", now: now, observedGeneration: gen)
        if gatewayDown {
            gconds = Conditions.set(gconds, type: "Programmed", status: "False", reason: failing[0].resolved.reason,
                                    message: "Error while retrieving certificate: \(failing[0].resolved.message)", now: now, observedGeneration: gen)
        } else {
            gconds = Conditions.set(gconds, type: "Programmed", status: "True", reason: "Programmed", message: "Gateway successfully programmed", now: now, observedGeneration: gen)
        }
        let addresses: Value = .array([.obj([("type", .string("IPAddress")), ("value", .string(ctx.options.ingressAddress))])])
        ctx.store.mutate(gateways, namespace: ns, name: gw.metadataName, status: true) { v in
            v.set(["status", "addresses"], addresses)
            v.set(["status", "conditions"], .array(gconds))
            v.set(["status", "listeners"], .array(listenerStatuses))
        }
    }

    /// nil when the reference resolves; else the ResolvedRefs=False (reason, message).
    private func checkCertificateRef(_ ref: Value, gatewayNamespace: String) -> (status: String, reason: String, message: String)? {
        let group = ref["group"]?.string ?? ""
        let kind = ref["kind"]?.string ?? "Secret"
        let name = ref["name"]?.string ?? ""
        let ns = ref["namespace"]?.string ?? gatewayNamespace
        guard group.isEmpty || group == "core", kind == "Secret" else {
            return ("False", "InvalidCertificateRef", "unsupported certificateRef kind \(group)/\(kind)")
        }
        if ns != gatewayNamespace && !referenceGrantAllows(from: gatewayNamespace, to: ns, name: name) {
            return ("False", "RefNotPermitted", "Certificate ref to secret \(ns)/\(name) not permitted by any ReferenceGrant")
        }
        guard let secret = ctx.store.get(secrets, namespace: ns, name: name) else {
            return ("False", "InvalidCertificateRef", "getting secret: secret \"\(name)\" not found")
        }
        let crt = secret[path: "data", "tls.crt"]?.string ?? ""
        let key = secret[path: "data", "tls.key"]?.string ?? ""
        if crt.isEmpty || key.isEmpty {
            return ("False", "InvalidCertificateRef", "secret \(ns)/\(name) does not contain tls.crt and tls.key")
        }
        return nil
    }

    private func referenceGrantAllows(from: String, to: String, name: String) -> Bool {
        for grant in ctx.store.list(grants, namespace: to) {
            let fromOK = (grant[path: "spec", "from"]?.elements ?? []).contains {
                $0["group"]?.string == Self.g && $0["kind"]?.string == "Gateway" && $0["namespace"]?.string == from
            }
            let toOK = (grant[path: "spec", "to"]?.elements ?? []).contains {
                ($0["group"]?.string ?? "") == "" && $0["kind"]?.string == "Secret" && ($0["name"]?.string == nil || $0["name"]?.string == name)
            }
            if fromOK && toOK { return true }
        }
        return false
    }

    private func countAttached(_ list: [Attachment: Int], listener: Value, gatewayNamespace: String) -> Int {
        let name = listener["name"]?.string ?? ""
        let port = listener["port"]?.int
        let proto = listener["protocol"]?.string ?? "HTTP"
        guard proto == "HTTP" || proto == "HTTPS" else { return 0 }
        let host = listener["hostname"]?.string
        let from = listener[path: "allowedRoutes", "namespaces", "from"]?.string ?? "Same"
        var selector: LabelSelector? = nil
        if from == "Selector" { selector = LabelSelector(object: listener[path: "allowedRoutes", "namespaces", "selector"]) }
        var nsLabels: [String: [String: String]] = [:]
        var n = 0
        for (a, count) in list {
            if let s = a.sectionName, s != name { continue }
            if let p = a.port, p != port { continue }
            switch from {
            case "All": break
            case "Selector":
                if nsLabels[a.namespace] == nil { nsLabels[a.namespace] = ctx.store.get(namespaces, name: a.namespace)?.labels ?? [:] }
                if !(selector?.matches(nsLabels[a.namespace]!) ?? false) { continue }
            default: if a.namespace != gatewayNamespace { continue }
            }
            if let host, !a.hostnames.isEmpty, !a.hostnames.contains(where: { Self.hostMatches($0, host) }) { continue }
            n += count
        }
        return n
    }

    static func hostMatches(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        func wild(_ pattern: String, _ h: String) -> Bool {
            pattern.hasPrefix("*.") && h.hasSuffix(String(pattern.dropFirst(1))) && h.count > pattern.count - 1
        }
        return wild(a, b) || wild(b, a)
    }

    /// Whether the listener that serves `host` over plain HTTP (HTTP-01) on this Gateway is programmed.
    static func listenerProgrammed(_ gw: Value, host: String, sectionName: String?) -> (ok: Bool, why: String) {
        let listeners = gw[path: "spec", "listeners"]?.elements ?? []
        let candidates = listeners.filter { l in
            if let sectionName { return l["name"]?.string == sectionName }
            guard (l["protocol"]?.string ?? "HTTP") == "HTTP" else { return false }
            guard let h = l["hostname"]?.string else { return true }
            return hostMatches(h, host)
        }
        guard !candidates.isEmpty else { return (false, "no HTTP listener on Gateway \(gw.metadataNamespace)/\(gw.metadataName) accepts host \(host)") }
        let statuses = gw[path: "status", "listeners"]?.elements ?? []
        for c in candidates {
            let name = c["name"]?.string ?? ""
            let st = statuses.first { $0["name"]?.string == name }
            if Conditions.status(st?["conditions"]?.elements, "Programmed") == "True" { return (true, "") }
        }
        return (false, "listener \(candidates[0]["name"]?.string ?? "") of Gateway \(gw.metadataNamespace)/\(gw.metadataName) is not programmed")
    }
}
