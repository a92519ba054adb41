/// What an endpoint served in a TLS handshake with SNI.
public struct ServedCertificate: Sendable, Equatable {
    /// The leaf certificate, DER.
    public var leafDER: [UInt8]

    public init(leafDER: [UInt8]) { self.leafDER = leafDER }
}

/// Reads the certificate an endpoint serves for a hostname (TLS handshake with SNI). The live implementation is
/// SyncGateProbes' TLS inspection; where to connect (the ingress address or DNS) is the implementation's choice.
public protocol ServedCertificateProbe: Sendable {
    func servedCertificate(host: String, port: Int) async throws -> ServedCertificate
}
