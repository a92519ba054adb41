/// Every metric `syncgate metrics` exports, declared once. pipelines/alerts/ and the README use these names;
/// SyncGateMetricsTests checks that every `syncgate_*` name in the alert rules is declared here.
public enum MetricCatalog {
    // Certificates: expiry from the Secret and from the served endpoint, so divergence is visible.
    public static let certificateExpirySeconds = MetricDescriptor(
        "syncgate_certificate_expiry_seconds", labels: ["namespace", "certificate", "secret", "source", "host"],
        help: "Seconds until the certificate expires (notAfter minus now), read from the Secret's tls.crt (source=\"secret\") or from the certificate served with SNI host (source=\"endpoint\").")
    public static let certificateNotAfter = MetricDescriptor(
        "syncgate_certificate_not_after_timestamp_seconds", labels: ["namespace", "certificate", "secret", "source", "host"],
        help: "notAfter of the certificate as a Unix timestamp, from the Secret (source=\"secret\") or the served endpoint (source=\"endpoint\").")
    public static let certificateEndpointDivergence = MetricDescriptor(
        "syncgate_certificate_endpoint_divergence_seconds", labels: ["namespace", "certificate", "secret", "host"],
        help: "Secret notAfter minus served notAfter: above 0 the endpoint serves an older certificate than the Secret holds (the renewal was not picked up).")
    public static let certificateEndpointMatches = MetricDescriptor(
        "syncgate_certificate_endpoint_matches_secret", labels: ["namespace", "certificate", "secret", "host"],
        help: "1 when the leaf certificate served for host is byte-for-byte the Secret's tls.crt leaf, else 0.")
    public static let endpointProbeSuccess = MetricDescriptor(
        "syncgate_endpoint_probe_success", labels: ["namespace", "certificate", "host"],
        help: "1 when the TLS handshake with SNI host returned a certificate, else 0.")
    public static let certificateSecretPlaceholder = MetricDescriptor(
        "syncgate_certificate_secret_placeholder", labels: ["namespace", "certificate", "secret"],
        help: "1 when the Certificate's Secret is a SyncGate placeholder (label syncgate.dev/placeholder=true), waiting for cert-manager to issue; 0 for a real one.")
    public static let certificateReady = MetricDescriptor(
        "syncgate_certificate_ready", labels: ["namespace", "certificate"],
        help: "1 when the cert-manager Certificate has condition Ready=True, else 0.")
    public static let certificateRenewalState = MetricDescriptor(
        "syncgate_certificate_renewal_state", labels: ["namespace", "certificate", "state"],
        help: "Renewal state of the Certificate, one series per state with value 1 for the current one: valid, renewal_due, renewing, failed, pending, expired.")
    public static let certificateFailedAttempts = MetricDescriptor(
        "syncgate_certificate_failed_issuance_attempts", labels: ["namespace", "certificate"],
        help: "cert-manager's status.failedIssuanceAttempts of the Certificate (0 when absent).")
    public static let certificateOrderStuck = MetricDescriptor(
        "syncgate_certificate_order_stuck", labels: ["namespace", "certificate"],
        help: "1 when the Certificate's latest ACME Order is errored, invalid or expired, or pending longer than the stuck threshold, while the Certificate is not valid.")

    // ACME objects per namespace.
    public static let acmeOrders = MetricDescriptor(
        "syncgate_acme_orders", labels: ["namespace", "state"],
        help: "ACME Orders per namespace and status.state (\"none\" when the state is not set yet).")
    public static let acmeChallenges = MetricDescriptor(
        "syncgate_acme_challenges", labels: ["namespace", "state"],
        help: "ACME Challenges per namespace and status.state (\"none\" when the state is not set yet).")
    public static let acmeSolverRoutes = MetricDescriptor(
        "syncgate_acme_solver_routes", labels: ["namespace"],
        help: "cm-acme-http-solver HTTPRoutes in the namespace (a count that keeps rising is a retry storm leaking routes).")

