import COpenSSL
import Foundation
import SyncGateX509
#if canImport(Glibc)
import Glibc
#endif

/// What a TLS handshake served.
public struct ServedTLS: Sendable {
    /// The served chain as sent, leaf first.
    public let chain: [Certificate]
    public let protocolVersion: String
    public let cipher: String
    public var leaf: Certificate? { chain.first }
}

/// Why a handshake gave nothing.
public enum TLSFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case connectionRefused(String)
    case timeout(String)
    case handshake(String)
    case other(String)

    public var description: String {
        switch self {
        case .connectionRefused(let m): return "connection refused (\(m))"
        case .timeout(let m): return "timeout (\(m))"
        case .handshake(let m): return "TLS handshake failed (\(m))"
        case .other(let m): return m
        }
    }
    public var isTransient: Bool { if case .timeout = self { return true }; return false }
}

/// Reads the served chain of `address:port` with SNI `serverName`.
public protocol TLSInspecting: Sendable {
    func inspect(serverName: String, address: String, port: Int) async -> Result<ServedTLS, TLSFailure>
}

/// Owns an SSL_CTX (client, no verification: SyncGate verifies the chain itself and reports why).
final class ClientContext: @unchecked Sendable {
    let pointer: OpaquePointer
    init() throws {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw TLSFailure.other("SSL_CTX_new failed") }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        _ = copenssl_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        pointer = ctx
    }
    deinit { SSL_CTX_free(pointer) }
}

public struct OpenSSLTLSInspector: TLSInspecting {
    let context: ClientContext
    public let timeoutMilliseconds: Int

    public init(timeoutMilliseconds: Int = 5_000) throws {
        self.context = try ClientContext()
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func inspect(serverName: String, address: String, port: Int) async -> Result<ServedTLS, TLSFailure> {
        let context = self.context
        let timeout = timeoutMilliseconds
        return await Blocking.run {
            OpenSSLTLSInspector.handshake(context: context, serverName: serverName, address: address, port: port, timeoutMilliseconds: timeout)
        }
    }

    static func handshake(context: ClientContext, serverName: String, address: String, port: Int, timeoutMilliseconds: Int) -> Result<ServedTLS, TLSFailure> {
        let clock = Stopwatch()
        let fd: Int32
        switch TCPConnect.open(address: address, port: port, timeoutMilliseconds: timeoutMilliseconds) {
        case .success(let opened): fd = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        let remaining = max(1, timeoutMilliseconds - Int(clock.milliseconds))
        var tv = timeval(tv_sec: remaining / 1000, tv_usec: Int((remaining % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))

        ERR_clear_error()
        guard let ssl = SSL_new(context.pointer) else { return .failure(.other("SSL_new failed")) }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        if IPAddressText.parse(serverName) == nil {
            _ = copenssl_SSL_set_tlsext_host_name(ssl, serverName)
        }
        let result = SSL_connect(ssl)
        if result != 1 {
            let code = SSL_get_error(ssl, result)
            let savedErrno = errno
            let queue = drainErrors()
            if code == SSL_ERROR_SYSCALL && (savedErrno == EAGAIN || savedErrno == EWOULDBLOCK) || clock.milliseconds >= Double(timeoutMilliseconds) {
                return .failure(.timeout("no TLS handshake from \(address):\(port) within \(timeoutMilliseconds) ms"))
            }
            if code == SSL_ERROR_SYSCALL && queue.isEmpty {
                return .failure(.handshake(savedErrno == 0 ? "connection closed by \(address):\(port) during the handshake" : String(cString: strerror(savedErrno))))
            }
            return .failure(.handshake(queue.isEmpty ? "SSL error \(code)" : queue))
        }
        var chain: [Certificate] = []
        if let stack = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<copenssl_sk_X509_num(stack) {
                if let x509 = copenssl_sk_X509_value(stack, index) { chain.append(Certificate(retaining: x509)) }
            }
        }
        let version = SSL_get_version(ssl).map { String(cString: $0) } ?? "?"
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "?"
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        return .success(ServedTLS(chain: chain, protocolVersion: version, cipher: cipher))
    }

    static func drainErrors() -> String {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            parts.append(buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        return parts.joined(separator: "; ")
    }
}

/// A TCP connect with a timeout in milliseconds (non-blocking connect + poll), returning a blocking socket.
enum TCPConnect {
    static func open(address: String, port: Int, timeoutMilliseconds: Int) -> Result<Int32, TLSFailure> {
        guard let bytes = IPAddressText.parse(address) else { return .failure(.other("\(address) is not an IP address")) }
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        if bytes.count == 4 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: bytes) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: sin) { target.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        } else {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = in_port_t(UInt16(port).bigEndian)
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: bytes) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: sin6) { target.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.other("socket: \(String(cString: strerror(errno)))")) }
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let connected = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        if connected != 0 {
            guard errno == EINPROGRESS else {
                let error = errno
                close(fd)
                return .failure(error == ECONNREFUSED ? .connectionRefused("\(address):\(port)") : .other("connect \(address):\(port): \(String(cString: strerror(error)))"))
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(1, timeoutMilliseconds)))
            if ready == 0 {
                close(fd)
                return .failure(.timeout("no TCP connection to \(address):\(port) within \(timeoutMilliseconds) ms"))
            }
            var soError: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &size)
            if soError != 0 {
                close(fd)
                return .failure(soError == ECONNREFUSED ? .connectionRefused("\(address):\(port)") : .other("connect \(address):\(port): \(String(cString: strerror(soError)))"))
            }
        }
        _ = fcntl(fd, F_SETFL, flags)
        return .success(fd)
    }
}
