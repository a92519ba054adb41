import SyncGateCore

/// Builds the rollout's view (Applications, hosts, chains) from the planning core's `Plan`: per Certificate and
/// hostname, the Secret, the listeners serving it, the backend Services and images of the routes, the issuer,
/// and the Applications that must come first.
public enum InventoryAdapter {
    public static func inventory(from plan: Plan) -> RolloutInventory {
        let inv = plan.inventory
        var byApp: [String: RolloutApplication] = [:]
        for d in plan.applications {
            var labels: [String: String] = [:]
            for (k, v) in d.application.manifest.metadata?["labels"]?.object?.pairs.map({ ($0, $1) }) ?? [] { labels[k] = v.scalarText ?? "" }
            byApp[d.id] = RolloutApplication(identity: ApplicationIdentity(namespace: d.namespace, name: d.name, labels: labels),
                                             wave: d.application.manifest.declaredWave)
        }
        var listenersBySecret: [ObjectKey: [(ListenerRef, String?)]] = [:]
        for gw in inv.gateways {
            for l in gw.listeners {
                for ref in l.certificateRefs where ref.kind == "Secret" {
                    listenersBySecret[ref.key, default: []].append((ListenerRef(gateway: ObjectName(gw.namespace, gw.name), name: l.name), gw.manifest.application))
                }
            }
        }
        for c in inv.certificates {
            guard let appID = c.application, var app = byApp[appID] else { continue }
            let issuer = inv.issuer(for: c.issuerRef)
            var deps = Set(app.dependsOn)
            if let owner = issuer?.manifest.application, owner != appID { deps.insert(owner) }
            let listeners = listenersBySecret[c.secretKey] ?? []
            for (_, owner) in listeners { if let owner, owner != appID { deps.insert(owner) } }
            for rawHost in c.dnsNames {
                let host = rawHost.lowercased()
                var services: [ObjectName] = []
                var images: [String] = []
                for r in inv.routes where r.hostnames.map({ $0.lowercased() }).contains(host) {
                    for b in r.backendRefs where b.isService {
                        let svc = inv.service(b.key)
                        if let owner = svc?.manifest.application, owner != appID { deps.insert(owner) }
                        if svc == nil || svc?.manifest.application != appID { services.append(ObjectName(b.namespace, b.name)) }
                        if let svc { for w in inv.workloads(selectedBy: svc) { images += w.containers.map(\.image) } }
                    }
                }
                let target = HostTarget(
                    host: host, services: Array(Set(services)).sorted(), images: Array(Set(images)).sorted(),
                    issuer: IssuerTarget(kind: c.issuerRef.kind, name: c.issuerRef.name, namespace: c.issuerRef.namespace),
                    issuerInApplication: issuer?.manifest.application == appID,
                    secret: ObjectName(c.namespace, c.secretName), listeners: listeners.map(\.0).sorted(),
                    certificate: c.isImplied ? nil : ObjectName(c.namespace, c.name),
                    temporaryCertificate: c.issuesTemporaryCertificate,
                    http01: issuer?.solver(for: host).map { $0.isHTTP01 } ?? true,
                    source: c.location.description)
                if !app.hosts.contains(where: { $0.host == host && $0.secret == target.secret }) { app.hosts.append(target) }
            }
            app.dependsOn = deps.sorted()
            byApp[appID] = app
        }
        return RolloutInventory(applications: byApp.values.sorted { $0.identity < $1.identity })
    }
}
