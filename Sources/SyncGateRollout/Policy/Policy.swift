/// `syncgate.yaml` (apiVersion `syncgate.dev/v1alpha1`, kind `SyncGatePolicy`): how a rollout runs.
///
/// Every field has a default (`RolloutPolicy.default` is what a repo without a policy file gets), so `syncgate plan`
/// and `syncgate rollout` work everywhere. Pure data: parsing is `PolicyParser`, reading the file `PolicyLoader`.
public struct RolloutPolicy: Sendable, Equatable {
    public static let apiVersion = "syncgate.dev/v1alpha1"
    public static let kind = "SyncGatePolicy"

    /// Stages in rollout order. Never empty: without a `stages` field there is one stage, `all`, selecting every Application.
    public var stages: [Stage]
    public var ingress: IngressPolicy
    /// Per-Gateway settings keyed by `namespace/name`.
    public var gateways: [String: GatewaySettings]
    /// Defaults for every stage; a stage's own `verification` overrides field by field.
    public var verification: Verification
    public var guards: Guards
    public var timeouts: Timeouts
    public var onFailure: OnFailure
    /// The file the policy came from (`<default>` when none), for messages.
    public var source: String

    public init(stages: [Stage] = [Stage.all], ingress: IngressPolicy = IngressPolicy(), gateways: [String: GatewaySettings] = [:],
                verification: Verification = Verification(), guards: Guards = Guards(), timeouts: Timeouts = Timeouts(),
                onFailure: OnFailure = OnFailure(), source: String = "<default>") {
        self.stages = stages
        self.ingress = ingress
        self.gateways = gateways
        self.verification = verification
        self.guards = guards
        self.timeouts = timeouts
        self.onFailure = onFailure
        self.source = source
    }

    /// The policy of a repository without `syncgate.yaml`.
    public static let `default` = RolloutPolicy()

    /// The blast radius of a listener failure on this Gateway (`namespace/name`): the policy's setting, else the worst case.
    public func blastRadius(gateway: String) -> BlastRadius {
        gateways[gateway]?.blastRadius ?? .gateway
    }

    public func stage(named name: String) -> Stage? { stages.first { $0.name == name } }
    public func stageIndex(named name: String) -> Int? { stages.firstIndex { $0.name == name } }

    /// The verification settings of a stage: its own values over the policy-wide defaults.
    public func verification(for stage: Stage) -> Verification {
        stage.verification.map { verification.overridden(by: $0) } ?? verification
    }

    /// The first stage whose selector matches the Application, or nil (an Application no stage selects is not rolled out).
    public func stage(for application: ApplicationIdentity) -> Stage? {
        stages.first { $0.selector.matches(application) }
    }
}

/// A set of Applications rolled out together, verified before the next stage starts.
public struct Stage: Sendable, Equatable {
    public var name: String
    public var selector: ApplicationSelector
    /// The issuer every Certificate in this stage must use (e.g. a staging ACME issuer for canary); nil: any.
    public var issuer: IssuerRequirement?
    /// Stage-specific verification (only the fields written; the rest come from the policy-wide `verification`).
    public var verification: VerificationOverride?
    /// `auto`: the next stage starts once this one verifies. `manual`: stop after this stage; `syncgate promote --to NEXT` releases it.
    public var promotion: Promotion
    /// Line of the stage in the policy file (0 when generated).
    public var line: Int

    public init(name: String, selector: ApplicationSelector, issuer: IssuerRequirement? = nil,
                verification: VerificationOverride? = nil, promotion: Promotion = .auto, line: Int = 0) {
        self.name = name
        self.selector = selector
        self.issuer = issuer
        self.verification = verification
        self.promotion = promotion
        self.line = line
    }

    public static let all = Stage(name: "all", selector: ApplicationSelector(names: ["*"]))
}

public enum Promotion: String, Sendable, Equatable, CaseIterable { case auto, manual }

