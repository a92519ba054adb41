import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns an `X509*`; freed on deinit. Certificates are never mutated after parsing, so sharing is safe.
package final class X509Handle: @unchecked Sendable {
    package let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }
}

/// An X.509 certificate with the fields SyncGate reports, read once at parse time.
///
///     let cert = try Certificate(pem: tlsCrt)             // the first certificate of a PEM text
///     let chain = try Certificate.parseBundle(pem: tlsCrt) // every certificate, leaf first as written
///     cert.dnsNames, cert.notAfter, cert.sha256Fingerprint, cert.covers(host: "pay.example.com")
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    package let handle: X509Handle

    /// Subject distinguished name, RFC 2253 (`CN=pay.example.com,O=Example`).
    public let subject: String
    /// Issuer distinguished name, RFC 2253.
    public let issuer: String
    /// The subject's common name, if any.
    public let commonName: String?
    /// DNS names of the subjectAltName extension, as written (wildcards kept, e.g. `*.example.com`).
    public let dnsNames: [String]
    /// IP addresses of the subjectAltName extension, in text form (`127.0.0.1`, `::1`).
    public let ipAddresses: [String]
    /// Validity start and end, seconds since the epoch (UTC).
    public let notBefore: Int64
    public let notAfter: Int64
    /// Serial number, lowercase hex without separators.
    public let serialNumber: String
    /// SHA-256 over the DER encoding, lowercase hex without colons (what `openssl x509 -fingerprint -sha256` shows,
    /// minus the colons and upper case).
    public let sha256Fingerprint: String
    /// basicConstraints CA:TRUE.
    public let isCA: Bool
    /// The DER encoding.
    public let der: [UInt8]

    /// Parses the first certificate of a PEM text.
    public init(pem: String) throws {
        guard let first = try Certificate.parseBundle(pem: pem).first else {
            throw X509Error("no certificate found in the PEM text (expected a BEGIN CERTIFICATE block)")
        }
        self = first
    }

    /// Parses one DER-encoded certificate.
    public init(der: [UInt8]) throws {
        let x509 = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let x509 else { throw X509Error.openSSL("not a DER certificate") }
        self.init(handle: X509Handle(taking: x509))
    }

    /// Wraps an `X509*` the caller holds a reference to; the reference count is raised, so the caller keeps
    /// (and frees) its own reference.
    package init(retaining x509: OpaquePointer) {
        X509_up_ref(x509)
        self.init(handle: X509Handle(taking: x509))
    }

    /// Every certificate in a PEM text (a chain or a CA bundle), in order. Non-certificate blocks are skipped.
    public static func parseBundle(pem: String) throws -> [Certificate] {
        let certificates = try MemoryBIO.reading(Array(pem.utf8)) { bio -> [Certificate] in
            var found: [Certificate] = []
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                found.append(Certificate(handle: X509Handle(taking: x509)))
            }
            return found
        }
        // The loop ends on "no start line", which OpenSSL records as an error: not one for the caller.
        OpenSSLErrorQueue.clear()
        if certificates.isEmpty, pem.contains("-----BEGIN CERTIFICATE-----") {
            throw X509Error("the PEM text has a BEGIN CERTIFICATE block that OpenSSL cannot parse")
        }
        return certificates
    }

    init(handle: X509Handle) {
        let x = handle.pointer
        self.handle = handle
        self.subject = Certificate.distinguishedName(X509_get_subject_name(x))
        self.issuer = Certificate.distinguishedName(X509_get_issuer_name(x))
        self.commonName = Certificate.commonName(X509_get_subject_name(x))
        let names = Certificate.subjectAltNames(x)
        self.dnsNames = names.dns
        self.ipAddresses = names.ip
        self.notBefore = ASN1.epochSeconds(X509_get0_notBefore(x)) ?? 0
        self.notAfter = ASN1.epochSeconds(X509_get0_notAfter(x)) ?? 0
        self.serialNumber = Certificate.serialHex(x)
        self.der = Certificate.derBytes(x)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = X509_digest(x, EVP_sha256(), &digest, &length)
        self.sha256Fingerprint = Hex.lowercase(digest.prefix(Int(length)))
        self.isCA = (X509_get_extension_flags(x) & UInt32(EXFLAG_CA)) != 0
        OpenSSLErrorQueue.clear()
    }

    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    public var pem: String {
        (try? MemoryBIO.writingString { bio in _ = PEM_write_bio_X509(bio, handle.pointer) }) ?? ""
    }

    /// Subject and issuer are the same name (a root or a self-signed leaf).
    public var isSelfIssued: Bool { subject == issuer }

    /// Whole days from `now` until notAfter (negative once expired; rounds toward zero).
    public func daysLeft(at now: Int64 = WallClock.nowEpochSeconds()) -> Int {
        Int((notAfter - now) / 86_400)
    }

    /// Whether `now` lies within [notBefore, notAfter].
    public func isValid(at now: Int64 = WallClock.nowEpochSeconds()) -> Bool {
        now >= notBefore && now <= notAfter
    }

    /// Whether the certificate's public key belongs to `key` (`tls.crt` versus `tls.key`).
    public func matches(key: PrivateKey) -> Bool {
        let result = X509_check_private_key(handle.pointer, key.handle.pointer) == 1
        OpenSSLErrorQueue.clear()
        return result
    }

    /// Whether this certificate's signature verifies with `issuer`'s public key (one link of a chain).
    public func isSigned(by issuer: Certificate) -> Bool {
        guard let key = X509_get0_pubkey(issuer.handle.pointer) else { return false }
        let result = X509_verify(handle.pointer, key) == 1
        OpenSSLErrorQueue.clear()
        return result
    }

    /// Whether the subjectAltName covers `host` (RFC 6125 / the CA/B Forum rules browsers apply):
    /// case-insensitive, a trailing dot ignored, `*` only as the whole left-most label and matching exactly
    /// one label (`*.example.com` covers `a.example.com`, not `example.com` nor `a.b.example.com`), IP
    /// literals only against IP SANs. The subject CN is not consulted (browsers stopped doing so).
    public func covers(host: String) -> Bool {
        HostnameMatch.covers(host: host, dnsNames: dnsNames, ipAddresses: ipAddresses)
    }

    public var description: String {
        "Certificate(subject: \(subject), issuer: \(issuer), dns: \(dnsNames), notAfter: \(notAfter), sha256: \(sha256Fingerprint))"
    }

    public static func == (a: Certificate, b: Certificate) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(sha256Fingerprint) }

    // MARK: reading fields

    private static func distinguishedName(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        return (try? MemoryBIO.writingString { bio in
            _ = X509_NAME_print_ex(bio, name, 0, copenssl_XN_FLAG_RFC2253())
        }) ?? ""
    }

    private static func commonName(_ name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index) else { return nil }
        return ASN1.text(X509_NAME_ENTRY_get_data(entry))
    }

    private static func subjectAltNames(_ x: OpaquePointer) -> (dns: [String], ip: [String]) {
        guard let raw = X509_get_ext_d2i(x, NID_subject_alt_name, nil, nil) else { return ([], []) }
        let names = OpaquePointer(raw)
        defer { copenssl_GENERAL_NAMES_free(names) }
        var dns: [String] = []
        var ip: [String] = []
        for i in 0..<copenssl_sk_GENERAL_NAME_num(names) {
            guard let name = copenssl_sk_GENERAL_NAME_value(names, i) else { continue }
            switch name.pointee.type {
            case GEN_DNS:
                if let text = ASN1.text(name.pointee.d.dNSName) { dns.append(text) }
            case GEN_IPADD:
                if let text = IPAddressText.format(ASN1.bytes(name.pointee.d.iPAddress)) { ip.append(text) }
            default:
                continue
            }
        }
        return (dns, ip)
    }

    private static func serialHex(_ x: OpaquePointer) -> String {
        guard let serial = X509_get0_serialNumber(x), let bn = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { copenssl_OPENSSL_free(hex) }
        return String(cString: hex).lowercased()
    }

    private static func derBytes(_ x: OpaquePointer) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509(x, &out)
        guard length > 0, let out else { return [] }
        defer { copenssl_OPENSSL_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }
}

/// Text forms of IP addresses (SAN iPAddress bytes) and parsing of IP literals.
package enum IPAddressText {
    package static func format(_ bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        let ok = bytes.withUnsafeBytes { raw in
            buffer.withUnsafeMutableBufferPointer { inet_ntop(family, raw.baseAddress, $0.baseAddress, socklen_t($0.count)) }
        }
        guard ok != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 literal, or nil when `text` is not one.
    package static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The canonical text of an IP literal (`::0001` -> `::1`), or nil.
    package static func canonical(_ text: String) -> String? {
        parse(text).flatMap(format)
    }
}
