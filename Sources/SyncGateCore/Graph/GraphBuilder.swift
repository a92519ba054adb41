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
        for w in inv.workloads {
            let m = w.manifest
            g.add(Node(id: w.nodeID, kind: .workload, application: m.application, location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
            for c in w.containers {
                let id = NodeID.image(c.image)
                g.add(Node(id: id, kind: .image, application: nil, location: c.location, object: nil, declared: true))
                g.connect(Edge(from: id, to: w.nodeID, kind: .runsImage,
                               reason: "\(w.kind) \(w.namespace)/\(w.name) container \(c.name) runs \(c.image)", location: c.location))
            }
        }
        for s in inv.services {
            let m = s.manifest
            g.add(Node(id: s.nodeID, kind: .service, application: m.application, location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
            for w in inv.workloads(selectedBy: s) {
                g.connect(Edge(from: w.nodeID, to: s.nodeID, kind: .selects,
                               reason: "Service \(s.namespace)/\(s.name) selects the pods of \(w.kind) \(w.name)",
                               location: m.location(of: m.value[path: "spec", "selector"])))
            }
        }

        // Secrets declared in the repo.
        for s in inv.secrets {
            let m = s.manifest
            g.add(Node(id: NodeID.secret(namespace: s.namespace, name: s.secretName), kind: .secret, application: m.application,
                       location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
        }

        // Gateways, listeners and the Secrets they terminate TLS with.
        for (gi, gw) in inv.gateways.enumerated() {
            let m = gw.manifest
            g.add(Node(id: gw.nodeID, kind: .gateway, application: m.application, location: m.location, object: m.displayName, declared: true, manifestPosition: m.position))
            for l in inv.listenersByGateway[gi] {
                g.add(Node(id: l.nodeID, kind: .listener, application: m.application, location: l.location, object: m.displayName, declared: true, manifestPosition: m.position))
                g.connect(Edge(from: gw.nodeID, to: l.nodeID, kind: .listenerOf,
                               reason: "listener \(l.name) of Gateway \(gw.namespace)/\(gw.name)", location: l.location))
                for ref in l.certificateRefs where ref.kind == "Secret" {
                    let sid = NodeID.secret(namespace: ref.namespace, name: ref.name)
                    addReferencedSecret(&g, id: sid, key: ref.key, inv: inv, location: m.location(of: ref.value))
                    g.connect(Edge(from: sid, to: l.nodeID, kind: .terminatesWith,
                                   reason: "listener \(l.name) (\(l.hostname ?? "any host")) terminates TLS with Secret \(ref.key)",
                                   location: m.location(of: ref.value)))
                }
            }
        }

        // Routes: backend Services -> listeners they attach to.
        for r in inv.routes {
            let m = r.manifest
            let listeners = attachedListeners(r, inv: inv)
            let hosts = r.hostnames.joined(separator: ", ").ifEmpty("all hosts")
            for b in r.backendRefs where b.isService {
                let sid = NodeID.service(namespace: b.namespace, name: b.name)
                if g.node(sid) == nil {
                    g.add(Node(id: sid, kind: .service, application: m.application, location: b.location, object: nil, declared: false))
                }
                for l in listeners {
                    g.connect(Edge(from: sid, to: l.nodeID, kind: .routesTo,
                                   reason: "\(m.kind) \(r.namespace)/\(r.name) routes \(hosts) to Service \(b.key) through listener \(l.name)",
                                   location: b.location))
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
            g.add(Node(id: cid, kind: .certificate, application: c.application, location: c.location,
                       object: c.manifest.displayName, declared: true, manifestPosition: c.manifest.position))
            let issuerID = c.issuerRef.nodeID
            let issuer = inv.issuer(for: c.issuerRef)
            if let issuer {
                g.add(Node(id: issuerID, kind: .issuer, application: issuer.manifest.application, location: issuer.manifest.location,
                           object: issuer.manifest.displayName, declared: true, manifestPosition: issuer.manifest.position))
            } else {
                g.add(Node(id: issuerID, kind: .issuer, application: nil, location: c.location, object: nil, declared: false))
            }
            g.connect(Edge(from: issuerID, to: cid, kind: .issuedBy,
                           reason: "\(c.displayName) is issued by \(c.issuerRef.kind) \(c.issuerRef.name)",
                           location: c.manifest.location(of: c.manifest.value[path: "spec", "issuerRef"])))
            if !c.secretName.isEmpty {
                let sid = NodeID.secret(namespace: c.namespace, name: c.secretName)
                addReferencedSecret(&g, id: sid, key: c.secretKey, inv: inv, location: c.location)
                g.recordWriter(secret: sid, certificate: cid)
                if c.issuesTemporaryCertificate {
                    g.connect(Edge(from: cid, to: sid, kind: .createsTemporary,
                                   reason: "\(c.displayName) has issue-temporary-certificate: cert-manager writes a temporary certificate into \(c.secretKey) at once",
                                   location: c.location))
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
                g.add(Node(id: NodeID.dns(name), kind: .dns, application: nil, location: c.location, object: nil, declared: true))
                g.connect(Edge(from: NodeID.dns(name), to: cid, kind: .validates,
                               reason: "HTTP-01 validation of \(name) needs \(name) to resolve to the ingress", location: c.location))
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
        for gw in inv.gateways {
            for l in gw.listeners { if let h = l.hostname, !h.isEmpty { addDNS(&g, h, l.location) } }
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
        if g.nodes[id] != nil { return }
        g.add(Node(id: NodeID.dns(host), kind: .dns, application: nil, location: location, object: nil, declared: true))
    }

    func addReferencedSecret(_ g: inout DependencyGraph, id: String, key: ObjectKey, inv: Inventory, location: SourceLocation) {
        if g.node(id) != nil { return }
        if let s = inv.secret(key) {
            g.add(Node(id: id, kind: .secret, application: s.manifest.application, location: s.manifest.location,
                       object: s.manifest.displayName, declared: true, manifestPosition: s.manifest.position))
            return
        }
        // A Certificate with issue-temporary-certificate creates it at once: that Certificate is its object.
        let writers = inv.certificates(writing: key)
        if let temporary = writers.first(where: \.issuesTemporaryCertificate) {
            g.add(Node(id: id, kind: .secret, application: temporary.application, location: temporary.location,
                       object: temporary.manifest.displayName, declared: true, manifestPosition: temporary.manifest.position))
            return
        }
        // Only referenced, or written by a Certificate after issuance: owned by the Certificate's Application.
        let writer = writers.first
        g.add(Node(id: id, kind: .secret, application: writer?.application, location: writer?.location ?? location,
                   object: nil, declared: false))
    }

    /// The listeners an HTTPRoute attaches to: its `sectionName`, or every listener of the Gateway that accepts
    /// one of its hostnames.
    public func attachedListeners(_ r: HTTPRoute, inv: Inventory) -> [Listener] {
        var out: [Listener] = []
        let hostnames = r.hostnames
        for p in r.parentRefs where p.kind == "Gateway" {
            for l in inv.listeners(ofGateway: p.gatewayKey) {
                if let section = p.sectionName {
                    if l.name == section { out.append(l) }
                } else if let port = p.port, l.port != port {
                    continue
                } else if hostnames.isEmpty || hostnames.contains(where: { l.accepts($0) }) {
                    out.append(l)
                }
            }
        }
        return out
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
