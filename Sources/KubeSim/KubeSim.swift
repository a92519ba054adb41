import Foundation
import SyncGateCore

/// A loopback Kubernetes API server with cert-manager, Gateway API and Argo CD behaviour, for tests and demos.
///
///     var options = KubeSimOptions()
///     options.tls = true
///     options.tokens = ["t0k3n": .admin()]
///     let sim = try KubeSim.start(options)
///     defer { sim.stop() }
///     try sim.kubeconfig(token: "t0k3n").write(toFile: path, atomically: true, encoding: .utf8)
///     sim.advance(by: 18 * 3600)   // controllers run on the virtual clock
public final class KubeSim: Sendable {
    public let options: KubeSimOptions
    public let store: ObjectStore
    public let clock: SimClock
    public let faults: FaultInjector
    /// The CA that signs the serving certificate (with `tls`) and the certificates cert-manager issues.
    public let ca: LocalCA
    public let port: Int
    let server: HTTPServer
    let api: APIServer
    let runner: ControllerRunner
    let background: Locked<Thread?>
    let stopped = Locked(false)
    /// The cert-manager controllers' live knobs (e.g. make Orders vanish at the CA).
    public let certManagerSettings: Locked<CertManagerOptions>
    public let blastRadius: Locked<BlastRadius>

    public var baseURL: String { "\(options.tls ? "https" : "http")://127.0.0.1:\(port)" }

    public static func start(_ options: KubeSimOptions = KubeSimOptions()) throws -> KubeSim {
        try KubeSim(options)
    }

