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

        // Every hostname gets a number the first time it is met; what is known about it is kept by number.
        var hostNumbers: [String: Int] = [:]
        var hostNames: [String] = []
        var isChainHost: [Bool] = []
        var listenersOf: [[Int]] = [], servicesOf: [[Int]] = [], certificatesOf: [[Int]] = []
        func number(_ host: String, chain: Bool) -> Int {
            if let n = hostNumbers[host] {
                if chain { isChainHost[n] = true }
                return n
            }
            let n = hostNames.count
            hostNumbers[host] = n
            hostNames.append(host)
            isChainHost.append(chain)
            listenersOf.append([])
            servicesOf.append([])
            certificatesOf.append([])
            return n
        }
        // Listener and certificate positions with the Secrets they name, by host.
        var wildcardListeners: [(pattern: String, listener: Int)] = []
        for listeners in inv.listenersByGateway {
            for l in listeners {
                guard let h = l.hostname.map(HostMatch.lowercased), !h.isEmpty else { continue }
                let n = number(h, chain: true)
                guard let lp = position(l.nodeID) else { continue }
                if h.hasPrefix("*.") { wildcardListeners.append((h, lp)) } else { listenersOf[n].append(lp) }
            }
        }
        for r in inv.routes {
            let services = r.backendRefs.filter(\.isService).compactMap { position(NodeID.service(namespace: $0.namespace, name: $0.name)) }
            for h in r.hostnames {
                servicesOf[number(HostMatch.lowercased(h), chain: true)].append(contentsOf: services)
            }
        }
        for i in inv.ingresses {
            for (host, b) in i.backends where b.isService {
                guard let h = host.map(HostMatch.lowercased), let sp = position(NodeID.service(namespace: b.namespace, name: b.name)) else { continue }
                servicesOf[number(h, chain: false)].append(sp)
            }
            for h in i.ruleHosts { _ = number(HostMatch.lowercased(h), chain: true) }
            for t in i.tls { for h in t.hosts { _ = number(HostMatch.lowercased(h), chain: true) } }
        }
        var wildcardCerts: [(pattern: String, certificate: Int)] = []
        var certificateParts: [[Int]] = []
        certificateParts.reserveCapacity(inv.certificates.count)
        for c in inv.certificates {
            var parts: [Int] = []
            if let cp = position(NodeID.certificate(namespace: c.namespace, name: c.name)) { parts.append(cp) }
            if !c.secretName.isEmpty, let sp = position(NodeID.secret(namespace: c.namespace, name: c.secretName)) { parts.append(sp) }
            let index = certificateParts.count
            certificateParts.append(parts)
            for name in c.dnsNames {
                let h = HostMatch.lowercased(name)
                let n = number(h, chain: true)
                if h.hasPrefix("*.") { wildcardCerts.append((h, index)) } else { certificatesOf[n].append(index) }
            }
        }
        // Only the predecessor relations a chain follows, by node position: the Secrets a listener terminates TLS
        // with, route -> listener, selects, runs-image.
        var secretsOf = [[Int]](repeating: [], count: nodes.count)
        var routedTo = [[Int]](repeating: [], count: nodes.count)
        var selectedBy = [[Int]](repeating: [], count: nodes.count)
        var images = [[Int]](repeating: [], count: nodes.count)
        edges.withUnsafeBufferPointer { edges in
            for (k, end) in ends.enumerated() where end.from < nodes.count && end.to < nodes.count {
                switch edges[k].kind {
                case .terminatesWith: secretsOf[end.to].append(end.from)
                case .routesTo: routedTo[end.to].append(end.from)
                case .selects: selectedBy[end.to].append(end.from)
                case .runsImage: images[end.to].append(end.from)
                default: break
                }
            }
        }
        let rank = nodes.map(\.kind.chainRank)
        let names = hostNames
        let hosts = hostNames.indices.filter { isChainHost[$0] }.sortedOnTwoCores { names[$0] < names[$1] }
        var chains: [HostChain] = []
        chains.reserveCapacity(hosts.count)
        var members: [Int] = []
        for n in hosts {
            let host = hostNames[n]
            members.removeAll(keepingCapacity: true)
            if let dns = position(NodeID.dns(host)) { members.append(dns) }
            var listeners = listenersOf[n]
            for w in wildcardListeners where HostMatch.matches(pattern: w.pattern, host: host) { listeners.append(w.listener) }
            for l in listeners {
                members.append(l)
                members.append(contentsOf: secretsOf[l])
            }
            for c in certificatesOf[n] { members.append(contentsOf: certificateParts[c]) }
            for w in wildcardCerts where HostMatch.matches(pattern: w.pattern, host: host) {
                members.append(contentsOf: certificateParts[w.certificate])
            }
            // Backends (of the host's routes, then routed to its listeners), then what they run.
            func addBackend(_ s: Int) {
                members.append(s)
                for w in selectedBy[s] {
                    members.append(w)
                    members.append(contentsOf: images[w])
                }
            }
            for s in servicesOf[n] { addBackend(s) }
            for l in listenersOf[n] { for s in routedTo[l] { addBackend(s) } }
            // Chain order, then id order (positions follow ids).
            members.sort { a, b in rank[a] != rank[b] ? rank[a] < rank[b] : a < b }
            var ordered: [String] = []
            var apps: [String] = []
            var previous = -1
            for p in members where p != previous {
                previous = p
                ordered.append(nodes[p].id)
                if let app = nodes[p].application, !apps.contains(app) { apps.append(app) }
            }
            chains.append(HostChain(host: host, nodes: ordered, applications: apps.sorted()))
        }
        return chains
    }

}
