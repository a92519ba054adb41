import SyncGateCore

/// Which probes the plan's nodes need: DNS nodes get A/AAAA against the ingress and CAA for the CA of the
/// Certificates naming the host; image nodes a manifest HEAD; Certificates the HTTP-01 path (HTTP-01 ACME issuers)
/// and the served TLS of each non-wildcard name; issuers their ACME directory; HTTPS listeners whose host no
/// Certificate names, their served TLS.
public struct PlanCheckTargets: Sendable {
    public let targets: [CheckTarget]

    /// `secrets`: Secret material keyed by Secret node id (`secret:ns/name`).
    public init(plan: Plan, kinds: Set<CheckKind>, caaOverride: String?, secrets: [String: SecretMaterial]) {
        var targets: [CheckTarget] = []
        let inventory = plan.inventory
        let issuerByID = Dictionary(inventory.issuers.map { ($0.nodeID, $0) }, uniquingKeysWith: { a, _ in a })
        let issuedBy = Dictionary(plan.graph.edges.filter { $0.kind == .issuedBy }.map { ($0.to, $0.from) }, uniquingKeysWith: { a, _ in a })
        // Which CA (CAA identifier) issues for each host, from the Certificates naming it.
        var certificateIndex: [String: Int] = [:]
        for (index, certificate) in inventory.certificates.enumerated() {
            certificateIndex[NodeID.certificate(namespace: certificate.namespace, name: certificate.name)] = index
        }
        // HTTPS listeners with a concrete host, by node id: (host, first certificateRef's Secret node id).
        var httpsListeners: [String: [(String, String?)]] = [:]
        if kinds.contains(.tls) {
            for gateway in inventory.gateways {
                for listener in gateway.listeners where listener.protocol.uppercased() == "HTTPS" {
                    guard let host = listener.hostname?.lowercased(), !host.isEmpty, !host.hasPrefix("*.") else { continue }
                    let secretID = listener.certificateRefs.first.map { NodeID.secret(namespace: $0.namespace, name: $0.name) }
                    httpsListeners[listener.nodeID, default: []].append((host, secretID))
                }
            }
        }
        var caByHost: [String: Set<String>] = [:]
        var certifiedHosts: Set<String> = []
        for index in inventory.certificates.indices {
            let certificate = inventory.certificates[index]
            let id = NodeID.certificate(namespace: certificate.namespace, name: certificate.name)
            let issuer = issuedBy[id].flatMap { issuerByID[$0] }
            for name in certificate.dnsNames.map({ $0.lowercased() }) {
                certifiedHosts.insert(name)
                if let ca = caaOverride ?? issuer.flatMap(PlanCheckTargets.caaIdentifier) { caByHost[name, default: []].insert(ca) }
            }
        }
        for node in plan.graph.sortedNodes {
            switch node.kind {
            case .dns:
                let host = String(node.id.dropFirst("dns:".count))
                guard kinds.contains(.dns) else { continue }
                if !host.hasPrefix("*.") {
                    targets.append(CheckTarget(nodeID: node.id, kind: .dns, subject: .hostAddresses(host: host)))
                }
                for ca in (caByHost[host] ?? []).sorted() {
                    targets.append(CheckTarget(nodeID: node.id, kind: .dns, subject: .caa(host: host, caIdentifier: ca)))
                }
            case .image:
                guard kinds.contains(.image), let reference = ImageReference(String(node.id.dropFirst("image:".count))) else { continue }
                targets.append(CheckTarget(nodeID: node.id, kind: .image, subject: .image(reference)))
            case .issuer:
                guard kinds.contains(.acme), let server = issuerByID[node.id]?.acmeServer, !server.isEmpty else { continue }
                targets.append(CheckTarget(nodeID: node.id, kind: .acme, subject: .acmeDirectory(url: server)))
            case .certificate:
                guard let index = certificateIndex[node.id] else { continue }
                let certificate = inventory.certificates[index]
                let issuer = issuedBy[node.id].flatMap { issuerByID[$0] }
                let secretID = NodeID.secret(namespace: certificate.namespace, name: certificate.secretName)
                for host in certificate.dnsNames.map({ $0.lowercased() }) where !host.hasPrefix("*.") {
                    let solver = issuer?.solver(for: host)
                    if kinds.contains(.http01), issuer?.isACME ?? false, solver?.isHTTP01 ?? false {
                        targets.append(CheckTarget(nodeID: node.id, kind: .http01, subject: .http01(host: host)))
                    }
                    if kinds.contains(.tls) {
                        targets.append(CheckTarget(nodeID: node.id, kind: .tls, subject: .servedTLS(host: host, secret: secrets[secretID])))
                    }
                }
            case .listener:
                // A TLS listener whose host no Certificate names (a manually managed Secret): probe what it serves.
                guard kinds.contains(.tls) else { continue }
                for (host, secretID) in httpsListeners[node.id] ?? [] where !certifiedHosts.contains(host) {
                    targets.append(CheckTarget(nodeID: node.id, kind: .tls, subject: .servedTLS(host: host, secret: secretID.flatMap { secrets[$0] })))
                }
            default:
                continue
            }
        }
        self.targets = targets
    }

    /// The CAA identifier of well-known ACME CAs (RFC 8659 issuer domain names).
    public static func caaIdentifier(_ issuer: Issuer) -> String? {
        guard let server = issuer.acmeServer?.lowercased() else { return nil }
        let known: [(String, String)] = [
            ("letsencrypt.org", "letsencrypt.org"), ("pki.goog", "pki.goog"), ("zerossl.com", "sectigo.com"),
            ("sectigo.com", "sectigo.com"), ("buypass.com", "buypass.com"), ("digicert.com", "digicert.com"),
        ]
        return known.first { server.contains($0.0) }?.1
    }

    /// The plan's nodes as the report needs them.
    public static func reportNodes(_ plan: Plan) -> [CheckReport.PlanNode] {
        plan.graph.sortedNodes.map { CheckReport.PlanNode(id: $0.id, kind: $0.kind.rawValue, location: $0.location == .none ? nil : $0.location.description) }
    }
}