    private init(_ options: KubeSimOptions) throws {
        self.options = options
        clock = options.clock
        faults = FaultInjector(options.faults, seed: options.seed)
        store = ObjectStore(catalog: .standard, clock: options.clock, options: options.store, seed: options.seed)
        // One CA serves the API's TLS (checked by kubectl at wall-clock time) and signs cert-manager's certificates
        // (at virtual time, which may start in the past, e.g. seed 000's evening): valid from the earlier of the two.
        ca = try LocalCA(commonName: "KubeSim CA", now: min(Date(), options.clock.now))
        certManagerSettings = Locked(options.certManager)
        blastRadius = Locked(options.blastRadius)
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            try store.create(.obj([("apiVersion", .string("v1")), ("kind", .string("Namespace")), ("metadata", .obj([("name", .string(ns))]))]))
        }
        for crd in try CustomResourceDefinitions.objects(catalog: store.catalog, directory: options.crdDirectory, argoCD: options.argoCD.crdVersion) {
            var c = crd
            c.set(["status"], .obj([("conditions", .array([.obj([("type", .string("Established")), ("status", .string("True")), ("reason", .string("InitialNamesAccepted"))])])),
                                    ("acceptedNames", crd[path: "spec", "names"] ?? .obj([]))]))
            try store.create(c)
        }
        api = APIServer(store: store, clock: clock, faults: faults, tokens: options.tokens, enforceRBAC: options.enforceRBAC)
        var tls: TLSServerContext? = nil
        if options.tls {
            let serving = try ca.issue(commonName: "kubesim", dnsNames: ["localhost", "kubesim"], ipAddresses: ["127.0.0.1"],
                                       notBefore: Date().addingTimeInterval(-3600), notAfter: Date().addingTimeInterval(365 * 86400))
            tls = try TLSServerContext(certificatePEM: serving.certificatePEM, keyPEM: serving.keyPEM)
        }
        let api = self.api
        server = HTTPServer(tls: tls) { req, w in api.handle(req, w) }
        var controllers: [any Controller] = []
        let context = ControllerContext(store: store, options: options, ca: ca, certManager: certManagerSettings, blastRadius: blastRadius)
        if options.controllers.contains(.gateway) { controllers.append(GatewayController(context)) }
        if options.controllers.contains(.certManager) { controllers.append(CertManagerController(context)) }
        if options.controllers.contains(.argoCD) { controllers.append(ArgoCDController(context)) }
        if options.controllers.contains(.workloads) { controllers.append(WorkloadController(context)) }
        runner = ControllerRunner(controllers: controllers, store: store, clock: clock)
        background = Locked(nil)
        try server.start(port: options.port)
        port = server.port
        api.address.withLock { $0 = "127.0.0.1:\(server.port)" }
        if options.backgroundControllers {
            let runner = self.runner, stopped = self.stopped
            let t = Thread {
                while !stopped.value {
                    runner.runOnce()
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
            t.name = "kubesim-controllers"
            t.start()
            background.withLock { $0 = t }
        }
    }

    /// Stops serving: closes the listening socket, every connection and every watch.
    public func stop() {
        let first = stopped.withLock { s -> Bool in defer { s = true }; return !s }
        guard first else { return }
        api.stopping.withLock { $0 = true }
        store.closeAllWatchers()
        server.stop()
    }

    deinit { stop() }

    // MARK: time

    /// Moves the virtual clock forward, running every controller at each moment work falls due.
    public func advance(by seconds: TimeInterval) { runner.advance(by: seconds) }

    /// Runs the controllers at the current time until the store is quiet.
    public func reconcile() { runner.runOnce() }

    public var now: Date { clock.now }

    // MARK: configuration at run time

    public func setBlastRadius(_ radius: BlastRadius) { blastRadius.withLock { $0 = radius } }
    public func setOrdersVanishAtCA(_ vanish: Bool) { certManagerSettings.withLock { $0.ordersVanishAtCA = vanish } }

    /// Requests received so far ("METHOD /path"), for tests that count calls.
    public var requestLog: [String] { api.requestLog.value }

    // MARK: kubeconfig

    /// A kubeconfig for this server (context `kubesim`), with the CA inline when serving TLS.
    public func kubeconfig(token: String? = nil, namespace: String? = nil, contextName: String = "kubesim") -> String {
        var cluster = "    server: \(baseURL)\n"
        if options.tls {
            cluster += "    certificate-authority-data: \(Data(ca.certificatePEM.utf8).base64EncodedString())\n"
        }
        var user = "  user:"
        if let token { user += "\n    token: \(token)" } else { user += " {}" }
        var context = "    cluster: \(contextName)\n    user: \(contextName)\n"
        if let namespace { context += "    namespace: \(namespace)\n" }
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(contextName)
          cluster:
        \(cluster.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        users:
        - name: \(contextName)
        \(user)
        contexts:
        - name: \(contextName)
          context:
        \(context.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        current-context: \(contextName)

        """
    }

    /// Writes `kubeconfig(...)` to a file and returns its path.
    @discardableResult
    public func writeKubeconfig(to path: String, token: String? = nil, namespace: String? = nil) throws -> String {
        try kubeconfig(token: token, namespace: namespace).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: typed store access

    /// Creates or replaces objects from YAML text (several documents allowed).
    @discardableResult
    public func apply(yaml: String) throws -> [Value] {
        var out: [Value] = []
        for doc in try YAMLDecoder.decodeAll(yaml, file: "<apply>").documents where !doc.root.isNull {
            out.append(try store.apply(doc.root))
        }
        return out
    }

    public func get(_ kind: String, _ namespace: String = "", _ name: String, group: String? = nil) -> Value? {
        guard let t = store.catalog.type(kind: kind, group: group) else { return nil }
        return store.get(t.key, namespace: t.namespaced ? namespace : "", name: name)
    }

    public func list(_ kind: String, namespace: String? = nil, group: String? = nil) -> [Value] {
        guard let t = store.catalog.type(kind: kind, group: group) else { return [] }
        return store.list(t.key, namespace: namespace)
    }

    /// Solver HTTPRoutes (`cm-acme-http-solver-*`) per namespace.
    public func solverRouteCounts() -> [String: Int] {
        var out: [String: Int] = [:]
        for r in store.list(ResourceKey(group: "gateway.networking.k8s.io", plural: "httproutes")) where r.metadataName.hasPrefix("cm-acme-http-solver-") {
            out[r.metadataNamespace, default: 0] += 1
        }
        return out
    }
}
