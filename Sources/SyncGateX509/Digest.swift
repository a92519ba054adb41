import COpenSSL

/// SHA-256 over bytes (OCI digests, fingerprints of arbitrary data).
public enum SHA256Digest {
    /// Lowercase hex of SHA-256(`bytes`).
    public static func hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { buffer in
            var length: UInt32 = 0
            _ = EVP_Digest(buffer.baseAddress, buffer.count, &digest, &length, EVP_sha256(), nil)
        }
        return Hex.lowercase(digest)
    }

    /// `sha256:<hex>`, the OCI digest form.
    public static func ociDigest(_ bytes: [UInt8]) -> String { "sha256:" + hex(bytes) }
}
