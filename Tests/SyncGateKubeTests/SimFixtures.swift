import Foundation
import KubeSim
import SyncGateCore
@testable import SyncGateKube

/// A KubeSim over TLS with bearer tokens, and a SyncGate client for it built from the kubeconfig KubeSim writes
/// (so the kubeconfig path, CA data and token travel exactly as for a user).
struct SimHarness: Sendable {
    let sim: KubeSim
    let client: KubeClient
    let scratch: Scratch
    let kubeconfigPath: String

    static let adminToken = "admin-token"

    static func start(controllers: Set<ControllerKind> = [], argoCD: CustomResourceDefinitions.ArgoCDVersion = .current,
                      tokens: [String: UserInfo] = [:], enforceRBAC: Bool = false, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05),
                      configure: (inout KubeSimOptions) -> Void = { _ in }) throws -> SimHarness {
        var options = KubeSimOptions()
        options.tls = true
        options.tokens = [adminToken: .admin()].merging(tokens) { a, _ in a }
        options.enforceRBAC = enforceRBAC
        options.controllers = controllers
        options.argoCD.crdVersion = argoCD
        configure(&options)
        let sim = try KubeSim.start(options)
        let scratch = try Scratch()
        let path = try sim.writeKubeconfig(to: scratch.path + "/kubeconfig", token: adminToken)
        let config = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: path, environment: [:], homeDirectory: scratch.path))
        return SimHarness(sim: sim, client: KubeClient(configuration: config, retry: retry, requestTimeout: 10), scratch: scratch, kubeconfigPath: path)
    }

    /// A client for another token of the same server.
    func client(token: String, retry: RetryPolicy = .none) throws -> KubeClient {
        let path = try sim.writeKubeconfig(to: scratch.path + "/kubeconfig-\(token)", token: token)
        let config = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: path, environment: [:], homeDirectory: scratch.path))
        return KubeClient(configuration: config, retry: retry, requestTimeout: 10)
    }

    func stop() { sim.stop() }

    static func application(_ name: String, namespace: String = "argocd", syncPolicy: String?, extraMetadata: String = "") -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: \(name)
          namespace: \(namespace)
        \(extraMetadata)
        spec:
          project: default
          source:
            repoURL: https://git.example.com/gitops.git
            path: apps/\(name)
            targetRevision: main
          destination:
            server: https://kubernetes.default.svc
            namespace: \(name)
        \(syncPolicy.map { "  syncPolicy: \($0)" } ?? "")
        """
    }

    static let namespaces = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: argocd}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: traefik}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: pay-prod}
        """
}

/// A fixed clock for `paused-at`.
let pausedAt = Date(timeIntervalSince1970: 1_774_269_000)  // 2026-03-23T12:30:00Z
