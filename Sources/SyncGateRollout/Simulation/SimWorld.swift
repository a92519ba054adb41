import Foundation
import SyncGateCore
import SyncGateKube
import SyncGateX509

/// A small deterministic world for pure engine tests and the offline demo: Argo CD (sync on `operation`,
/// auto-sync unless paused), a Gateway controller (one missing Secret stops the whole Gateway, as in seed 000),
/// cert-manager (issues when DNS points at the ingress; otherwise fails and leaks a solver route per retry),
/// an ingress that serves the listener's Secret, a DNS zone and a registry. Moves only on `tick`.
/// The full-fidelity stand-in is KubeSim; this is the engine's own fixture.
public final class SimWorld: @unchecked Sendable {
    public struct App: Sendable {
        public var identity: ApplicationIdentity
        /// Objects the Application deploys, with their resource type.
        public var resources: [(KubeResource, Value)]
        public init(identity: ApplicationIdentity, resources: [(KubeResource, Value)]) {
            self.identity = identity
            self.resources = resources
        }
    }

    public let cluster: MemoryCluster
    public let ca: CertificateAuthority
    public let ingressAddress: String
    private let lock = NSLock()
    private var apps: [String: App] = [:]
    private var zone: [String: [String]] = [:]
    private var images: Set<String> = []
    /// Hosts whose ingress keeps serving this (old) certificate whatever the Secret says.
    private var staleServing: [String: [UInt8]] = [:]
    /// Seconds cert-manager needs to issue once the challenge can pass.
    public var issueDelay: Double = 30
    /// The CA never answers (orders stay pending): a wait that only a timeout ends.
    public var caUnresponsive = false
    /// Seconds between cert-manager retries of a failing challenge (the seed's backoff, shortened).
    public var retryInterval: Double = 60
    private var current: Date
    private let tickLock = NSLock()
    public var now: Date { lock.withLock { current } }
    private var certAttempts: [String: Int] = [:]
    private var certFirstSeen: [String: Date] = [:]
    public private(set) var log: [String] = []

    public init(start: Date = Date(timeIntervalSince1970: 1_774_191_600), ingressAddress: String = "203.0.113.10") throws {
        self.cluster = MemoryCluster()
        self.ca = try CertificateAuthority.generate(commonName: "SimWorld ACME CA", now: Int64(start.timeIntervalSince1970))
        self.ingressAddress = ingressAddress
        self.current = start
    }

    // MARK: - Setup

