/// The probe families `--only` selects.
public enum CheckKind: String, Sendable, CaseIterable, Codable {
    case dns, image, http01, tls, acme
}

/// One thing to gather evidence for. `nodeID` ties it to the plan's graph (`dns:pay.example.com`,
/// `image:registry.example.com/pay/web:1.4.2`, `certificate:pay-prod/pay-cert`, `issuer:ClusterIssuer/le-prod`).
public struct CheckTarget: Sendable {
    public enum Subject: Sendable {
        /// A/AAAA of the host against the ingress.
        case hostAddresses(host: String)
        /// CAA for the host and the CA identifier (`letsencrypt.org`).
        case caa(host: String, caIdentifier: String)
        case image(ImageReference)
        /// HTTP-01 reachability of the host on the ingress.
        case http01(host: String)
        /// The certificate served for the host on the ingress, optionally compared with a Secret.
        case servedTLS(host: String, secret: SecretMaterial?)
        case acmeDirectory(url: String)
    }

    public let nodeID: String
    public let kind: CheckKind
    public let subject: Subject

    public init(nodeID: String, kind: CheckKind, subject: Subject) {
        self.nodeID = nodeID
        self.kind = kind
        self.subject = subject
    }

    /// A short label of what is checked (`A/AAAA pay.example.com`).
    public var label: String {
        switch subject {
        case .hostAddresses(let host): return "A/AAAA \(host)"
        case let .caa(host, ca): return "CAA \(host) for \(ca)"
        case .image(let reference): return "manifest \(reference)"
        case .http01(let host): return "HTTP-01 path on \(host)"
        case .servedTLS(let host, _): return "served TLS for \(host)"
        case .acmeDirectory(let url): return "ACME directory \(url)"
        }
    }
}

/// One target's evidence.
public struct CheckOutcome: Sendable {
    public let target: CheckTarget
    public let result: ProbeResult
    public init(target: CheckTarget, result: ProbeResult) {
        self.target = target
        self.result = result
    }
}
