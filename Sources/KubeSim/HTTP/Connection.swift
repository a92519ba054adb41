import Foundation
import COpenSSL

/// A byte stream to one client: a plain socket or TLS over it.
protocol Connection: AnyObject, Sendable {
    /// Bytes read, 0 at end of stream, negative on error.
    func read(_ buffer: inout [UInt8]) -> Int
    func write(_ bytes: [UInt8]) -> Bool
    func close()
}

final class PlainConnection: Connection, @unchecked Sendable {
    let fd: Int32
    private let closed = Locked(false)
    init(fd: Int32) { self.fd = fd }

    func read(_ buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    }

    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    func close() {
        let first = closed.withLock { c -> Bool in defer { c = true }; return !c }
        if first { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }
    }
}

/// TLS server side of one connection (OpenSSL).
final class TLSConnection: Connection, @unchecked Sendable {
    let fd: Int32
    private let ssl: OpaquePointer
    private let lock = NSLock()
    private var closed = false

    /// Performs the handshake; nil (socket closed) when it fails. Stored properties are set only on success,
    /// so a failed init never reaches deinit (which would free the SSL object a second time).
    init?(fd: Int32, context: TLSServerContext) {
        guard let handle = SSL_new(context.ctx) else {
            shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd)
            return nil
        }
        SSL_set_fd(handle, fd)
        if SSL_accept(handle) != 1 {
            SSL_free(handle)
            shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd)
            return nil
        }
        self.fd = fd
        self.ssl = handle
    }

    func read(_ buffer: inout [UInt8]) -> Int {
        let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
        return Int(n)
    }

    func write(_ bytes: [UInt8]) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if closed { return false }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32(bytes.count - offset)) }
            if n <= 0 { return false }
            offset += Int(n)
        }
        return true
    }

    func close() {
        lock.lock()
        if closed { lock.unlock(); return }
        closed = true
        lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        // The SSL object is freed when this connection goes away (a reader may still be inside SSL_read).
    }

    deinit { SSL_free(ssl) }
}

/// An SSL_CTX with a serving certificate and key (PEM).
final class TLSServerContext: @unchecked Sendable {
    let ctx: OpaquePointer

    init(certificatePEM: String, keyPEM: String) throws {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw KubeSimError.tls("SSL_CTX_new failed") }
        self.ctx = ctx
        _ = copenssl_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        let certBIO = BIO_new_mem_buf(certificatePEM, Int32(certificatePEM.utf8.count))
        defer { BIO_free(certBIO) }
        guard let cert = PEM_read_bio_X509(certBIO, nil, nil, nil) else { throw KubeSimError.tls("cannot read the serving certificate PEM") }
        defer { X509_free(cert) }
        guard SSL_CTX_use_certificate(ctx, cert) == 1 else { throw KubeSimError.tls("SSL_CTX_use_certificate failed") }
        // Remaining certificates in the PEM are the chain.
        while let extra = PEM_read_bio_X509(certBIO, nil, nil, nil) {
            if SSL_CTX_ctrl(ctx, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(extra)) != 1 { X509_free(extra) }
        }
        let keyBIO = BIO_new_mem_buf(keyPEM, Int32(keyPEM.utf8.count))
        defer { BIO_free(keyBIO) }
        guard let key = PEM_read_bio_PrivateKey(keyBIO, nil, nil, nil) else { throw KubeSimError.tls("cannot read the serving key PEM") }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(ctx, key) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw KubeSimError.tls("the serving key does not match the certificate")
        }
    }

    deinit { SSL_CTX_free(ctx) }
}

public enum KubeSimError: Error, CustomStringConvertible, Sendable {
    case socket(String)
    case tls(String)
    case config(String)

    public var description: String {
        switch self {
        case .socket(let s): return "KubeSim socket: \(s)"
        case .tls(let s): return "KubeSim TLS: \(s)"
        case .config(let s): return "KubeSim configuration: \(s)"
        }
    }
}
