/// Thresholds and limits of the metrics model; every field has a default.
public struct MetricsSettings: Sendable, Equatable {
    /// An Order still pending after this long (seconds) counts as stuck.
    public var stuckOrderAfter: Double = 3_600
    /// Prefix of the HTTPRoutes cert-manager creates for HTTP-01 challenges.
    public var solverRoutePrefix = "cm-acme-http-solver-"
    /// The CA's rate limits (Let's Encrypt's published values by default).
    public var rateLimits = RateLimits.letsEncrypt
    /// Where the rollout engine keeps its journals (nil: every namespace, which needs cluster-wide ConfigMap list).
    public var journalNamespace: String? = "argocd"

    public init() {}
}

/// A CA's issuance limits (https://letsencrypt.org/docs/rate-limits/).
public struct RateLimits: Sendable, Equatable {
    public var certificatesPerRegisteredDomain: Int
    public var certificatesPerRegisteredDomainWindow: Double
    public var duplicateCertificates: Int
    public var duplicateCertificatesWindow: Double
    public var newOrders: Int
    public var newOrdersWindow: Double

    public static let letsEncrypt = RateLimits(
        certificatesPerRegisteredDomain: 50, certificatesPerRegisteredDomainWindow: 7 * 86_400,
        duplicateCertificates: 5, duplicateCertificatesWindow: 7 * 86_400,
        newOrders: 300, newOrdersWindow: 3 * 3_600)
}
