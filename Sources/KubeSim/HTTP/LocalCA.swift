import Foundation
import COpenSSL

/// A certificate authority KubeSim generates at start: it signs the API server's serving certificate and
/// the certificates the simulated cert-manager issues (ECDSA P-256, in memory).
public final class LocalCA: @unchecked Sendable {
    public let certificatePEM: String
    public let keyPEM: String
    private let key: OpaquePointer
    private let cert: OpaquePointer
    private let lock = NSLock()
    private var serial: Int = 1000

    public struct Issued: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
        public var caPEM: String
        public var notBefore: Date
        public var notAfter: Date
    }

    public init(commonName: String = "KubeSim CA", now: Date = Date()) throws {
        key = try Self.generateKey()
        guard let x = X509_new() else { throw KubeSimError.tls("X509_new failed") }
        cert = x
        try Self.fill(x, subjectCN: commonName, issuer: nil, serial: 1, notBefore: now.addingTimeInterval(-3600),
                      notAfter: now.addingTimeInterval(10 * 365 * 86400), publicKey: key)
        try Self.addExtension(x, issuer: x, NID_basic_constraints, "critical,CA:TRUE")
        try Self.addExtension(x, issuer: x, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature")
        try Self.addExtension(x, issuer: x, NID_subject_key_identifier, "hash")
        guard X509_sign(x, key, EVP_sha256()) > 0 else { throw KubeSimError.tls("signing the CA failed") }
        certificatePEM = try Self.pem(cert: x)
        keyPEM = try Self.pem(key: key)
    }

    deinit {
        X509_free(cert)
        EVP_PKEY_free(key)
    }

    /// A new private key (PKCS#8 PEM, P-256), e.g. for cert-manager's next-private-key Secret.
    public static func generateKeyPEM() throws -> String {
        let k = try generateKey()
        defer { EVP_PKEY_free(k) }
        return try pem(key: k)
    }

    /// The notAfter of the first certificate in a PEM, or nil when it does not parse.
    public static func notAfter(ofPEM pemText: String) -> Date? {
        guard let bio = BIO_new_mem_buf(pemText, Int32(pemText.utf8.count)) else { return nil }
        defer { BIO_free(bio) }
        guard let x = PEM_read_bio_X509(bio, nil, nil, nil) else { return nil }
        defer { X509_free(x) }
        var t = tm()
        guard ASN1_TIME_to_tm(X509_get0_notAfter(x), &t) == 1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&t)))
    }

    /// Issues a leaf for DNS names and IP addresses (for `keyPEM`'s key, or a new one).
    public func issue(commonName: String, dnsNames: [String], ipAddresses: [String] = [], notBefore: Date, notAfter: Date,
                      keyPEM: String? = nil) throws -> Issued {
        lock.lock(); serial += 1; let s = serial; lock.unlock()
        let leafKey: OpaquePointer
        if let keyPEM {
            let bio = BIO_new_mem_buf(keyPEM, Int32(keyPEM.utf8.count))
            defer { BIO_free(bio) }
            guard let k = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw KubeSimError.tls("cannot read the private key PEM") }
            leafKey = k
        } else {
            leafKey = try Self.generateKey()
        }
        defer { EVP_PKEY_free(leafKey) }
        guard let x = X509_new() else { throw KubeSimError.tls("X509_new failed") }
        defer { X509_free(x) }
        try Self.fill(x, subjectCN: commonName, issuer: cert, serial: s, notBefore: notBefore, notAfter: notAfter, publicKey: leafKey)
        let sans = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\($0)" }
        if !sans.isEmpty { try Self.addExtension(x, issuer: cert, NID_subject_alt_name, sans.joined(separator: ",")) }
        try Self.addExtension(x, issuer: cert, NID_basic_constraints, "critical,CA:FALSE")
        try Self.addExtension(x, issuer: cert, NID_key_usage, "critical,digitalSignature,keyEncipherment")
        try Self.addExtension(x, issuer: cert, NID_ext_key_usage, "serverAuth")
        try Self.addExtension(x, issuer: cert, NID_authority_key_identifier, "keyid:always")
        lock.lock()
        let signed = X509_sign(x, key, EVP_sha256())
        lock.unlock()
        guard signed > 0 else { throw KubeSimError.tls("signing a leaf failed") }
        return Issued(certificatePEM: try Self.pem(cert: x), keyPEM: try Self.pem(key: leafKey), caPEM: certificatePEM,
                      notBefore: notBefore, notAfter: notAfter)
    }

    /// A self-signed certificate (cert-manager's temporary certificate, placeholders).
    public static func selfSigned(commonName: String, dnsNames: [String], notBefore: Date, notAfter: Date) throws -> Issued {
        let ca = try LocalCA(commonName: "cert-manager.local", now: notBefore)
        return try ca.issue(commonName: commonName, dnsNames: dnsNames, notBefore: notBefore, notAfter: notAfter)
    }

    // MARK: OpenSSL plumbing

    private static func generateKey() throws -> OpaquePointer {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw KubeSimError.tls("EVP_PKEY_CTX_new_id failed") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) > 0,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) > 0 else { throw KubeSimError.tls("EC keygen init failed") }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(ctx, &key) > 0, let key else { throw KubeSimError.tls("EC keygen failed") }
        return key
    }

    private static func fill(_ x: OpaquePointer, subjectCN: String, issuer: OpaquePointer?, serial: Int, notBefore: Date,
                             notAfter: Date, publicKey: OpaquePointer) throws {
        X509_set_version(x, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(x), serial)
        X509_time_adj_ex(X509_getm_notBefore(x), 0, Int(notBefore.timeIntervalSinceNow), nil)
        X509_time_adj_ex(X509_getm_notAfter(x), 0, Int(notAfter.timeIntervalSinceNow), nil)
        let name = X509_get_subject_name(x)
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "KubeSim", -1, -1, 0)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, subjectCN, -1, -1, 0)
        X509_set_issuer_name(x, issuer.map { X509_get_subject_name($0) } ?? name)
        X509_set_pubkey(x, publicKey)
    }

    private static func addExtension(_ x: OpaquePointer, issuer: OpaquePointer, _ nid: Int32, _ value: String) throws {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer, x, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else { throw KubeSimError.tls("extension \(nid)=\(value) failed") }
        X509_add_ext(x, ext, -1)
        X509_EXTENSION_free(ext)
    }

    private static func pem(cert: OpaquePointer) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw KubeSimError.tls("BIO_new failed") }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, cert)
        return read(bio)
    }

    private static func pem(key: OpaquePointer) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw KubeSimError.tls("BIO_new failed") }
        defer { BIO_free(bio) }
        PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil)
        return read(bio)
    }

    private static func read(_ bio: OpaquePointer) -> String {
        var p: UnsafeMutablePointer<CChar>? = nil
        let n = copenssl_BIO_get_mem_data(bio, &p)
        guard let p, n > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }
}
