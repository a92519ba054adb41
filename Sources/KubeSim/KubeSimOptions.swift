import Foundation

/// How a Gateway reacts to a listener whose certificateRef cannot be resolved.
public enum BlastRadius: String, Sendable, CaseIterable {
    /// Seed 000's Traefik and Cilium (issue 34982): the whole Gateway goes Programmed=False, every listener stops.
    case gateway
    /// The Gateway API spec, today's Traefik and Envoy Gateway: only that listener is not programmed.
    case listener
}

/// A user or service account behind a bearer token.
public struct UserInfo: Sendable, Equatable {
    public var name: String
    public var groups: [String]
    public init(name: String, groups: [String] = []) { self.name = name; self.groups = groups }

    /// `system:serviceaccount:NS:NAME` with its groups.
    public static func serviceAccount(namespace: String, name: String) -> UserInfo {
        UserInfo(name: "system:serviceaccount:\(namespace):\(name)",
                 groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"])
    }
    /// A cluster administrator (bypasses RBAC).
    public static func admin(_ name: String = "kubesim-admin") -> UserInfo { UserInfo(name: name, groups: ["system:masters", "system:authenticated"]) }
}

/// cert-manager behaviour knobs.
public struct CertManagerOptions: Sendable {
    /// Seconds between HTTP-01 self-check attempts of a pending Challenge. Each attempt creates a new
    /// `cm-acme-http-solver-*` HTTPRoute and leaves the last one behind when it fails. The default replays
    /// seed 000: about 5,690 routes per Certificate in 18 hours.
    public var challengeRetrySeconds: TimeInterval = 11.4
    /// Failed-issuance backoff of a Certificate: 1h, doubling, at most 32h (cert-manager ≥ 1.8).
    public var issuanceBackoffBase: TimeInterval = 3600
    public var issuanceBackoffMax: TimeInterval = 32 * 3600
    /// Lifetime of issued certificates (Let's Encrypt: 90 days) unless the Certificate says `duration`.
    public var defaultDuration: TimeInterval = 90 * 86400
    /// Seconds from a passing self-check to the CA's validation and issuance.
    public var validationSeconds: TimeInterval = 5
    /// When true, the ACME server has forgotten every Order (seed 001: 404 "No order for ID").
    public var ordersVanishAtCA: Bool = false
    public init() {}
}

/// Argo CD behaviour knobs.
public struct ArgoCDOptions: Sendable {
    /// The Git repository working tree that `spec.source.path` is relative to.
    public var repoDirectory: String? = nil
    /// Which Application CRD is installed (and so which fields survive a write).
    public var crdVersion: CustomResourceDefinitions.ArgoCDVersion = .current
    /// How often (virtual seconds) the controller re-reads the repo even when nothing changed (Argo CD: 180 s).
    public var repoPollSeconds: TimeInterval = 180
    /// Render directories containing kustomization.yaml with `kubectl kustomize` (else read the YAML files only).
    public var kustomize: Bool = true
    public var kubectlPath: String = "/usr/bin/kubectl"
    public init() {}
}

/// Everything that configures a KubeSim.
public struct KubeSimOptions: Sendable {
    /// 0 picks a free port.
    public var port: Int = 0
    /// Serve HTTPS with a CA and a certificate for 127.0.0.1/localhost generated at start.
    public var tls: Bool = false
    /// Bearer tokens and who they are. When non-empty, requests without a known token get 401.
    public var tokens: [String: UserInfo] = [:]
    /// Evaluate Roles/ClusterRoles and their bindings for the token's user (403 Forbidden otherwise).
    public var enforceRBAC: Bool = false
    public var clock: SimClock = .virtual()
    /// Run controllers in the background on the wall clock (for `kubesim serve`); tests advance a virtual clock.
    public var backgroundControllers: Bool = false
    public var blastRadius: BlastRadius = .gateway
    /// The address the ingress load balancer has; HTTP-01 succeeds only when the host resolves to it.
    public var ingressAddress: String = "203.0.113.10"
    public var resolver: any HostResolver = StaticHostResolver([:])
    public var certManager = CertManagerOptions()
    public var argoCD = ArgoCDOptions()
    /// Upstream CRD YAML files (any depth) to install instead of the compact built-in ones.
    public var crdDirectory: String? = nil
    public var faults: [Fault] = []
    public var store = ObjectStore.Options()
    /// Seed for uids, generated names and fault fractions.
    public var seed: UInt64 = 42
    /// Whether a container image can be pulled (seed 000's backend image was never pushed). Default: all can.
    public var imageAvailable: @Sendable (String) -> Bool = { _ in true }
    /// Which controllers run.
    public var controllers: Set<ControllerKind> = Set(ControllerKind.allCases)

    public init() {}
}

public enum ControllerKind: String, Sendable, CaseIterable {
    case gateway, certManager, argoCD, workloads
}
