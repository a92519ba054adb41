import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small helpers over OpenSSL memory BIOs, ASN.1 strings and times. Internal to SyncGateX509 (and the probes
/// through `package` access).
package enum MemoryBIO {
    /// Runs `body` with a read-only memory BIO over `bytes`; the BIO is freed afterwards.
    package static func reading<R>(_ bytes: [UInt8], _ body: (OpaquePointer) throws -> R) throws -> R {
        try bytes.withUnsafeBytes { raw -> R in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                throw X509Error.openSSL("cannot allocate a memory BIO")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        }
    }

    /// Runs `body` with an empty writable memory BIO and returns what was written as bytes.
    package static func writing(_ body: (OpaquePointer) throws -> Void) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw X509Error.openSSL("cannot allocate a memory BIO") }
        defer { BIO_free(bio) }
        try body(bio)
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = copenssl_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }

    package static func writingString(_ body: (OpaquePointer) throws -> Void) throws -> String {
        String(decoding: try writing(body), as: UTF8.self)
    }
}

enum ASN1 {
    /// Seconds since the epoch of an ASN1_TIME (UTCTime or GeneralizedTime).
    static func epochSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64? {
        guard let time else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { return nil }
        return Int64(timegm(&tm))
    }

    /// The UTF-8 text of an ASN1_STRING (IA5String, UTF8String, PrintableString…).
    static func text(_ string: UnsafePointer<ASN1_STRING>?) -> String? {
        guard let string else { return nil }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&out, string)
        guard length >= 0, let out else { return nil }
        defer { copenssl_OPENSSL_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }

    /// Raw bytes of an ASN1_STRING (for example the 4 or 16 bytes of an iPAddress general name).
    static func bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }
}

enum Hex {
    static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The current time in seconds since the epoch (the default for validity checks; callers can pass their own).
public enum WallClock {
    public static func nowEpochSeconds() -> Int64 { Int64(time(nil)) }
}
