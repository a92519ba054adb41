/// A certificate authority that issues certificates: KubeSim's cert-manager issuer and the test servers' CA.
///
///     let ca = try CertificateAuthority.generate(commonName: "SyncGate Test CA")
///     let key = try PrivateKey.generateP256()
///     let leaf = try ca.issue(dnsNames: ["pay.example.com"], notBefore: now - 60, notAfter: now + 90 * 86_400, key: key)
///     // ca.certificatePEM, ca.keyPEM, leaf.pem, key.pem
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey

    public var certificatePEM: String { certificate.pem }
    public var keyPEM: String { key.pem }

    public init(certificate: Certificate, key: PrivateKey) throws {
        guard certificate.matches(key: key) else {
            throw X509Error("the CA certificate \(certificate.subject) does not match the CA key")
        }
        self.certificate = certificate
        self.key = key
    }

    /// Loads a CA from PEM texts (certificate first in `certificatePEM`).
    public init(certificatePEM: String, keyPEM: String) throws {
        try self.init(certificate: Certificate(pem: certificatePEM), key: PrivateKey(pem: keyPEM))
    }

    /// A new self-signed root CA (P-256 by default), valid from an hour ago for `validity` seconds (10 years).
    public static func generate(commonName: String, algorithm: PrivateKey.Algorithm = .p256,
                                validity: Int64 = 10 * 365 * 86_400,
                                now: Int64 = WallClock.nowEpochSeconds()) throws -> CertificateAuthority {
        let key = try PrivateKey.generate(algorithm)
        let request = CertificateRequest(commonName: commonName, notBefore: now - 3_600, notAfter: now + validity,
                                         isCA: true, organization: "SyncGate")
        let certificate = try CertificateBuilder.build(request, subjectKey: key, issuer: nil, signer: key)
        return try CertificateAuthority(certificate: certificate, key: key)
    }

    /// Issues a leaf for `dnsNames` (the first is also the CN) with the given validity, for `key`'s public half.
    public func issue(dnsNames: [String], ipAddresses: [String] = [], notBefore: Int64, notAfter: Int64,
                      key: PrivateKey, commonName: String? = nil) throws -> Certificate {
        let cn = commonName ?? dnsNames.first ?? ipAddresses.first ?? "syncgate"
        let request = CertificateRequest(commonName: cn, dnsNames: dnsNames, ipAddresses: ipAddresses,
                                         notBefore: notBefore, notAfter: notAfter)
        return try issue(request, key: key)
    }

    /// Issues any request (a leaf, or an intermediate when `request.isCA`).
    public func issue(_ request: CertificateRequest, key: PrivateKey) throws -> Certificate {
        try CertificateBuilder.build(request, subjectKey: key, issuer: certificate, signer: self.key)
    }

    /// A new intermediate CA signed by this one (for chains with a missing intermediate, etc.).
    public func issueIntermediate(commonName: String, algorithm: PrivateKey.Algorithm = .p256,
                                  validity: Int64 = 5 * 365 * 86_400,
                                  now: Int64 = WallClock.nowEpochSeconds()) throws -> CertificateAuthority {
        let key = try PrivateKey.generate(algorithm)
        let request = CertificateRequest(commonName: commonName, notBefore: now - 3_600, notAfter: now + validity,
                                         isCA: true, organization: "SyncGate")
        return try CertificateAuthority(certificate: issue(request, key: key), key: key)
    }
}

/// Self-signed certificates: SyncGate's placeholder Secret for a listener host, and test fixtures.
public enum SelfSigned {
    /// A placeholder for `host`: a fresh P-256 key and a self-signed leaf with CN and SAN = `host`, valid from a
    /// minute ago for `validity` seconds (default 30 days). Returns `tls.crt` and `tls.key` contents.
    public static func placeholder(host: String, validity: Int64 = 30 * 86_400,
                                   now: Int64 = WallClock.nowEpochSeconds()) throws -> (certificatePEM: String, keyPEM: String) {
        let key = try PrivateKey.generateP256()
        let isIP = IPAddressText.parse(host) != nil
        let certificate = try certificate(CertificateRequest(commonName: host, dnsNames: isIP ? [] : [host],
                                                             ipAddresses: isIP ? [host] : [],
                                                             notBefore: now - 60, notAfter: now + validity,
                                                             organization: "SyncGate placeholder"),
                                          key: key)
        return (certificate.pem, key.pem)
    }

    /// A self-signed certificate for any request, signed by `key`.
    public static func certificate(_ request: CertificateRequest, key: PrivateKey) throws -> Certificate {
        try CertificateBuilder.build(request, subjectKey: key, issuer: nil, signer: key)
    }
}
