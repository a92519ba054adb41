import Foundation
import SyncGateProbes

/// `LiveEvidence` through SyncGateProbes: DNS over libresolv to the chosen resolvers (A/AAAA following CNAMEs),
/// OCI registry HEAD on the tag or digest (with credentials), and a TLS handshake with SNI to the ingress to read
/// the served chain.
public struct ProbeEvidence: LiveEvidence {
    public let resolver: AddressResolver
    public let registry: any RegistryChecking
    public let tls: (any TLSInspecting)?

    public init(resolvers: [ResolverAddress] = [], registry: any RegistryChecking = RegistryProbe(), tlsTimeoutMilliseconds: Int = 5_000) {
        self.resolver = AddressResolver(resolver: LibresolvResolver(servers: resolvers))
        self.registry = registry
        self.tls = try? OpenSSLTLSInspector(timeoutMilliseconds: tlsTimeoutMilliseconds)
    }

    public func resolve(host: String) async -> DNSAnswer {
        let r = await resolver.resolve(host)
        if r.addresses.isEmpty { return DNSAnswer(cnames: Array(r.chain.dropFirst()), error: "\(r.outcome) from \(r.resolver)") }
        return DNSAnswer(addresses: r.addresses, cnames: Array(r.chain.dropFirst()))
    }

    public func imageExists(_ reference: String) async -> ImageAnswer {
        guard let ref = ImageReference(reference) else { return .unknown("not an image reference") }
        let result = await registry.checkImage(ref)
        switch result.verdict {
        case .pass: return .exists
        case .fail: return .missing(result.summary)
        default: return .unknown(result.summary)
        }
    }

    public func servedChain(host: String, address: String, port: Int) async -> ServedChain {
        guard let tls else { return ServedChain(error: "OpenSSL could not be initialised") }
        switch await tls.inspect(serverName: host, address: address, port: port) {
        case .success(let served): return ServedChain(certificates: served.chain.map(\.der))
        case .failure(let f): return ServedChain(error: f.description)
        }
    }
}
