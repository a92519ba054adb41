import ArgumentParser
import Foundation
import KubeSim

@main
struct KubeSimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubesim",
        abstract: "A loopback Kubernetes API server with cert-manager, Gateway API and Argo CD behaviour.",
        subcommands: [Serve.self]
    )
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Kubernetes API on 127.0.0.1 until interrupted; controllers run on the wall clock.",
        discussion: """
        Examples:
          kubesim serve --port 0 --print-kubeconfig /tmp/kubesim.kubeconfig
          kubesim serve --tls --token s3cret --repo examples/incident-2026-03-22 --blast-radius listener
          kubectl --kubeconfig /tmp/kubesim.kubeconfig get applications.argoproj.io -A
        """
    )

    @Option(help: "Port on 127.0.0.1 (0 picks a free one; the bound port is printed).")
    var port: Int = 0
    @Option(name: .customLong("print-kubeconfig"), help: "Write a kubeconfig for this server to FILE.")
    var kubeconfigFile: String?
    @Flag(help: "Serve HTTPS with a generated CA (written inline into the kubeconfig).")
    var tls = false
    @Option(help: "Require this bearer token (the token's user is a cluster admin).")
    var token: String?
    @Option(help: "Git working tree for Argo CD Applications' spec.source.path.")
    var repo: String?
    @Option(name: .customLong("blast-radius"), help: "gateway (seed 000: one missing Secret stops the whole Gateway) or listener (Gateway API spec).")
    var blastRadius: String = "gateway"
    @Option(help: "Directory of upstream CRD YAML files to install instead of the built-in compact ones.")
    var crds: String?
    @Flag(name: .customLong("old-argocd-crd"), help: "Install an Application CRD without spec.syncPolicy.automated.enabled (Argo CD < 3.1).")
    var oldArgoCDCRD = false
    @Option(name: .customLong("ingress-address"), help: "The ingress load balancer address HTTP-01 hosts must resolve to.")
    var ingressAddress: String = "203.0.113.10"
    @Option(name: .customLong("resolve"), help: "HOST=ADDR static DNS answers for the simulated ACME CA (repeatable).")
    var resolve: [String] = []
    @Option(name: .customLong("challenge-retry"), help: "Seconds between HTTP-01 self-check attempts (each leaks a solver HTTPRoute).")
    var challengeRetry: Double = 11.4
    @Flag(name: .customLong("orders-vanish"), help: "The simulated ACME CA has forgotten every Order (seed 001: 404 \"No order for ID\").")
    var ordersVanish = false

    func run() throws {
        guard let radius = BlastRadius(rawValue: blastRadius) else {
            throw ValidationError("--blast-radius must be gateway or listener, not \(blastRadius)")
        }
        var options = KubeSimOptions()
        options.port = port
        options.tls = tls
        if let token { options.tokens = [token: .admin()] }
        options.clock = .realTime()
        options.backgroundControllers = true
        options.blastRadius = radius
        options.argoCD.repoDirectory = repo.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        options.argoCD.repoPollSeconds = 3
        options.argoCD.crdVersion = oldArgoCDCRD ? .beforeAutomatedEnabled : .current
        options.crdDirectory = crds
        options.ingressAddress = ingressAddress
        options.certManager.challengeRetrySeconds = challengeRetry
        options.certManager.ordersVanishAtCA = ordersVanish
        var records: [String: [String]] = [:]
        for r in resolve {
            let kv = r.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ValidationError("--resolve wants HOST=ADDR, got \(r)") }
            records[kv[0].lowercased(), default: []].append(kv[1])
        }
        options.resolver = StaticHostResolver(records)
        let sim = try KubeSim.start(options)
        if let kubeconfigFile {
            try sim.writeKubeconfig(to: kubeconfigFile, token: token)
        }
        print("kubesim: serving \(sim.baseURL) (port \(sim.port))\(kubeconfigFile.map { "; kubeconfig written to \($0)" } ?? "")")
        fflush(nil)
        let done = DispatchSemaphore(value: 0)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig)
            s.setEventHandler { done.signal() }
            s.resume()
            return s
        }
        done.wait()
        _ = sources
        sim.stop()
        print("kubesim: stopped")
    }
}
