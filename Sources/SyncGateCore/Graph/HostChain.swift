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
    /// Works on node positions of the finished graph (integers), resolving each object's ids once.
    public static func build(graph: DependencyGraph, inventory inv: Inventory) -> [HostChain] {
        let graph = graph.finished()
        let (nodes, edges, ends) = graph.positional
        func position(_ id: String) -> Int? { graph.position(of: id) }

        var hosts: Set<String> = []
        // Listener and certificate positions with the Secrets they name, by host.
        var exactListeners: [String: [Int]] = [:]
        var wildcardListeners: [(pattern: String, listener: Int)] = []
        var listenerSecrets: [Int: [Int]] = [:]
        for listeners in inv.listenersByGateway {
            for l in listeners {
                guard let h = l.hostname.map(lowercased), !h.isEmpty, let lp = position(l.nodeID) else {
                    if let h = l.hostname.map(lowercased), !h.isEmpty { hosts.insert(h) }
                    continue
                }
                hosts.insert(h)
                listenerSecrets[lp, default: []] += l.certificateRefs.filter { $0.kind == "Secret" }
                    .compactMap { position(NodeID.secret(namespace: $0.namespace, name: $0.name)) }
                if h.hasPrefix("*.") { wildcardListeners.append((h, lp)) } else { exactListeners[h, default: []].append(lp) }
            }
        }
        var servicesByHost: [String: [Int]] = [:]
        for r in inv.routes {
            let services = r.backendRefs.filter(\.isService).compactMap { position(NodeID.service(namespace: $0.namespace, name: $0.name)) }
            for h in r.hostnames.map(lowercased) {
                hosts.insert(h)
                servicesByHost[h, default: []].append(contentsOf: services)
            }
        }
        for i in inv.ingresses {
            for (host, b) in i.backends where b.isService {
                guard let h = host.map(lowercased), let sp = position(NodeID.service(namespace: b.namespace, name: b.name)) else { continue }
                servicesByHost[h, default: []].append(sp)
            }
            for h in i.ruleHosts { hosts.insert(lowercased(h)) }
            for t in i.tls { for h in t.hosts { hosts.insert(lowercased(h)) } }
        }
        var certsByHost: [String: [Int]] = [:]
        var wildcardCerts: [(pattern: String, certificate: Int)] = []
        var certificateParts: [[Int]] = []
        for c in inv.certificates {
            var parts: [Int] = []
            if let cp = position(NodeID.certificate(namespace: c.namespace, name: c.name)) { parts.append(cp) }
            if !c.secretName.isEmpty, let sp = position(NodeID.secret(namespace: c.namespace, name: c.secretName)) { parts.append(sp) }
            let index = certificateParts.count
            certificateParts.append(parts)
            for n in c.dnsNames.map(lowercased) {
                hosts.insert(n)
                if n.hasPrefix("*.") { wildcardCerts.append((n, index)) } else { certsByHost[n, default: []].append(index) }
            }
        }
        // Only the predecessor relations a chain follows: route -> listener, selects, runs-image.
        var routedTo: [Int: [Int]] = [:], selectedBy: [Int: [Int]] = [:], images: [Int: [Int]] = [:]
        for (k, e) in edges.enumerated() {
            let end = ends[k]
            guard end.from < nodes.count, end.to < nodes.count else { continue }
            switch e.kind {
            case .routesTo: routedTo[end.to, default: []].append(end.from)
            case .selects: selectedBy[end.to, default: []].append(end.from)
            case .runsImage: images[end.to, default: []].append(end.from)
            default: break
            }
        }
        var chains: [HostChain] = []
        chains.reserveCapacity(hosts.count)
        var members: [Int] = []
        for host in hosts.sorted() {
            members.removeAll(keepingCapacity: true)
            if let dns = position(NodeID.dns(host)) { members.append(dns) }
            var listeners = exactListeners[host] ?? []
            for w in wildcardListeners where HostMatch.matches(pattern: w.pattern, host: host) { listeners.append(w.listener) }
            for l in listeners {
                members.append(l)
                members.append(contentsOf: listenerSecrets[l] ?? [])
            }
            for c in certsByHost[host] ?? [] { members.append(contentsOf: certificateParts[c]) }
            for w in wildcardCerts where HostMatch.matches(pattern: w.pattern, host: host) {
                members.append(contentsOf: certificateParts[w.certificate])
            }
            // Backends, then what they run.
            var backends = servicesByHost[host] ?? []
            for l in exactListeners[host] ?? [] { backends.append(contentsOf: routedTo[l] ?? []) }
            for s in backends {
                members.append(s)
                for w in selectedBy[s] ?? [] {
                    members.append(w)
                    members.append(contentsOf: images[w] ?? [])
                }
            }
            // Chain order, then id order (positions follow ids).
            members.sort { a, b in
                let ra = nodes[a].kind.chainRank, rb = nodes[b].kind.chainRank
                return ra != rb ? ra < rb : a < b
            }
            var ordered: [String] = []
            var apps: Set<String> = []
            var previous = -1
            for p in members where p != previous {
                previous = p
                ordered.append(nodes[p].id)
                if let app = nodes[p].application { apps.insert(app) }
            }
            chains.append(HostChain(host: host, nodes: ordered, applications: apps.sorted()))
        }
        return chains
    }

    /// Hostnames compare in lower case; most are already (no new string then).
    static func lowercased(_ s: String) -> String {
        s.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } || !s.utf8.allSatisfy { $0 < 0x80 } ? s.lowercased() : s
    }
}
