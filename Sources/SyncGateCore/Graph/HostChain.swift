/// The chain of one TLS hostname, in the order things must exist: DNS, backend Service/workload/image, Secret,
/// listener, Certificate (DESIGN §1).
public struct HostChain: Sendable, Hashable {
    public var host: String
    /// Node ids in chain order.
    public var nodes: [String]
    /// Applications whose objects appear in the chain (sorted).
    public var applications: [String]
}

public enum HostChains {
    /// One chain per hostname named by a Certificate, a listener, an HTTPRoute or an Ingress.
    public static func build(graph: DependencyGraph, inventory inv: Inventory) -> [HostChain] {
        var hosts: Set<String> = []
        var exactListeners: [String: [Listener]] = [:]
        var wildcardListeners: [Listener] = []
        for listeners in inv.listenersByGateway {
            for l in listeners {
                guard let h = l.hostname?.lowercased(), !h.isEmpty else { continue }
                hosts.insert(h)
                if h.hasPrefix("*.") { wildcardListeners.append(l) } else { exactListeners[h, default: []].append(l) }
            }
        }
        var servicesByHost: [String: Set<String>] = [:]
        for r in inv.routes {
            for h in r.hostnames.map({ $0.lowercased() }) {
                hosts.insert(h)
                for b in r.backendRefs where b.isService { servicesByHost[h, default: []].insert(NodeID.service(namespace: b.namespace, name: b.name)) }
            }
        }
        for i in inv.ingresses {
            for (host, b) in i.backends where b.isService {
                guard let h = host?.lowercased() else { continue }
                servicesByHost[h, default: []].insert(NodeID.service(namespace: b.namespace, name: b.name))
            }
            for h in i.ruleHosts { hosts.insert(h.lowercased()) }
            for t in i.tls { for h in t.hosts { hosts.insert(h.lowercased()) } }
        }
        var certsByHost: [String: [Certificate]] = [:]
        var wildcardCerts: [(String, Certificate)] = []
        for c in inv.certificates {
            for n in c.dnsNames.map({ $0.lowercased() }) {
                hosts.insert(n)
                if n.hasPrefix("*.") { wildcardCerts.append((n, c)) } else { certsByHost[n, default: []].append(c) }
            }
        }
        // Only the predecessor relations a chain follows: route -> listener, selects, runs-image.
        var routedTo: [String: [String]] = [:], selectedBy: [String: [String]] = [:], images: [String: [String]] = [:]
        for e in graph.edges {
            switch e.kind {
            case .routesTo: routedTo[e.to, default: []].append(e.from)
            case .selects: selectedBy[e.to, default: []].append(e.from)
            case .runsImage: images[e.to, default: []].append(e.from)
            default: break
            }
        }
        var chains: [HostChain] = []
        for host in hosts.sorted() {
            var ids: Set<String> = [NodeID.dns(host)]
            var listeners = exactListeners[host] ?? []
            listeners += wildcardListeners.filter { l in l.hostname.map { HostMatch.matches(pattern: $0, host: host) } ?? false }
            for l in listeners {
                ids.insert(l.nodeID)
                for ref in l.certificateRefs where ref.kind == "Secret" { ids.insert(NodeID.secret(namespace: ref.namespace, name: ref.name)) }
            }
            var certs = certsByHost[host] ?? []
            certs += wildcardCerts.filter { HostMatch.matches(pattern: $0.0, host: host) }.map(\.1)
            for c in certs {
                ids.insert(NodeID.certificate(namespace: c.namespace, name: c.name))
                if !c.secretName.isEmpty { ids.insert(NodeID.secret(namespace: c.namespace, name: c.secretName)) }
            }
            // Backends, then what they run.
            var backends = Array(servicesByHost[host] ?? [])
            for l in exactListeners[host] ?? [] { backends.append(contentsOf: routedTo[l.nodeID] ?? []) }
            for s in backends {
                ids.insert(s)
                for w in selectedBy[s] ?? [] {
                    ids.insert(w)
                    for img in images[w] ?? [] { ids.insert(img) }
                }
            }
            var present: [(rank: Int, id: String, app: String?)] = []
            for id in ids {
                guard let n = graph.nodes[id] else { continue }
                present.append((n.kind.chainRank, id, n.application))
            }
            present.sort { $0.rank != $1.rank ? $0.rank < $1.rank : $0.id < $1.id }
            let ordered = present.map(\.id)
            let apps = Set(present.compactMap(\.app)).sorted()
            chains.append(HostChain(host: host, nodes: ordered, applications: apps))
        }
        return chains
    }
}
