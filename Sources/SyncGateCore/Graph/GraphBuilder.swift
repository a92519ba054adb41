/// Builds the dependency graph from an inventory: every edge names the field that made it.
public struct GraphBuilder: Sendable {
    /// Build the two halves of the graph on two cores.
    public var parallel: Bool

    public init(parallel: Bool = false) {
        self.parallel = parallel
    }

    /// The graph of `inv`, finished. Its two halves (backends, Secrets, listeners and routes; then Certificates,
    /// Ingresses and DNS names) read only the inventory, so they are built apart and merged in that order: the
    /// same graph as one pass, since a node keeps its first declaration and an edge its first reason.
    public func build(_ inv: Inventory) -> DependencyGraph {
        let halves = [DependencyGraph].concurrentMap(2, parallel: parallel) { half in
            var g = DependencyGraph(reservingNodes: inv.manifests.count + inv.certificates.count, edges: inv.manifests.count)
            if half == 0 { addBackendsAndListeners(&g, inv) } else { addCertificatesAndHosts(&g, inv) }
            return g
        }
        var g = halves[0]
        g.merge(halves[1])
        g.finish()
        return g
    }

    func addBackendsAndListeners(_ g: inout DependencyGraph, _ inv: Inventory) {
        for app in inv.applications {
            let m = app.application.manifest
            g.add(Node(id: app.application.nodeID, kind: .application, application: app.parent, location: m.location,
                       object: m.displayName, declared: true, manifestPosition: m.position))
        }

        // Backends: images -> workloads -> services.
        var workloadIDs: [String] = [], workloadNumbers: [Int] = []
        workloadIDs.reserveCapacity(inv.workloads.count)
        workloadNumbers.reserveCapacity(inv.workloads.count)
        for w in inv.workloads {
            let m = w.manifest
            let wid = w.nodeID
            let wn = g.add(Node(id: wid, kind: .workload, application: m.application, location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
            workloadIDs.append(wid)
            workloadNumbers.append(wn)
            for c in w.containers {
                let id = NodeID.image(c.image)
                let n = g.add(Node(id: id, kind: .image, application: nil, location: c.location, object: nil, declared: true))
                g.connect(Edge(from: id, to: wid, kind: .runsImage,
                               reason: "\(w.kind) \(w.namespace)/\(w.name) container \(c.name) runs \(c.image)", location: c.location),
                          from: n, to: wn)
            }
        }
        for s in inv.services {
            let m = s.manifest
            let sid = s.nodeID
            let sn = g.add(Node(id: sid, kind: .service, application: m.application, location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
            for wi in inv.workloadPositions(selectedBy: s) {
                let w = inv.workloads[wi]
                g.connect(Edge(from: workloadIDs[wi], to: sid, kind: .selects,
                               reason: "Service \(s.namespace)/\(s.name) selects the pods of \(w.kind) \(w.name)",
                               location: m.location(of: m.value[path: "spec", "selector"])),
                          from: workloadNumbers[wi], to: sn)
            }
        }

        // Secrets declared in the repo.
        for s in inv.secrets {
            let m = s.manifest
            g.add(Node(id: NodeID.secret(namespace: s.namespace, name: s.secretName), kind: .secret, application: m.application,
                       location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
        }

        // Gateways, listeners and the Secrets they terminate TLS with.
        var listenerNumbers: [[Int]] = []
        listenerNumbers.reserveCapacity(inv.gateways.count)
        for (gi, gw) in inv.gateways.enumerated() {
            let m = gw.manifest
            let gid = gw.nodeID
            let gn = g.add(Node(id: gid, kind: .gateway, application: m.application, location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
            var numbers: [Int] = []
            for l in inv.listenersByGateway[gi] {
                let ln = g.add(Node(id: l.nodeID, kind: .listener, application: m.application, location: l.location, object: m.displayName, declared: true, manifestPosition: m.position))
                numbers.append(ln)
                g.connect(Edge(from: gid, to: l.nodeID, kind: .listenerOf,
                               reason: "listener \(l.name) of Gateway \(gw.namespace)/\(gw.name)", location: l.location),
                          from: gn, to: ln)
                for ref in l.certificateRefs where ref.kind == "Secret" {
                    let sid = NodeID.secret(namespace: ref.namespace, name: ref.name)
                    let sn = addReferencedSecret(&g, id: sid, key: ref.key, inv: inv, location: m.location(of: ref.value))
                    g.connect(Edge(from: sid, to: l.nodeID, kind: .terminatesWith,
                                   reason: "listener \(l.name) (\(l.hostname ?? "any host")) terminates TLS with Secret \(ref.key)",
                                   location: m.location(of: ref.value)),
                              from: sn, to: ln)
                }
            }
            listenerNumbers.append(numbers)
        }

        // Routes: backend Services -> listeners they attach to.
        for r in inv.routes {
            let m = r.manifest
            let listeners = attachedListenerPositions(r, inv: inv)
            let hosts = r.hostnames.joined(separator: ", ").ifEmpty("all hosts")
            for b in r.backendRefs where b.isService {
                let sid = NodeID.service(namespace: b.namespace, name: b.name)
                let sn = g.number(of: sid)
                    ?? g.add(Node(id: sid, kind: .service, application: m.application, location: b.location, object: nil, declared: false))
                for (gi, li) in listeners {
                    let l = inv.listenersByGateway[gi][li]
                    g.connect(Edge(from: sid, to: l.nodeID, kind: .routesTo,
                                   reason: "\(m.kind) \(r.namespace)/\(r.name) routes \(hosts) to Service \(b.key) through listener \(l.name)",
                                   location: b.location),
                              from: sn, to: listenerNumbers[gi][li])
                }
            }
        }
    }

    func addCertificatesAndHosts(_ g: inout DependencyGraph, _ inv: Inventory) {
        // Certificates (declared and implied).
        var listenersBySecret: [ObjectKey: [Listener]] = [:]
        for listeners in inv.listenersByGateway {
            for l in listeners {
                for ref in l.certificateRefs where ref.kind == "Secret" { listenersBySecret[ref.key, default: []].append(l) }
            }
        }
        for c in inv.certificates {
            let cid = NodeID.certificate(namespace: c.namespace, name: c.name)
            let cn = g.add(Node(id: cid, kind: .certificate, application: c.application, location: c.location,
                                object: c.manifest.displayName, declared: true, manifestPosition: c.manifest.position))
            let issuerID = c.issuerRef.nodeID
            let issuer = inv.issuer(for: c.issuerRef)
            let issuerNumber: Int
            if let issuer {
                issuerNumber = g.add(Node(id: issuerID, kind: .issuer, application: issuer.manifest.application, location: issuer.manifest.location,
                                          object: issuer.manifest.displayName, declared: true, manifestPosition: issuer.manifest.position))
            } else {
                issuerNumber = g.add(Node(id: issuerID, kind: .issuer, application: nil, location: c.location, object: nil, declared: false))
            }
            g.connect(Edge(from: issuerID, to: cid, kind: .issuedBy,
                           reason: "\(c.displayName) is issued by \(c.issuerRef.kind) \(c.issuerRef.name)",
                           location: c.manifest.location(of: c.manifest.value[path: "spec", "issuerRef"])),
                      from: issuerNumber, to: cn)
            if !c.secretName.isEmpty {
                let sid = NodeID.secret(namespace: c.namespace, name: c.secretName)
                let sn = addReferencedSecret(&g, id: sid, key: c.secretKey, inv: inv, location: c.location)
                g.recordWriter(secret: sid, certificate: cid)
                if c.issuesTemporaryCertificate {
                    g.connect(Edge(from: cid, to: sid, kind: .createsTemporary,
                                   reason: "\(c.displayName) has issue-temporary-certificate: cert-manager writes a temporary certificate into \(c.secretKey) at once",
                                   location: c.location),
                              from: cn, to: sn)
                }
                if !c.issuesTemporaryCertificate {
                    for l in listenersBySecret[c.secretKey] ?? [] {
                        g.connect(Edge(from: l.nodeID, to: cid, kind: .servedBy,
                                       reason: "listener \(l.name) serves Secret \(c.secretKey) written by \(c.displayName); the listener comes first",
                                       location: c.location))
                    }
                }
            }
            // HTTP-01: DNS first, and the listeners the solver route attaches to.
            for name in c.dnsNames {
                guard let issuer, let solver = issuer.solver(for: name), solver.isHTTP01 else { continue }
                let dns = NodeID.dns(name)
                let dn = g.add(Node(id: dns, kind: .dns, application: nil, location: c.location, object: nil, declared: true))
                g.connect(Edge(from: dns, to: cid, kind: .validates,
                               reason: "HTTP-01 validation of \(name) needs \(name) to resolve to the ingress", location: c.location),
                          from: dn, to: cn)
                for parent in solver.gatewayParentRefs {
                    let key = ObjectKey(parent.value["namespace"]?.scalarText ?? c.namespace, parent.name)
                    for l in inv.listeners(ofGateway: key) where l.protocol == "HTTP" && l.accepts(name) {
                        if let section = parent.sectionName, section != l.name { continue }
                        // With a temporary certificate the Certificate goes first; cert-manager's self-check waits for the route.
                        if c.issuesTemporaryCertificate { continue }
                        g.connect(Edge(from: l.nodeID, to: cid, kind: .servedBy,
                                       reason: "the HTTP-01 solver route for \(name) attaches to listener \(l.name) of Gateway \(key)",
                                       location: issuer.manifest.location(of: parent.value)))
                    }
                }
            }
        }

        // Ingress: backends first, then the Certificates it implies.
        for ing in inv.ingresses {
            let m = ing.manifest
            var certsByHost: [String: [String]] = [:]
            for t in ing.tls where !t.secretName.isEmpty {
                for h in t.hosts { certsByHost[h.lowercased(), default: []].append(NodeID.certificate(namespace: ing.namespace, name: t.secretName)) }
                let sid = NodeID.secret(namespace: ing.namespace, name: t.secretName)
                addReferencedSecret(&g, id: sid, key: ObjectKey(ing.namespace, t.secretName), inv: inv, location: t.location)
            }
            for (host, b) in ing.backends where b.isService {
                let sid = NodeID.service(namespace: b.namespace, name: b.name)
                if g.node(sid) == nil {
                    g.add(Node(id: sid, kind: .service, application: m.application, location: b.location, object: nil, declared: false))
                }
                let hosts = host.map { [$0.lowercased()] } ?? Array(certsByHost.keys)
                for h in hosts {
                    for cid in certsByHost[h] ?? [] where g.node(cid) != nil {
                        g.connect(Edge(from: sid, to: cid, kind: .routesTo,
                                       reason: "Ingress \(ing.namespace)/\(ing.name) routes \(h) to Service \(b.key)", location: b.location))
                    }
                }
            }
        }

        // DNS names of everything that serves a host.
        for i in inv.gateways.indices {
            for l in inv.listeners(ofGatewayAt: i) { if let h = l.hostname, !h.isEmpty { addDNS(&g, h, l.location) } }
        }
        for r in inv.routes { for h in r.hostnames { addDNS(&g, h, r.manifest.location) } }
        for i in inv.ingresses {
            for h in i.ruleHosts { addDNS(&g, h, i.manifest.location) }
            for t in i.tls { for h in t.hosts { addDNS(&g, h, t.location) } }
        }
        for c in inv.certificates { for h in c.dnsNames { addDNS(&g, h, c.location) } }
    }

    func addDNS(_ g: inout DependencyGraph, _ host: String, _ location: SourceLocation) {
        let id = NodeID.dns(host)
        if g.number(of: id) != nil { return }
        g.add(Node(id: id, kind: .dns, application: nil, location: location, object: nil, declared: true))
    }

    /// Adds the Secret `id` unless the graph has it, and returns its number.
    @discardableResult
    func addReferencedSecret(_ g: inout DependencyGraph, id: String, key: ObjectKey, inv: Inventory, location: SourceLocation) -> Int {
        if let known = g.number(of: id) { return known }
        if let s = inv.secret(key) {
            return g.add(Node(id: id, kind: .secret, application: s.manifest.application, location: s.manifest.location,
                              object: s.manifest.displayName, declared: true, manifestPosition: s.manifest.position))
        }
        // A Certificate with issue-temporary-certificate creates it at once: that Certificate is its object.
        let writers = inv.certificatePositions(writing: key)
        if let temporary = writers.first(where: { inv.certificates[$0].issuesTemporaryCertificate }).map({ inv.certificates[$0] }) {
            return g.add(Node(id: id, kind: .secret, application: temporary.application, location: temporary.location,
                              object: temporary.manifest.displayName, declared: true, manifestPosition: temporary.manifest.position))
        }
        // Only referenced, or written by a Certificate after issuance: owned by the Certificate's Application.
        let writer = writers.first.map { inv.certificates[$0] }
        return g.add(Node(id: id, kind: .secret, application: writer?.application, location: writer?.location ?? location,
                          object: nil, declared: false))
    }

    /// The listeners an HTTPRoute attaches to, as positions in `inv.listenersByGateway`: its `sectionName`, or
    /// every listener of the Gateway that accepts one of its hostnames.
    func attachedListenerPositions(_ r: HTTPRoute, inv: Inventory) -> [(gateway: Int, listener: Int)] {
        var out: [(gateway: Int, listener: Int)] = []
        let hostnames = r.hostnames
        for p in r.parentRefs where p.kind == "Gateway" {
            guard let gi = inv.gatewayIndex[p.gatewayKey], gi < inv.listenersByGateway.count else { continue }
            for (li, l) in inv.listenersByGateway[gi].enumerated() {
                if let section = p.sectionName {
                    if l.name == section { out.append((gi, li)) }
                } else if let port = p.port, l.port != port {
                    continue
                } else if hostnames.isEmpty || hostnames.contains(where: { l.accepts($0) }) {
                    out.append((gi, li))
                }
            }
        }
        return out
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
