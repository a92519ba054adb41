import COpenSSL

/// What to put into a certificate SyncGate generates.
public struct CertificateRequest: Sendable {
    public var commonName: String
    public var dnsNames: [String]
    public var ipAddresses: [String]
    /// Validity, seconds since the epoch. Past values make expired certificates (for tests).
    public var notBefore: Int64
    public var notAfter: Int64
    public var isCA: Bool
    /// Organisation (O=) of the subject, optional.
    public var organization: String?

    public init(commonName: String, dnsNames: [String] = [], ipAddresses: [String] = [],
                notBefore: Int64, notAfter: Int64, isCA: Bool = false, organization: String? = nil) {
        self.commonName = commonName
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCA = isCA
        self.organization = organization
    }
}

/// Builds and signs an X509 (v3, SHA-256, random 128-bit serial).
enum CertificateBuilder {
    /// `subjectKey` goes into the certificate; `signer` signs it (the same key and no issuer for self-signed).
    static func build(_ request: CertificateRequest, subjectKey: PrivateKey,
                      issuer: Certificate?, signer: PrivateKey) throws -> Certificate {
        guard let x = X509_new() else { throw X509Error.openSSL("cannot allocate a certificate") }
        let handle = X509Handle(taking: x)  // frees x on every path
        guard X509_set_version(x, 2) == 1 else { throw X509Error.openSSL("cannot set the version") }
        try setRandomSerial(x)
        guard ASN1_TIME_set(X509_getm_notBefore(x), time_t(request.notBefore)) != nil,
              ASN1_TIME_set(X509_getm_notAfter(x), time_t(request.notAfter)) != nil
        else { throw X509Error.openSSL("cannot set the validity") }

        guard let name = X509_NAME_new() else { throw X509Error.openSSL("cannot allocate a name") }
        defer { X509_NAME_free(name) }
        if let organization = request.organization { try add(name, "O", organization) }
        try add(name, "CN", request.commonName)
        guard X509_set_subject_name(x, name) == 1 else { throw X509Error.openSSL("cannot set the subject") }
        let issuerName = issuer.map { X509_get_subject_name($0.handle.pointer) } ?? name
        guard X509_set_issuer_name(x, issuerName) == 1 else { throw X509Error.openSSL("cannot set the issuer") }
        guard X509_set_pubkey(x, subjectKey.handle.pointer) == 1 else { throw X509Error.openSSL("cannot set the public key") }

        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer?.handle.pointer ?? x, x, nil, nil, 0)
        if request.isCA {
            try addExtension(x, &ctx, NID_basic_constraints, "critical,CA:TRUE")
            try addExtension(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature")
        } else {
            try addExtension(x, &ctx, NID_basic_constraints, "critical,CA:FALSE")
            try addExtension(x, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment")
            try addExtension(x, &ctx, NID_ext_key_usage, "serverAuth,clientAuth")
        }
        try addExtension(x, &ctx, NID_subject_key_identifier, "hash")
        if issuer != nil || request.isCA { try addExtension(x, &ctx, NID_authority_key_identifier, "keyid:always") }
        let sans = request.dnsNames.map { "DNS:\($0)" } + request.ipAddresses.map { "IP:\($0)" }
        if !sans.isEmpty { try addExtension(x, &ctx, NID_subject_alt_name, sans.joined(separator: ",")) }

        guard X509_sign(x, signer.handle.pointer, EVP_sha256()) > 0 else { throw X509Error.openSSL("cannot sign the certificate") }
        return Certificate(handle: handle)
    }

    private static func setRandomSerial(_ x: OpaquePointer) throws {
        guard let bn = BN_new() else { throw X509Error.openSSL("cannot allocate a serial") }
        defer { BN_free(bn) }
        guard BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
              BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != nil
        else { throw X509Error.openSSL("cannot set a random serial") }
    }

    private static func add(_ name: OpaquePointer, _ field: String, _ value: String) throws {
        guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
            throw X509Error.openSSL("cannot add \(field)=\(value) to the name")
        }
    }

    private static func addExtension(_ x: OpaquePointer, _ ctx: inout X509V3_CTX, _ nid: Int32, _ value: String) throws {
        guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
            throw X509Error.openSSL("cannot build extension \(nid) = \(value)")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(x, ext, -1) == 1 else { throw X509Error.openSSL("cannot add extension \(value)") }
    }
}