    // Argo CD Applications.
    public static let applicationPaused = MetricDescriptor(
        "syncgate_application_paused", labels: ["namespace", "application", "reason"],
        help: "1 when SyncGate paused the Application's auto-sync (syncgate.dev/paused-* annotations), with the recorded reason; else 0.")
    public static let applicationPausedAt = MetricDescriptor(
        "syncgate_application_paused_timestamp_seconds", labels: ["namespace", "application", "reason"],
        help: "When SyncGate paused the Application's auto-sync (syncgate.dev/paused-at) as a Unix timestamp; only paused Applications.")
    public static let applicationAutoSync = MetricDescriptor(
        "syncgate_application_auto_sync_enabled", labels: ["namespace", "application"],
        help: "1 when the Application's spec.syncPolicy.automated is set and not disabled, else 0.")
    public static let applicationGate = MetricDescriptor(
        "syncgate_application_gate", labels: ["namespace", "application", "gate", "result"],
        help: "Last gate results SyncGate recorded on the Application (syncgate.dev/gate-results): 1 per gate with its result (pass, blocked, failed, pending).")

    // Gateways: seed 000's one missing Secret took every listener of the Gateway down.
    public static let gatewayProgrammed = MetricDescriptor(
        "syncgate_gateway_programmed", labels: ["namespace", "gateway"],
        help: "1 when the Gateway has condition Programmed=True, else 0 (0 on a whole-Gateway blast radius stops every listener).")
    public static let gatewayListenerCondition = MetricDescriptor(
        "syncgate_gateway_listener_condition", labels: ["namespace", "gateway", "listener", "condition", "reason"],
        help: "1 when the listener's condition (Programmed, ResolvedRefs, Accepted) is True, else 0, with the condition's reason (e.g. InvalidCertificateRef).")

    // Rollouts (the journal ConfigMaps the rollout engine keeps).
    public static let rolloutStatus = MetricDescriptor(
        "syncgate_rollout_status", labels: ["namespace", "rollout", "status"],
        help: "Status of each rollout from its journal, one series per status with value 1 for the current one: running, blocked, failed, timed-out, succeeded, waiting-for-promotion.")
    public static let rolloutUpdated = MetricDescriptor(
        "syncgate_rollout_updated_timestamp_seconds", labels: ["namespace", "rollout"],
        help: "When the rollout's journal last changed, as a Unix timestamp.")
    public static let rolloutStage = MetricDescriptor(
        "syncgate_rollout_stage", labels: ["namespace", "rollout", "stage", "state"],
        help: "1 per stage the rollout verified (state=\"verified\") or that `syncgate promote` released (state=\"promoted\").")
    public static let rolloutStepsDone = MetricDescriptor(
        "syncgate_rollout_gate_steps_done", labels: ["namespace", "rollout", "application", "gate"],
        help: "Steps of the rollout finished per Application and gate (from the journal), e.g. one per hostname for the certificate gate.")

    // CA rate limits.
    public static let caRateLimitUsed = MetricDescriptor(
        "syncgate_ca_rate_limit_used", labels: ["issuer", "limit", "key"],
        help: "How much of a CA rate limit the cluster's ACME Orders used in the limit's window: certificates_per_registered_domain (7 days), duplicate_certificates (7 days), new_orders (3 hours).")
    public static let caRateLimitLimit = MetricDescriptor(
        "syncgate_ca_rate_limit_limit", labels: ["issuer", "limit", "key"],
        help: "The CA rate limit that syncgate_ca_rate_limit_used counts against (Let's Encrypt's published limits unless configured).")

    // The collector itself.
    public static let collectorLastSuccess = MetricDescriptor(
        "syncgate_collector_last_success_timestamp_seconds", labels: [],
        help: "When the last complete collection finished, as a Unix timestamp.")
    public static let collectorDuration = MetricDescriptor(
        "syncgate_collector_duration_seconds", labels: [],
        help: "How long the last collection took.")
    public static let collectorErrors = MetricDescriptor(
        "syncgate_collector_errors", labels: ["resource"],
        help: "Errors in the last collection per resource read (1 = the list or probe failed; its metrics are missing).")

    public static let all: [MetricDescriptor] = [
        certificateExpirySeconds, certificateNotAfter, certificateEndpointDivergence, certificateEndpointMatches,
        endpointProbeSuccess, certificateSecretPlaceholder, certificateReady, certificateRenewalState, certificateFailedAttempts, certificateOrderStuck,
        acmeOrders, acmeChallenges, acmeSolverRoutes,
        applicationPaused, applicationPausedAt, applicationAutoSync, applicationGate,
        gatewayProgrammed, gatewayListenerCondition,
        rolloutStatus, rolloutUpdated, rolloutStage, rolloutStepsDone,
        caRateLimitUsed, caRateLimitLimit,
        collectorLastSuccess, collectorDuration, collectorErrors,
    ]

    public static func descriptor(named name: String) -> MetricDescriptor? { all.first { $0.name == name } }
}
