import Foundation
import SyncGateCore
import SyncGateX509

/// `LiveEvidence` for simulations (KubeSim, the demo): DNS and the registry come from closures (a built-in zone,
/// a set of pushed images), and the "ingress" serves what a Gateway would: the Secret referenced by the listener
/// whose hostname matches, read from the cluster, and nothing while that Gateway is not Programmed.
/// Real deployments use SyncGateProbes (libresolv, registry HEAD, an OpenSSL handshake) instead.
public struct ClusterIngressEvidence: LiveEvidence {
    public let cluster: any RolloutCluster
    public let ingressAddress: String
    public let zone: @Sendable (String) -> [String]?
    public let image: @Sendable (String) -> Bool
    /// Hosts whose ingress serves something else (a stale certificate), for verification-failure scenarios.
    public let override: @Sendable (String) -> [UInt8]?

    public init(cluster: any RolloutCluster, ingressAddress: String, zone: @escaping @Sendable (String) -> [String]?,
                image: @escaping @Sendable (String) -> Bool, override: @escaping @Sendable (String) -> [UInt8]? = { _ in nil }) {
        self.cluster = cluster
        self.ingressAddress = ingressAddress
        self.zone = zone
        self.image = image
        self.override = override
    }

    public func resolve(host: String) async -> DNSAnswer {
        if let a = zone(host.lowercased()), !a.isEmpty { return DNSAnswer(addresses: a) }
        return DNSAnswer(error: "NXDOMAIN")
    }

    public func imageExists(_ reference: String) async -> ImageAnswer {
        image(reference) ? .exists : .missing("manifest unknown")
    }

    public func servedChain(host: String, address: String, port: Int) async -> ServedChain {
        guard address == ingressAddress else { return ServedChain(error: "connection refused at \(address):\(port)") }
        if let der = override(host) { return ServedChain(certificates: [der]) }
        guard let gateways = try? await cluster.list(.gateways, namespace: nil, labelSelector: nil) else {
            return ServedChain(error: "cannot read Gateways")
        }
        for gw in gateways {
            let ns = gw[path: "metadata", "namespace"]?.scalarText ?? ""
            for l in gw[path: "spec", "listeners"]?.elements ?? [] where l["hostname"]?.scalarText?.lowercased() == host.lowercased() {
                guard Condition.find("Programmed", in: gw["status"])?.isTrue == true else {
                    return ServedChain(error: "connection reset: Gateway \(ns)/\(gw[path: "metadata", "name"]?.scalarText ?? "") is not Programmed")
                }
                guard let ref = l[path: "tls", "certificateRefs"]?.elements.first,
                      let secret = try? await cluster.get(.secrets, namespace: ref["namespace"]?.scalarText ?? ns, name: ref["name"]?.scalarText ?? ""),
                      let b64 = secret[path: "data", "tls.crt"]?.scalarText, let pem = Data(base64Encoded: b64),
                      let certs = try? SyncGateX509.Certificate.parseBundle(pem: String(decoding: pem, as: UTF8.self)), !certs.isEmpty else {
                    return ServedChain(error: "TLS alert: no certificate for \(host)")
                }
                return ServedChain(certificates: certs.map(\.der))
            }
        }
        return ServedChain(error: "no listener for \(host) (404 from the ingress)")
    }
}
