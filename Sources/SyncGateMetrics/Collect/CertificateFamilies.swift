import SyncGateCore

/// Per Certificate: expiry from the Secret and from each served hostname, divergence, readiness, renewal state,
/// failed attempts and the stuck-order flag.
struct CertificateFamilies {
    let observation: ClusterObservation
    let now: Double
    let settings: MetricsSettings

    enum RenewalState: String, CaseIterable {
        case valid, renewal_due, renewing, failed, pending, expired
    }

    func families() -> [MetricFamily] {
        var expiry = MetricFamily(MetricCatalog.certificateExpirySeconds)
        var notAfter = MetricFamily(MetricCatalog.certificateNotAfter)
        var divergence = MetricFamily(MetricCatalog.certificateEndpointDivergence)
        var matches = MetricFamily(MetricCatalog.certificateEndpointMatches)
        var probe = MetricFamily(MetricCatalog.endpointProbeSuccess)
        var placeholder = MetricFamily(MetricCatalog.certificateSecretPlaceholder)
        var ready = MetricFamily(MetricCatalog.certificateReady)
        var state = MetricFamily(MetricCatalog.certificateRenewalState)
        var attempts = MetricFamily(MetricCatalog.certificateFailedAttempts)
        var stuck = MetricFamily(MetricCatalog.certificateOrderStuck)

        let ordersByCertificate = Dictionary(grouping: observation.orders) {
            ClusterObservation.ObjectKey($0.namespaceName, OrderOwnership.certificateName(of: $0, requests: observation.certificateRequests))
        }

        for certificate in observation.certificates.sorted(by: { ($0.namespaceName, $0.objectName) < ($1.namespaceName, $1.objectName) }) {
            let ns = certificate.namespaceName, name = certificate.objectName
            let secretName = certificate[path: "spec", "secretName"]?.string ?? ""
            let base = [Label("namespace", ns), Label("certificate", name)]
            let secretValidity = try? observation.secretCertificates[.init(ns, secretName)]?.get()

            if let secretValidity {
                let labels = base + [Label("secret", secretName), Label("source", "secret")]
                expiry.samples.append(Sample(labels, secretValidity.notAfter - now))
                notAfter.samples.append(Sample(labels, secretValidity.notAfter))
                let isPlaceholder = observation.placeholderSecrets.contains(.init(ns, secretName))
                placeholder.samples.append(Sample(base + [Label("secret", secretName)], isPlaceholder ? 1 : 0))
            }
            for host in Self.hostnames(of: certificate) {
                guard let result = observation.servedCertificates[.init(certificate.objectKey, host)] else { continue }
                switch result {
                case .success(let served):
                    let labels = base + [Label("secret", secretName), Label("source", "endpoint"), Label("host", host)]
                    expiry.samples.append(Sample(labels, served.notAfter - now))
                    notAfter.samples.append(Sample(labels, served.notAfter))
                    probe.samples.append(Sample(base + [Label("host", host)], 1))
                    if let secretValidity {
                        let pair = base + [Label("secret", secretName), Label("host", host)]
                        divergence.samples.append(Sample(pair, secretValidity.notAfter - served.notAfter))
                        matches.samples.append(Sample(pair, secretValidity.der == served.der ? 1 : 0))
                    }
                case .failure:
                    probe.samples.append(Sample(base + [Label("host", host)], 0))
                }
            }

            let isReady = certificate.condition("Ready") == true
            ready.samples.append(Sample(base, isReady ? 1 : 0))
            let current = renewalState(certificate, secretNotAfter: secretValidity?.notAfter)
            for s in RenewalState.allCases {
                state.samples.append(Sample(base + [Label("state", s.rawValue)], s == current ? 1 : 0))
            }
            attempts.samples.append(Sample(base, Double(certificate[path: "status", "failedIssuanceAttempts"]?.int ?? 0)))
            let orders = ordersByCertificate[certificate.objectKey] ?? []
            stuck.samples.append(Sample(base, current != .valid && isStuck(orders) ? 1 : 0))
        }
        return [expiry, notAfter, divergence, matches, probe, placeholder, ready, state, attempts, stuck]
    }

    /// The hostnames to probe: spec.dnsNames (and commonName), without wildcards (no single name to send as SNI).
    static func hostnames(of certificate: Value) -> [String] {
        var names = certificate[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
        if let cn = certificate[path: "spec", "commonName"]?.string, !names.contains(cn) { names.append(cn) }
        var seen = Set<String>()
        return names.filter { !$0.hasPrefix("*.") && !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    func renewalState(_ certificate: Value, secretNotAfter: Double?) -> RenewalState {
        let expiresAt = secretNotAfter ?? KubeTime.parse(certificate[path: "status", "notAfter"]?.string)
        if let expiresAt, expiresAt <= now { return .expired }
        let issuing = certificate.condition("Issuing") == true
        if certificate[path: "status", "lastFailureTime"]?.string != nil, !issuing, certificate.condition("Ready") != true || isDue(certificate) {
            return .failed
        }
        if issuing { return .renewing }
        if certificate.condition("Ready") != true { return .pending }
        return isDue(certificate) ? .renewal_due : .valid
    }

    func isDue(_ certificate: Value) -> Bool {
        guard let renewal = KubeTime.parse(certificate[path: "status", "renewalTime"]?.string) else { return false }
        return renewal <= now
    }

    /// The latest Order is errored/invalid/expired, or still pending after `stuckOrderAfter`.
    func isStuck(_ orders: [Value]) -> Bool {
        guard let latest = orders.max(by: {
            (KubeTime.parse($0[path: "metadata", "creationTimestamp"]?.string) ?? 0) < (KubeTime.parse($1[path: "metadata", "creationTimestamp"]?.string) ?? 0)
        }) else { return false }
        let state = latest[path: "status", "state"]?.string ?? ""
        switch state {
        case "errored", "invalid", "expired": return true
        case "valid": return false
        default:
            guard let created = KubeTime.parse(latest[path: "metadata", "creationTimestamp"]?.string) else { return false }
            return now - created > settings.stuckOrderAfter
        }
    }
}

/// Which Certificate an ACME Order belongs to.
enum OrderOwnership {
    static let certificateNameAnnotation = "cert-manager.io/certificate-name"

    static func certificateName(of order: Value, requests: [Value]) -> String {
        if let name = order.annotation(certificateNameAnnotation) { return name }
        let ns = order.namespaceName
        if let owner = order[path: "metadata", "ownerReferences"]?.elements.first(where: { $0["kind"]?.string == "CertificateRequest" }),
           let requestName = owner["name"]?.string {
            if let request = requests.first(where: { $0.namespaceName == ns && $0.objectName == requestName }),
               let name = request.annotation(certificateNameAnnotation) {
                return name
            }
            return dropSuffixes(requestName, 1)
        }
        // <certificate>-<revision>-<hash>
        return dropSuffixes(order.objectName, 2)
    }

    static func dropSuffixes(_ name: String, _ count: Int) -> String {
        var parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count > count else { return name }
        parts.removeLast(count)
        return parts.joined(separator: "-")
    }
}