/// The issuer a stage requires: `letsencrypt-staging` (any kind) or `{name, kind}`.
public struct IssuerRequirement: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    /// `ClusterIssuer` or `Issuer`; nil accepts either.
    public var kind: String?
    public init(name: String, kind: String? = nil) {
        self.name = name
        self.kind = kind
    }

    public func accepts(name other: String, kind otherKind: String?) -> Bool {
        guard other == name else { return false }
        guard let kind else { return true }
        return (otherKind ?? "Issuer") == kind
    }

    public var description: String { kind.map { "\($0)/\(name)" } ?? name }
}

/// Which Applications a stage holds: any name glob matches (when names are given) AND every label matches.
public struct ApplicationSelector: Sendable, Equatable, CustomStringConvertible {
    /// Globs over the Application name (`acme-*-sandbox`) or `namespace/name` when the glob contains a `/`.
    public var names: [String]
    public var matchLabels: [String: String]

    public init(names: [String] = [], matchLabels: [String: String] = [:]) {
        self.names = names
        self.matchLabels = matchLabels
    }

    public var isEmpty: Bool { names.isEmpty && matchLabels.isEmpty }

    public func matches(_ app: ApplicationIdentity) -> Bool {
        if isEmpty { return false }
        if !names.isEmpty {
            let hit = names.contains { glob in
                glob.contains("/") ? Glob.matches(glob, "\(app.namespace)/\(app.name)") : Glob.matches(glob, app.name)
            }
            if !hit { return false }
        }
        for (k, v) in matchLabels where app.labels[k] != v { return false }
        return true
    }

    public var description: String {
        var parts: [String] = []
        if !names.isEmpty { parts.append("names " + names.joined(separator: ", ")) }
        if !matchLabels.isEmpty {
            parts.append("labels " + matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        }
        return parts.isEmpty ? "nothing" : parts.joined(separator: " and ")
    }
}

/// What a selector needs to know about an Argo CD Application.
public struct ApplicationIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var labels: [String: String]

    public init(namespace: String = "argocd", name: String, labels: [String: String] = [:]) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
    }

    public var id: String { "\(namespace)/\(name)" }
    public var description: String { id }
    public static func < (a: ApplicationIdentity, b: ApplicationIdentity) -> Bool { a.id < b.id }
    public static func == (a: ApplicationIdentity, b: ApplicationIdentity) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// Where the ingress is reachable: hostnames must resolve to one of these.
public struct IngressPolicy: Sendable, Equatable {
    /// IP addresses of the load balancer.
    public var addresses: [String]
    /// DNS names of the load balancer (resolved at check time; an app host may also be a CNAME to one of them).
    public var hostnames: [String]
    /// Port of the TLS endpoint used to read the served certificate.
    public var httpsPort: Int

    public init(addresses: [String] = [], hostnames: [String] = [], httpsPort: Int = 443) {
        self.addresses = addresses
        self.hostnames = hostnames
        self.httpsPort = httpsPort
    }

    /// No ingress declared: the DNS gate then only requires that the host resolves.
    public var isUnspecified: Bool { addresses.isEmpty && hostnames.isEmpty }
}

/// How far a listener failure reaches on a Gateway implementation (DESIGN §3).
public enum BlastRadius: String, Sendable, Equatable, CaseIterable {
    /// One listener's missing Secret stops the whole Gateway (seed 000's Traefik, Cilium). The default: worst case.
    case gateway
    /// Only the failing listener stops (Gateway API spec, today's Traefik and Envoy Gateway).
    case listener
}

public struct GatewaySettings: Sendable, Equatable {
    public var blastRadius: BlastRadius
    public init(blastRadius: BlastRadius = .gateway) { self.blastRadius = blastRadius }
}

/// Thresholds for the served-certificate checks and the soak.
public struct Verification: Sendable, Equatable {
    /// The served certificate must stay valid at least this many days.
    public var minDaysValid: Int
    /// PEM bundle (path relative to the policy file) of the CAs the served chain must reach; nil: the Secret's `ca.crt`
    /// when present, else no chain check (reported).
    public var trustBundle: String?
    /// Seconds to keep re-checking after the first good verification before the stage counts as verified.
    public var soakSeconds: Double
    /// Seconds between re-checks while waiting and soaking.
    public var checkIntervalSeconds: Double

