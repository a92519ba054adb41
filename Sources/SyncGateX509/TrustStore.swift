import COpenSSL

/// Owns an `X509_STORE*`. OpenSSL locks the store internally, so many verifications may share one.
package final class StoreHandle: @unchecked Sendable {
    package let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_STORE_free(pointer) }
}

/// The roots a chain is verified against: the system's trust store, or a PEM CA bundle (a staging CA, a test
/// CA, the `--ca-file` of `syncgate check`). Build one and reuse it: loading the system store costs milliseconds.
public struct TrustStore: Sendable {
    package let handle: StoreHandle
    /// Where the roots came from, for reports ("system trust store", "ca.pem (2 certificates)").
    public let origin: String
    /// The roots, when they came from PEM (empty for the system store).
    public let roots: [Certificate]

    /// The system's default trust store (OpenSSL's default paths: /etc/ssl/certs on Debian).
    public static func system() throws -> TrustStore {
        guard let store = X509_STORE_new() else { throw X509Error.openSSL("cannot allocate a trust store") }
        let handle = StoreHandle(taking: store)
        guard X509_STORE_set_default_paths(store) == 1 else {
            throw X509Error.openSSL("cannot load the system trust store (install ca-certificates)")
        }
        OpenSSLErrorQueue.clear()
        return TrustStore(handle: handle, origin: "system trust store", roots: [])
    }

    /// Trusts exactly the certificates of a PEM bundle.
    public init(pem: String, origin: String = "CA bundle") throws {
        let certificates = try Certificate.parseBundle(pem: pem)
        guard !certificates.isEmpty else { throw X509Error("\(origin): no certificates in the CA bundle") }
        try self.init(roots: certificates, origin: "\(origin) (\(certificates.count) certificate\(certificates.count == 1 ? "" : "s"))")
    }

    /// Trusts exactly these certificates.
    public init(roots: [Certificate], origin: String = "CA bundle") throws {
        guard let store = X509_STORE_new() else { throw X509Error.openSSL("cannot allocate a trust store") }
        let handle = StoreHandle(taking: store)
        for root in roots {
            guard X509_STORE_add_cert(store, root.handle.pointer) == 1 else {
                throw X509Error.openSSL("cannot add \(root.subject) to the trust store")
            }
        }
        self.handle = handle
        self.origin = origin
        self.roots = roots
    }

    private init(handle: StoreHandle, origin: String, roots: [Certificate]) {
        self.handle = handle
        self.origin = origin
        self.roots = roots
    }

    /// Verifies `leaf` with `intermediates` (the rest of a served chain, any order) against these roots at time
    /// `at` (epoch seconds). Hostname coverage is a separate question: `Certificate.covers(host:)`.
    public func verify(leaf: Certificate, intermediates: [Certificate] = [],
                       at time: Int64 = WallClock.nowEpochSeconds()) -> ChainVerification {
        guard let untrusted = copenssl_sk_X509_new_null() else {
            return ChainVerification(isValid: false, errorCode: -1, errorText: "out of memory", errorDepth: 0, chain: [])
        }
        defer { copenssl_sk_X509_free(untrusted) }  // the stack only borrows the certificates
        for certificate in intermediates { _ = copenssl_sk_X509_push(untrusted, certificate.handle.pointer) }
        guard let ctx = X509_STORE_CTX_new() else {
            return ChainVerification(isValid: false, errorCode: -1, errorText: "out of memory", errorDepth: 0, chain: [])
        }
        defer { X509_STORE_CTX_free(ctx) }
        guard X509_STORE_CTX_init(ctx, handle.pointer, leaf.handle.pointer, untrusted) == 1 else {
            let text = OpenSSLErrorQueue.drain()
            return ChainVerification(isValid: false, errorCode: -1, errorText: "cannot start verification: \(text)", errorDepth: 0, chain: [])
        }
        X509_STORE_CTX_set_time(ctx, 0, time_t(time))
        let ok = X509_verify_cert(ctx) == 1
        let code = X509_STORE_CTX_get_error(ctx)
        let depth = X509_STORE_CTX_get_error_depth(ctx)
        var chain: [Certificate] = []
        if let built = X509_STORE_CTX_get1_chain(ctx) {
            for i in 0..<copenssl_sk_X509_num(built) {
                if let x = copenssl_sk_X509_value(built, i) { chain.append(Certificate(retaining: x)) }
            }
            copenssl_sk_X509_pop_free(built)
        }
        OpenSSLErrorQueue.clear()
        let text = ok ? "ok" : String(cString: X509_verify_cert_error_string(Int(code)))
        return ChainVerification(isValid: ok, errorCode: Int(code), errorText: text, errorDepth: Int(depth), chain: chain)
    }
}

/// The outcome of a chain verification.
public struct ChainVerification: Sendable, CustomStringConvertible {
    /// The chain reaches a trusted root and every certificate is valid at the time asked.
    public let isValid: Bool
    /// OpenSSL's X509_V_ERR_* code (0 when valid), e.g. 10 expired, 18 self-signed leaf, 19 self-signed in chain,
    /// 20 unable to get local issuer (missing intermediate or unknown root).
    public let errorCode: Int
    /// OpenSSL's text for the code ("certificate has expired", "unable to get local issuer certificate"…).
    public let errorText: String
    /// Which certificate the error is about (0 = leaf).
    public let errorDepth: Int
    /// The chain OpenSSL built (leaf first), as far as it got.
    public let chain: [Certificate]

    public var description: String {
        isValid ? "chain ok (\(chain.count) certificates)" : "chain invalid at depth \(errorDepth): \(errorText) (X509_V_ERR \(errorCode))"
    }

    /// The well-known error codes, by name.
    public enum Code {
        public static let certificateExpired = Int(X509_V_ERR_CERT_HAS_EXPIRED)
        public static let certificateNotYetValid = Int(X509_V_ERR_CERT_NOT_YET_VALID)
        public static let selfSignedLeaf = Int(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
        public static let selfSignedInChain = Int(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
        public static let unableToGetLocalIssuer = Int(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
    }
}
