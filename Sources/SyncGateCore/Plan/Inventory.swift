/// Every object of a plan, as typed views, indexed once by kind, namespace and name (no quadratic lookups).
/// Rules and the graph builder read this; it is gathered once, like cert-manager's policy `Input`.
public struct Inventory: Sendable {
    public var manifests: [Manifest] = []
    public var applications: [DiscoveredApplication] = []
    public var certificates: [Certificate] = []
    public var issuers: [Issuer] = []
    public var gateways: [Gateway] = []
    public var routes: [HTTPRoute] = []
    public var ingresses: [Ingress] = []
    public var services: [Service] = []
    public var workloads: [Workload] = []
    public var secrets: [SecretSource] = []
    public var referenceGrants: [ReferenceGrant] = []
    public var nginxConfigs: [IngressNginxConfig] = []

    public var serviceIndex: [ObjectKey: Int] = [:]
    public var secretIndex: [ObjectKey: Int] = [:]
    /// Certificates by the Secret they write (`namespace/secretName`).
    public var certificatesBySecret: [ObjectKey: [Int]] = [:]
    public var issuerIndex: [String: Int] = [:]
    public var gatewayIndex: [ObjectKey: Int] = [:]
    public var grantsByNamespace: [String: [Int]] = [:]
    /// Workloads by namespace (a Service only selects pods in its own namespace).
    public var workloadsByNamespace: [String: [Int]] = [:]
    /// Listeners of each Gateway (same positions as `gateways`), read once.
    public var listenersByGateway: [[Listener]] = []
    /// Pod labels of each workload (same positions as `workloads`), read once.
    public var podLabels: [[String: String]] = []
    /// Workloads each Service selects (same positions as `services`), computed once.
    public var selections: [[Int]] = []
    /// Application (`namespace/name`) -> position in `applications`.
    public var applicationIndex: [String: Int] = [:]

    public init() {}

    public init(manifests: [Manifest], applications: [DiscoveredApplication] = []) {
        self.manifests = manifests
        for i in self.manifests.indices { self.manifests[i].position = i }
        self.applications = applications
        for (i, a) in applications.enumerated() { applicationIndex[a.id] = i }
        // Typed views, made on both cores over the two halves of the manifests, kept in manifest order.
        let all = self.manifests
        let middle = all.count / 2
        let halves = [Views].concurrentMap(2, parallel: all.count > 10_000) { half in
            Views(of: half == 0 ? all[..<middle] : all[middle...])
        }
        for v in halves {
            certificates += v.certificates
            issuers += v.issuers
            gateways += v.gateways
            routes += v.routes
            ingresses += v.ingresses
            services += v.services
            workloads += v.workloads
            secrets += v.secrets
            referenceGrants += v.referenceGrants
            nginxConfigs += v.nginxConfigs
            listenersByGateway += v.listeners
            podLabels += v.podLabels
        }
        // The indexes: Certificates, issuers and Gateways on one core; Services, Secrets, grants and workloads
        // on the other.
        let (issuance, backends) = concurrently(parallel: all.count > 10_000, {
            [certificates, ingresses, gateways, listenersByGateway, issuers] in
            Issuance(certificates: certificates, ingresses: ingresses, gateways: gateways, listeners: listenersByGateway,
                     issuers: issuers)
        }, { [services, secrets, referenceGrants, workloads, podLabels] in
            Backends(services: services, secrets: secrets, grants: referenceGrants, workloads: workloads, podLabels: podLabels)
        })
        certificates = issuance.certificates
        certificatesBySecret = issuance.certificatesBySecret
        issuerIndex = issuance.issuerIndex
        gatewayIndex = issuance.gatewayIndex
        serviceIndex = backends.serviceIndex
        secretIndex = backends.secretIndex
        grantsByNamespace = backends.grantsByNamespace
        workloadsByNamespace = backends.workloadsByNamespace
        selections = backends.selections
    }

    public func service(_ key: ObjectKey) -> Service? { serviceIndex[key].map { services[$0] } }
    public func secret(_ key: ObjectKey) -> SecretSource? { secretIndex[key].map { secrets[$0] } }
    /// Positions in `certificates` of the Certificates that write the Secret `key`.
    public func certificatePositions(writing key: ObjectKey) -> [Int] { certificatesBySecret[key] ?? [] }
    public func issuer(for ref: IssuerRef) -> Issuer? { issuerIndex[ref.nodeID].map { issuers[$0] } }
    public func gateway(_ key: ObjectKey) -> Gateway? { gatewayIndex[key].map { gateways[$0] } }
    /// The listeners of the Gateway `key` (empty when the repo does not define it).
    public func listeners(ofGateway key: ObjectKey) -> [Listener] {
        guard let i = gatewayIndex[key] else { return [] }
        return listeners(ofGatewayAt: i)
    }
    /// The listeners of `gateways[i]`, read once.
    public func listeners(ofGatewayAt i: Int) -> [Listener] {
        i < listenersByGateway.count ? listenersByGateway[i] : gateways[i].listeners
    }
    public func grants(in namespace: String) -> [ReferenceGrant] { (grantsByNamespace[namespace] ?? []).map { referenceGrants[$0] } }
    public func workloads(selectedBy service: Service) -> [Workload] { workloadPositions(selectedBy: service).map { workloads[$0] } }
    /// Positions in `workloads` of the workloads whose pods `service` selects.
    public func workloadPositions(selectedBy service: Service) -> [Int] {
        if let i = serviceIndex[service.key], i < selections.count { return selections[i] }
        return (workloadsByNamespace[service.namespace] ?? []).filter { service.selects(workloads[$0]) }
    }
    public func application(_ id: String?) -> DiscoveredApplication? { id.flatMap { applicationIndex[$0] }.map { applications[$0] } }