    public init(minDaysValid: Int = 7, trustBundle: String? = nil, soakSeconds: Double = 60, checkIntervalSeconds: Double = 10) {
        self.minDaysValid = minDaysValid
        self.trustBundle = trustBundle
        self.soakSeconds = soakSeconds
        self.checkIntervalSeconds = checkIntervalSeconds
    }

    func overridden(by o: VerificationOverride) -> Verification {
        Verification(minDaysValid: o.minDaysValid ?? minDaysValid, trustBundle: o.trustBundle ?? trustBundle,
                     soakSeconds: o.soakSeconds ?? soakSeconds, checkIntervalSeconds: o.checkIntervalSeconds ?? checkIntervalSeconds)
    }
}

/// The fields of `verification` a stage wrote itself.
public struct VerificationOverride: Sendable, Equatable {
    public var minDaysValid: Int?
    public var trustBundle: String?
    public var soakSeconds: Double?
    public var checkIntervalSeconds: Double?
    public init(minDaysValid: Int? = nil, trustBundle: String? = nil, soakSeconds: Double? = nil, checkIntervalSeconds: Double? = nil) {
        self.minDaysValid = minDaysValid
        self.trustBundle = trustBundle
        self.soakSeconds = soakSeconds
        self.checkIntervalSeconds = checkIntervalSeconds
    }
}

/// Limits that stop a rollout early, before the CA or the ingress pays for it.
public struct Guards: Sendable, Equatable {
    /// More `cm-acme-http-solver-*` HTTPRoutes/Ingresses than this in one namespace is a retry storm (seed 000).
    public var maxSolverRoutesPerNamespace: Int
    /// Fraction (0…1] of the CA's weekly certificates-per-registered-domain limit one rollout may use.
    public var rateLimitBudget: Double
    /// The CA's weekly limit of certificates per registered domain (Let's Encrypt: 50).
    public var weeklyCertificateLimit: Int
    /// Failed or invalid Challenges for one Certificate before the gate fails instead of waiting.
    public var maxFailedChallenges: Int

    public init(maxSolverRoutesPerNamespace: Int = 200, rateLimitBudget: Double = 0.5, weeklyCertificateLimit: Int = 50,
                maxFailedChallenges: Int = 3) {
        self.maxSolverRoutesPerNamespace = maxSolverRoutesPerNamespace
        self.rateLimitBudget = rateLimitBudget
        self.weeklyCertificateLimit = weeklyCertificateLimit
        self.maxFailedChallenges = maxFailedChallenges
    }

    /// New certificates one rollout may request per registered domain.
    public var certificateBudget: Int { max(1, Int((Double(weeklyCertificateLimit) * rateLimitBudget).rounded(.down))) }
}

/// How long each kind of gate may wait before the rollout exits 4. Seconds.
public struct Timeouts: Sendable, Equatable {
    public var prerequisites: Double
    public var secret: Double
    public var listener: Double
    public var certificate: Double
    public var verification: Double
    /// How long a Lease on an Application stays valid without renewal (a killed run frees it after this).
    public var lease: Double

    public init(prerequisites: Double = 120, secret: Double = 60, listener: Double = 120, certificate: Double = 600,
                verification: Double = 300, lease: Double = 300) {
        self.prerequisites = prerequisites
        self.secret = secret
        self.listener = listener
        self.certificate = certificate
        self.verification = verification
        self.lease = lease
    }
}

public struct OnFailure: Sendable, Equatable {
    /// Pause Argo CD auto-sync on the affected Applications (with the reason) when a gate fails.
    public var pauseAutoSync: Bool
    /// Create placeholder Secrets where a listener would otherwise block its Gateway.
    public var injectPlaceholders: Bool
    public init(pauseAutoSync: Bool = true, injectPlaceholders: Bool = true) {
        self.pauseAutoSync = pauseAutoSync
        self.injectPlaceholders = injectPlaceholders
    }
}
