import SyncGateCore

/// CA rate-limit budget used by the cluster's ACME Orders: certificates per registered domain and duplicate
/// certificates (valid Orders in the last 7 days), new orders per account (all Orders in the last 3 hours; the
/// issuer stands for the ACME account).
struct RateLimitFamilies {
    let observation: ClusterObservation
    let now: Double
    let settings: MetricsSettings

    func families() -> [MetricFamily] {
        let limits = settings.rateLimits
        var perDomain: [String: [String: Int]] = [:]
        var duplicates: [String: [String: Int]] = [:]
        var newOrders: [String: Int] = [:]
        for order in observation.orders {
            let issuer = Self.issuer(of: order)
            guard let created = KubeTime.parse(order[path: "metadata", "creationTimestamp"]?.string) else { continue }
            let age = now - created
            if age <= limits.newOrdersWindow { newOrders[issuer, default: 0] += 1 }
            guard order[path: "status", "state"]?.string == "valid" else { continue }
            let names = Self.dnsNames(of: order)
            if age <= limits.certificatesPerRegisteredDomainWindow {
                for domain in Set(names.map(RegisteredDomain.of)) { perDomain[issuer, default: [:]][domain, default: 0] += 1 }
            }
            if age <= limits.duplicateCertificatesWindow, !names.isEmpty {
                duplicates[issuer, default: [:]][Set(names).sorted().joined(separator: ","), default: 0] += 1
            }
        }
        var used = MetricFamily(MetricCatalog.caRateLimitUsed)
        var limit = MetricFamily(MetricCatalog.caRateLimitLimit)
        func emit(_ issuer: String, _ name: String, _ key: String, _ count: Int, _ max: Int) {
            let labels = [Label("issuer", issuer), Label("limit", name), Label("key", key)]
            used.samples.append(Sample(labels, Double(count)))
            limit.samples.append(Sample(labels, Double(max)))
        }
        for issuer in perDomain.keys.sorted() {
            for domain in perDomain[issuer]!.keys.sorted() {
                emit(issuer, "certificates_per_registered_domain", domain, perDomain[issuer]![domain]!, limits.certificatesPerRegisteredDomain)
            }
        }
        for issuer in duplicates.keys.sorted() {
            for set in duplicates[issuer]!.keys.sorted() {
                emit(issuer, "duplicate_certificates", set, duplicates[issuer]![set]!, limits.duplicateCertificates)
            }
        }
        for issuer in newOrders.keys.sorted() {
            emit(issuer, "new_orders", issuer, newOrders[issuer]!, limits.newOrders)
        }
        return [used, limit]
    }

    /// "ClusterIssuer/letsencrypt-prod" or "Issuer/<namespace>/<name>".
    static func issuer(of order: Value) -> String {
        let name = order[path: "spec", "issuerRef", "name"]?.string ?? "unknown"
        let kind = order[path: "spec", "issuerRef", "kind"]?.string ?? "Issuer"
        return kind == "ClusterIssuer" ? "ClusterIssuer/\(name)" : "Issuer/\(order.namespaceName)/\(name)"
    }

    static func dnsNames(of order: Value) -> [String] {
        var names = order[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
        if let cn = order[path: "spec", "commonName"]?.string, !names.contains(cn) { names.append(cn) }
        return names.map { $0.lowercased() }
    }
}

/// The registered domain (eTLD+1) of a hostname. Approximation: the last two labels, or three under a small set
/// of common two-label public suffixes (co.uk, com.au, …); the full Public Suffix List is not bundled.
enum RegisteredDomain {
    static let twoLabelSuffixes: Set<String> = [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.nz", "co.jp", "ne.jp", "or.jp",
        "com.br", "com.cn", "com.mx", "co.za", "co.in", "co.kr", "com.tr", "com.sg", "com.hk", "com.tw",
    ]

    static func of(_ host: String) -> String {
        var labels = host.split(separator: ".").map(String.init)
        if labels.first == "*" { labels.removeFirst() }
        guard labels.count > 2 else { return labels.joined(separator: ".") }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        return twoLabelSuffixes.contains(lastTwo) ? labels.suffix(3).joined(separator: ".") : lastTwo
    }
}
