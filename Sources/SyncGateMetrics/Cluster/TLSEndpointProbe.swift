import SyncGateProbes

/// Reads the served certificate with SyncGateProbes' TLS inspection (OpenSSL handshake with SNI): at the given
/// ingress addresses, or at what the hostname resolves to.
public struct TLSEndpointProbe: ServedCertificateProbe {
    public var inspector: any TLSInspecting
    /// Connect here instead of resolving the hostname (the ingress load balancer's addresses); the first is used.
    public var connectTo: [String]
    public var resolver: AddressResolver

    public init(inspector: any TLSInspecting, connectTo: [String] = [], resolver: AddressResolver = AddressResolver(resolver: LibresolvResolver())) {
        self.inspector = inspector
        self.connectTo = connectTo
        self.resolver = resolver
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func servedCertificate(host: String, port: Int) async throws -> ServedCertificate {
        var addresses = connectTo
        if addresses.isEmpty {
            let resolution = await resolver.resolve(host)
            addresses = resolution.addresses
            guard !addresses.isEmpty else { throw Failure(description: "\(host) does not resolve (\(resolution.outcome))") }
        }
        switch await inspector.inspect(serverName: host, address: addresses[0], port: port) {
        case .success(let served):
            guard let leaf = served.leaf else { throw Failure(description: "\(host) at \(addresses[0]):\(port) sent no certificate") }
            return ServedCertificate(leafDER: leaf.der)
        case .failure(let failure):
            throw Failure(description: "TLS with SNI \(host) at \(addresses[0]):\(port): \(failure)")
        }
    }
}
