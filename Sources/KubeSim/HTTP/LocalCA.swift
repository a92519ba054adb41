import Foundation
import SyncGateX509

/// The certificate authority KubeSim generates at start (SyncGateX509, ECDSA P-256, in memory): it signs the
/// API server's serving certificate and the certificates the simulated cert-manager issues.
public final class LocalCA: Sendable {
    public let authority: CertificateAuthority
    public var certificatePEM: String { authority.certificatePEM }
    public var keyPEM: String { authority.keyPEM }

    public struct Issued: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
        public var caPEM: String
        public var notBefore: Date
        public var notAfter: Date
    }

    public init(commonName: String = "KubeSim CA", now: Date = Date()) throws {
        authority = try CertificateAuthority.generate(commonName: commonName, now: Int64(now.timeIntervalSince1970))
    }

    /// A new private key (PEM, P-256), e.g. for cert-manager's next-private-key Secret.
    public static func generateKeyPEM() throws -> String { try PrivateKey.generateP256().pem }

    /// The notAfter of the first certificate in a PEM, or nil when it does not parse.
    public static func notAfter(ofPEM pemText: String) -> Date? {
        guard let c = try? SyncGateX509.Certificate(pem: pemText) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(c.notAfter))
    }

    /// Issues a leaf for DNS names and IP addresses (for `keyPEM`'s key, or a new one).
    public func issue(commonName: String, dnsNames: [String], ipAddresses: [String] = [], notBefore: Date, notAfter: Date,
                      keyPEM: String? = nil) throws -> Issued {
        let key = try keyPEM.map { try PrivateKey(pem: $0) } ?? PrivateKey.generateP256()
        let leaf = try authority.issue(dnsNames: dnsNames, ipAddresses: ipAddresses, notBefore: Int64(notBefore.timeIntervalSince1970),
                                       notAfter: Int64(notAfter.timeIntervalSince1970), key: key, commonName: commonName)
        return Issued(certificatePEM: leaf.pem, keyPEM: key.pem, caPEM: certificatePEM, notBefore: notBefore, notAfter: notAfter)
    }

    /// A certificate from a throwaway CA (cert-manager's temporary certificate, SelfSigned issuers).
    public static func selfSigned(commonName: String, dnsNames: [String], notBefore: Date, notAfter: Date) throws -> Issued {
        let ca = try LocalCA(commonName: "cert-manager.local", now: notBefore)
        return try ca.issue(commonName: commonName, dnsNames: dnsNames, notBefore: notBefore, notAfter: notAfter)
    }
}
