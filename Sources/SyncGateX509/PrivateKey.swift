import COpenSSL

/// Owns an `EVP_PKEY*`; freed on deinit. Immutable after creation, so sharing it across threads is safe.
package final class PKeyHandle: @unchecked Sendable {
    package let pointer: OpaquePointer
    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}

/// A private key (P-256 or RSA), parsed from PEM or generated.
///
///     let key = try PrivateKey.generateP256()
///     let pem = key.pem          // "-----BEGIN PRIVATE KEY-----…" (PKCS#8)
///     let again = try PrivateKey(pem: pem)
public struct PrivateKey: Sendable {
    package let handle: PKeyHandle

    /// Key algorithms SyncGate generates.
    public enum Algorithm: String, Sendable, CaseIterable {
        case p256 = "ECDSA P-256"
        case rsa2048 = "RSA-2048"
    }

    init(handle: PKeyHandle) { self.handle = handle }

    /// Parses a PEM private key: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    public init(pem: String) throws {
        let key = try MemoryBIO.reading(Array(pem.utf8)) { bio -> OpaquePointer? in
            PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw X509Error.openSSL("no PEM private key found (expected a BEGIN PRIVATE KEY block)") }
        OpenSSLErrorQueue.clear()
        self.handle = PKeyHandle(taking: key)
    }

    /// Generates a key of the given algorithm (P-256 takes ~2 ms, RSA-2048 ~60-90 ms).
    public static func generate(_ algorithm: Algorithm) throws -> PrivateKey {
        switch algorithm {
        case .p256: return try generateP256()
        case .rsa2048: return try generateRSA(bits: 2048)
        }
    }

    /// Generates an ECDSA key on the NIST P-256 curve.
    public static func generateP256() throws -> PrivateKey {
        try generate(id: EVP_PKEY_EC) { ctx in EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) }
    }

    /// Generates an RSA key with the given modulus size (2048 by default).
    public static func generateRSA(bits: Int = 2048) throws -> PrivateKey {
        try generate(id: EVP_PKEY_RSA) { ctx in EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) }
    }

    private static func generate(id: Int32, configure: (OpaquePointer) -> Int32) throws -> PrivateKey {
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { throw X509Error.openSSL("cannot create a key context") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1, configure(ctx) > 0 else {
            throw X509Error.openSSL("cannot initialise key generation")
        }
        var key: OpaquePointer? = nil
        guard EVP_PKEY_keygen(ctx, &key) == 1, let key else { throw X509Error.openSSL("key generation failed") }
        return PrivateKey(handle: PKeyHandle(taking: key))
    }

    /// The key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), unencrypted.
    public var pem: String {
        (try? MemoryBIO.writingString { bio in
            guard PEM_write_bio_PKCS8PrivateKey(bio, handle.pointer, nil, nil, 0, nil, nil) == 1 else {
                throw X509Error.openSSL("cannot encode the private key")
            }
        }) ?? ""
    }

    /// The public half as PEM (`-----BEGIN PUBLIC KEY-----`).
    public var publicKeyPEM: String {
        (try? MemoryBIO.writingString { bio in
            guard PEM_write_bio_PUBKEY(bio, handle.pointer) == 1 else {
                throw X509Error.openSSL("cannot encode the public key")
            }
        }) ?? ""
    }

    /// "ECDSA P-256", "RSA-2048", or OpenSSL's name of the type with its size.
    public var algorithmDescription: String {
        let bits = EVP_PKEY_get_bits(handle.pointer)
        switch EVP_PKEY_get_base_id(handle.pointer) {
        case EVP_PKEY_EC: return bits == 256 ? "ECDSA P-256" : "ECDSA \(bits)-bit"
        case EVP_PKEY_RSA: return "RSA-\(bits)"
        case let other: return "key type \(other) (\(bits) bits)"
        }
    }
}