    public func addApplication(_ app: App, autoSync: Bool = true, applied: Bool = false) {
        lock.withLock { apps[app.identity.id] = app }
        var spec = Object.of(["project": .string("default"),
                            "source": .object(["repoURL": .string("https://git.example.com/acme/platform-gitops.git"), "targetRevision": .string("main"), "path": .string(app.identity.name)]),
                            "destination": .object(["server": .string("https://kubernetes.default.svc")])])
        if autoSync { spec["syncPolicy"] = .object(["automated": .object(["prune": .bool(true), "selfHeal": .bool(true)])]) }
        var meta = Object.of(["name": .string(app.identity.name), "namespace": .string(app.identity.namespace)])
        if !app.identity.labels.isEmpty { meta["labels"] = .object(Object.of(app.identity.labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })) }
        cluster.put(.applications, .object(["apiVersion": .string("argoproj.io/v1alpha1"), "kind": .string("Application"),
                                            "metadata": .object(meta), "spec": .object(spec)]))
        if applied { apply(app, reason: "already deployed") }
    }

    public func setDNS(_ host: String, _ addresses: [String]) { lock.withLock { zone[host.lowercased()] = addresses } }
    public func pushImage(_ ref: String) { _ = lock.withLock { images.insert(ref) } }
    public func serveStale(_ host: String, certificateDER: [UInt8]?) { lock.withLock { staleServing[host] = certificateDER } }
    public func dns(_ host: String) -> [String]? { lock.withLock { zone[host.lowercased()] } }
    public func hasImage(_ ref: String) -> Bool { lock.withLock { images.contains(ref) } }

    // MARK: - Time

    /// Runs the controllers over `seconds` of virtual time (in steps of at most `step`).
    public func advance(seconds: Double, step: Double = 10) {
        tickLock.withLock {
            var left = seconds
            while left > 0 {
                let d = min(step, left)
                lock.withLock { current = current.addingTimeInterval(d) }
                left -= d
                runControllers()
            }
            if seconds <= 0 { runControllers() }
        }
    }

    /// Runs the controllers once without moving time.
    public func tick() { tickLock.withLock { runControllers() } }

    private func runControllers() {
        argo()
        gateways()
        certManager()
        gateways()
    }

    // MARK: - Controllers

    private func argo() {
        for app in cluster.all(.applications) {
            let id = "\(app[path: "metadata", "namespace"]?.scalarText ?? "")/\(app[path: "metadata", "name"]?.scalarText ?? "")"
            guard let def = lock.withLock({ apps[id] }) else { continue }
            if let op = app["operation"], !op.isNull {
                apply(def, reason: "sync requested by \(op[path: "initiatedBy", "username"]?.scalarText ?? "?")")
                var o = app.object!
                o["operation"] = nil
                var status = o["status"]?.object ?? Object()
                var opCopy = op.object ?? Object()
                opCopy["initiatedBy"] = op["initiatedBy"]
                status["operationState"] = .object(["phase": .string("Succeeded"), "message": .string("successfully synced"),
                                                    "startedAt": .string(RFC3339.format(now)), "finishedAt": .string(RFC3339.format(now)),
                                                    "operation": .object(opCopy)])
                status["sync"] = .object(["status": .string("Synced"), "revision": .string("main")])
                o["status"] = .object(status)
                cluster.put(.applications, .object(o))
            } else if AutoSyncRules.isAutoSyncOn(app[path: "spec", "syncPolicy"]), app[path: "status", "sync", "status"]?.scalarText != "Synced" {
                apply(def, reason: "auto-sync")
                var o = app.object!
                var status = o["status"]?.object ?? Object()
                status["sync"] = .object(["status": .string("Synced"), "revision": .string("main")])
                status["operationState"] = .object(["phase": .string("Succeeded"), "startedAt": .string(RFC3339.format(now)),
                                                    "operation": .object(["initiatedBy": .object(["automated": .bool(true)])])])
                o["status"] = .object(status)
                cluster.put(.applications, .object(o))
            }
        }
    }

    private func apply(_ app: App, reason: String) {
        record("argo: \(app.identity.id) synced (\(reason))")
        for (resource, object) in app.resources {
            let name = object[path: "metadata", "name"]?.scalarText ?? ""
            let ns = object[path: "metadata", "namespace"]?.scalarText
            if resource.namespaced, let ns, cluster.peek(.namespaces, namespace: nil, name: ns) == nil {
                cluster.put(.namespaces, .object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(["name": .string(ns)])]))
            }
            if let existing = cluster.peek(resource, namespace: ns, name: name) {
                var o = object.object ?? Object()
                o["status"] = existing["status"]
                cluster.put(resource, .object(o))
            } else {
                cluster.put(resource, object)
            }
        }
    }

    private func gateways() {
        for gw in cluster.all(.gateways) {
            let gwNS = gw[path: "metadata", "namespace"]?.scalarText ?? ""
            var listeners: [Value] = []
            var missing: [String] = []
            for l in gw[path: "spec", "listeners"]?.elements ?? [] {
                let name = l["name"]?.scalarText ?? ""
                var resolved = true
                var msg = ""
                for ref in l[path: "tls", "certificateRefs"]?.elements ?? [] {
                    let ns = ref["namespace"]?.scalarText ?? gwNS
                    let sn = ref["name"]?.scalarText ?? ""
                    if cluster.peek(.secrets, namespace: ns, name: sn) == nil {
                        resolved = false
                        msg = "Error while retrieving certificate: getting secret: secret \"\(sn)\" not found"
                        missing.append("\(ns)/\(sn)")
                    }
                }
                listeners.append(.object(["name": .string(name), "conditions": .array([
                    condition("ResolvedRefs", resolved, resolved ? "ResolvedRefs" : "InvalidCertificateRef", msg),
                    condition("Programmed", resolved, resolved ? "Programmed" : "Invalid", msg),
                ])]))
            }
            var o = gw.object!
            let ok = missing.isEmpty
            o["status"] = .object([
                "conditions": .array([condition("Programmed", ok, ok ? "Programmed" : "InvalidCertificateRef",
                                                ok ? "" : "Error while retrieving certificate: getting secret: secret \"\(missing[0].split(separator: "/").last ?? "")\" not found")]),
                "listeners": .array(listeners),
            ])
            if gw["status"] != o["status"] { cluster.put(.gateways, .object(o)) }
        }
    }

    private func certManager() {
        for cert in cluster.all(.certificates) {
            let ns = cert[path: "metadata", "namespace"]?.scalarText ?? ""
            let name = cert[path: "metadata", "name"]?.scalarText ?? ""
            let key = "\(ns)/\(name)"
            let secretName = cert[path: "spec", "secretName"]?.scalarText ?? ""
            let hosts = (cert[path: "spec", "dnsNames"]?.elements ?? []).compactMap(\.scalarText)
            if Condition.find("Ready", in: cert["status"])?.isTrue == true,
               let s = cluster.peek(.secrets, namespace: ns, name: secretName), s[path: "metadata", "labels", "syncgate.dev/placeholder"] == nil {
                continue
            }
            let first = certFirstSeen[key] ?? now
            certFirstSeen[key] = first
            let canPass = hosts.allSatisfy { (dns($0) ?? []).contains(ingressAddress) } && servingGateway(forHosts: hosts)
            if caUnresponsive {
                setCertStatus(cert, ready: false, reason: "Issuing", message: "Waiting for CertificateRequest to complete (order pending)")
                continue
            }
            if canPass {
                guard now.timeIntervalSince(first) >= issueDelay || (certAttempts[key] ?? 0) > 0 else {
                    setCertStatus(cert, ready: false, reason: "Issuing", message: "Issuing certificate as Secret does not exist")
                    continue
                }
                issue(cert, ns: ns, secretName: secretName, hosts: hosts)
                continue
            }
            // The challenge cannot pass: one attempt per retry interval, each leaking a solver route (seed 000).
            let attempts = certAttempts[key] ?? 0
            let due = first.addingTimeInterval(Double(attempts) * retryInterval)
            guard now >= due else { continue }
            certAttempts[key] = attempts + 1
            let n = attempts + 1
            let reqName = "\(name)-\(n)"
            cluster.put(.certificateRequests, .object(["apiVersion": .string("cert-manager.io/v1"), "kind": .string("CertificateRequest"),
                "metadata": .object(["name": .string(reqName), "namespace": .string(ns),
                                     "annotations": .object(["cert-manager.io/certificate-name": .string(name), "cert-manager.io/certificate-revision": .string(String(n))])]),
                "status": .object(["conditions": .array([condition("Ready", false, "Failed", "Failed to wait for order resource \"\(reqName)-1\" to become ready: order is in \"invalid\" state")])])]))
            cluster.put(.orders, .object(["apiVersion": .string("acme.cert-manager.io/v1"), "kind": .string("Order"),
                "metadata": .object(["name": .string("\(reqName)-1"), "namespace": .string(ns),
                                     "ownerReferences": .array([.object(["kind": .string("CertificateRequest"), "name": .string(reqName)])])]),
                "status": .object(["state": .string("invalid"), "reason": .string("challenge failed: no such host")])]))
            for h in hosts {
                cluster.put(.challenges, .object(["apiVersion": .string("acme.cert-manager.io/v1"), "kind": .string("Challenge"),
                    "metadata": .object(["name": .string("\(reqName)-1-\(abs(h.hashValue) % 100000)"), "namespace": .string(ns)]),
                    "spec": .object(["dnsName": .string(h), "type": .string("HTTP-01")]),
                    "status": .object(["state": .string("invalid"), "reason": .string("Waiting for HTTP-01 challenge propagation: failed to perform self check GET request 'http://\(h)/.well-known/acme-challenge/x': dial tcp: lookup \(h): no such host")])]))
                cluster.put(.httpRoutes, .object(["apiVersion": .string("gateway.networking.k8s.io/v1"), "kind": .string("HTTPRoute"),
                    "metadata": .object(["name": .string("cm-acme-http-solver-\(name)-\(n)"), "namespace": .string(ns),
                                         "labels": .object(["acme.cert-manager.io/http01-solver": .string("true")])]),
                    "spec": .object(["hostnames": .array([.string(h)])])]))
            }
            setCertStatus(cert, ready: false, reason: "Failed", message: "The certificate request has failed to complete and will be retried: order is in \"invalid\" state")
            if n == 1 { record("cert-manager: \(key) challenge failed; retrying and leaking solver routes") }
        }
    }

    private func servingGateway(forHosts hosts: [String]) -> Bool {
        // HTTP-01 needs the ingress up: a Gateway that is not Programmed serves no challenge (the seed's deadlock).
        for gw in cluster.all(.gateways) {
            let serves = (gw[path: "spec", "listeners"]?.elements ?? []).contains { l in hosts.contains(l["hostname"]?.scalarText ?? "") }
            if serves, Condition.find("Programmed", in: gw["status"])?.isTrue != true { return false }
        }
        return true
    }

    private func issue(_ cert: Value, ns: String, secretName: String, hosts: [String]) {
        guard let key = try? PrivateKey.generateP256(),
              let leaf = try? ca.issue(dnsNames: hosts, notBefore: Int64(now.timeIntervalSince1970) - 60,
                                       notAfter: Int64(now.timeIntervalSince1970) + 90 * 86_400, key: key) else { return }
        let secret: Value = .object(["apiVersion": .string("v1"), "kind": .string("Secret"), "type": .string("kubernetes.io/tls"),
            "metadata": .object(["name": .string(secretName), "namespace": .string(ns),
                                 "annotations": .object(["cert-manager.io/certificate-name": .string(cert[path: "metadata", "name"]?.scalarText ?? "")])]),
            "data": .object(["tls.crt": .string(Data(leaf.pem.utf8).base64EncodedString()),
                             "tls.key": .string(Data(key.pem.utf8).base64EncodedString()),
                             "ca.crt": .string(Data(ca.certificatePEM.utf8).base64EncodedString())])])
        cluster.put(.secrets, secret)
        setCertStatus(cert, ready: true, reason: "Ready", message: "Certificate is up to date and has not expired")
        record("cert-manager: \(ns)/\(cert[path: "metadata", "name"]?.scalarText ?? "") issued for \(hosts.joined(separator: ","))")
    }

    private func setCertStatus(_ cert: Value, ready: Bool, reason: String, message: String) {
        var o = cert.object!
        o["status"] = .object(["conditions": .array([condition("Ready", ready, reason, message)])])
        if cert["status"] != o["status"] { cluster.put(.certificates, .object(o)) }
    }

    private func condition(_ type: String, _ ok: Bool, _ reason: String, _ message: String) -> Value {
        .object(["type": .string(type), "status": .string(ok ? "True" : "False"), "reason": .string(reason), "message": .string(message)])
    }

    private func record(_ s: String) {
        let t = RFC3339.format(now)
        lock.withLock { log.append("\(t) \(s)") }
    }

    // MARK: - What the outside sees

    /// The chain served for `host` at the ingress: the Secret of the listener with that hostname, when its Gateway is Programmed.
    public func served(host: String) -> ServedChain {
        if let stale = lock.withLock({ staleServing[host] }) { return ServedChain(certificates: [stale]) }
        for gw in cluster.all(.gateways) {
            let gwNS = gw[path: "metadata", "namespace"]?.scalarText ?? ""
            for l in gw[path: "spec", "listeners"]?.elements ?? [] where l["hostname"]?.scalarText == host {
                guard Condition.find("Programmed", in: gw["status"])?.isTrue == true else {
                    return ServedChain(error: "connection refused: Gateway \(gwNS)/\(gw[path: "metadata", "name"]?.scalarText ?? "") is not Programmed")
                }
                guard let ref = l[path: "tls", "certificateRefs"]?.elements.first,
                      let s = cluster.peek(.secrets, namespace: ref["namespace"]?.scalarText ?? gwNS, name: ref["name"]?.scalarText ?? ""),
                      let b64 = s[path: "data", "tls.crt"]?.scalarText, let pem = Data(base64Encoded: b64),
                      let certs = try? SyncGateX509.Certificate.parseBundle(pem: String(decoding: pem, as: UTF8.self)) else {
                    return ServedChain(error: "no certificate for \(host)")
                }
                return ServedChain(certificates: certs.map(\.der))
            }
        }
        return ServedChain(error: "no listener for \(host)")
    }

    public var solverRouteCount: Int {
        cluster.all(.httpRoutes).filter { ($0[path: "metadata", "name"]?.scalarText ?? "").hasPrefix("cm-acme-http-solver") }.count
    }
}

/// `LiveEvidence` answered by a `SimWorld` (its zone, registry and ingress).
public struct SimEvidence: LiveEvidence {
    public let world: SimWorld
    public init(world: SimWorld) { self.world = world }
    public func resolve(host: String) async -> DNSAnswer {
        if let a = world.dns(host), !a.isEmpty { return DNSAnswer(addresses: a) }
        return DNSAnswer(error: "NXDOMAIN")
    }
    public func imageExists(_ reference: String) async -> ImageAnswer {
        world.hasImage(reference) ? .exists : .missing("manifest unknown (HEAD /v2/…/manifests: 404)")
    }
    public func servedChain(host: String, address: String, port: Int) async -> ServedChain {
        address == world.ingressAddress ? world.served(host: host) : ServedChain(error: "connection refused at \(address)")
    }
}