    /// Every hostname something routes: listener hostnames, HTTPRoute hostnames, Ingress rule and tls hosts.
    public func routedHosts() -> (exact: Set<String>, patterns: [String]) {
        var exact: Set<String> = []
        var patterns: [String] = []
        func add(_ h: String) {
            let host = HostMatch.lowercased(h)
            if host.hasPrefix("*.") { patterns.append(host) } else { exact.insert(host) }
        }
        for i in gateways.indices { for l in listeners(ofGatewayAt: i) { if let h = l.hostname, !h.isEmpty { add(h) } } }
        for r in routes { r.hostnames.forEach(add) }
        for i in ingresses {
            i.ruleHosts.forEach(add)
            for t in i.tls { t.hosts.forEach(add) }
        }
        return (exact, patterns)
    }
}

/// Every Certificate, declared and implied (cert-manager's ingress-shim and gateway-shim, unless a declared one has
/// the same name), and the indexes over Certificates, issuers and Gateways.
private struct Issuance: Sendable {
    var certificates: [Certificate]
    var certificatesBySecret: [ObjectKey: [Int]] = [:]
    var issuerIndex: [String: Int] = [:]
    var gatewayIndex: [ObjectKey: Int] = [:]

    init(certificates declared: [Certificate], ingresses: [Ingress], gateways: [Gateway], listeners: [[Listener]], issuers: [Issuer]) {
        certificates = declared
        var names = Set(declared.map(\.key))
        for ingress in ingresses {
            for c in Certificate.implied(by: ingress) where names.insert(c.key).inserted { certificates.append(c) }
        }
        for (i, gateway) in gateways.enumerated() {
            for c in Certificate.implied(by: gateway, listeners: listeners[i]) where names.insert(c.key).inserted { certificates.append(c) }
        }
        for (i, c) in certificates.enumerated() where !c.secretName.isEmpty { certificatesBySecret[c.secretKey, default: []].append(i) }
        for (i, issuer) in issuers.enumerated() where issuerIndex[issuer.nodeID] == nil { issuerIndex[issuer.nodeID] = i }
        for (i, g) in gateways.enumerated() where gatewayIndex[g.key] == nil { gatewayIndex[g.key] = i }
    }
}

/// The indexes over Services, Secrets, grants and workloads, and which workloads each Service selects.
private struct Backends: Sendable {
    var serviceIndex: [ObjectKey: Int] = [:]
    var secretIndex: [ObjectKey: Int] = [:]
    var grantsByNamespace: [String: [Int]] = [:]
    var workloadsByNamespace: [String: [Int]] = [:]
    var selections: [[Int]] = []

    init(services: [Service], secrets: [SecretSource], grants: [ReferenceGrant], workloads: [Workload], podLabels: [[String: String]]) {
        for (i, s) in services.enumerated() where serviceIndex[s.key] == nil { serviceIndex[s.key] = i }
        for (i, s) in secrets.enumerated() where secretIndex[s.key] == nil { secretIndex[s.key] = i }
        for (i, g) in grants.enumerated() { grantsByNamespace[g.namespace, default: []].append(i) }
        for (i, w) in workloads.enumerated() { workloadsByNamespace[w.namespace, default: []].append(i) }
        let byNamespace = workloadsByNamespace
        selections = services.map { svc in
            guard svc.expectsWorkload else { return [] }
            let selector = svc.selector
            return (byNamespace[svc.namespace] ?? []).filter { i in
                let labels = podLabels[i]
                return selector.allSatisfy { labels[$0.key] == $0.value }
            }
        }
    }
}

/// The typed views of a run of manifests, by kind.
private struct Views: Sendable {
    var certificates: [Certificate] = []
    var issuers: [Issuer] = []
    var gateways: [Gateway] = []
    var routes: [HTTPRoute] = []
    var ingresses: [Ingress] = []
    var services: [Service] = []
    var workloads: [Workload] = []
    var secrets: [SecretSource] = []
    var referenceGrants: [ReferenceGrant] = []
    var nginxConfigs: [IngressNginxConfig] = []
    /// The listeners of each Gateway and the pod labels of each workload, read once.
    var listeners: [[Listener]] = []
    var podLabels: [[String: String]] = []

    init(of manifests: ArraySlice<Manifest>) {
        for m in manifests {
            switch m.kind {
            case "Certificate" where m.group == "cert-manager.io": certificates.append(Certificate(manifest: m))
            case "Issuer", "ClusterIssuer": if m.group == "cert-manager.io" { issuers.append(Issuer(manifest: m)) }
            case "Gateway" where m.group == "gateway.networking.k8s.io":
                let gateway = Gateway(manifest: m)
                gateways.append(gateway)
                listeners.append(gateway.listeners)
            case "HTTPRoute", "GRPCRoute": routes.append(HTTPRoute(manifest: m))
            case "Ingress": ingresses.append(Ingress(manifest: m))
            case "Service" where m.group.isEmpty: services.append(Service(manifest: m))
            case "Deployment", "StatefulSet", "DaemonSet":
                let workload = Workload(manifest: m)
                workloads.append(workload)
                podLabels.append(workload.podLabels)
            case "Secret", "SealedSecret", "ExternalSecret": secrets.append(SecretSource(manifest: m))
            case "ReferenceGrant": referenceGrants.append(ReferenceGrant(manifest: m))
            case "ConfigMap": if IngressNginxConfig.isCandidate(m) { nginxConfigs.append(IngressNginxConfig(manifest: m)) }
            default: break
            }
        }
    }
}
