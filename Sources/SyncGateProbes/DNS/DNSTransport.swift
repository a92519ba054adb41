import Foundation
import SyncGateX509
#if canImport(Glibc)
import Glibc
#endif

/// One exchange with one resolver over UDP (TCP when the reply is truncated), with a deadline in milliseconds.
/// Blocking: call it through `Blocking.run`.
enum DNSTransport {
    enum Failure: Error { case timeout, connectionRefused, other(String) }

    static func exchange(_ query: [UInt8], id: UInt16, with server: ResolverAddress, timeoutMilliseconds: Int) -> Result<DNSMessage.Decoded, Failure> {
        let deadline = Stopwatch()
        switch udp(query, id: id, server: server, timeoutMilliseconds: timeoutMilliseconds) {
        case .success(let reply) where reply.truncated:
            let remaining = max(100, timeoutMilliseconds - Int(deadline.milliseconds))
            return tcp(query, id: id, server: server, timeoutMilliseconds: remaining)
        case let other:
            return other
        }
    }

    private static func socketAddress(_ server: ResolverAddress) -> (family: Int32, storage: sockaddr_storage, length: socklen_t)? {
        var storage = sockaddr_storage()
        guard let bytes = IPAddressText.parse(server.host) else { return nil }
        if bytes.count == 4 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(server.port).bigEndian)
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: bytes) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: address) { target.copyMemory(from: $0) } }
            return (AF_INET, storage, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(server.port).bigEndian)
        withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: bytes) }
        withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: address) { target.copyMemory(from: $0) } }
        return (AF_INET6, storage, socklen_t(MemoryLayout<sockaddr_in6>.size))
    }

    private static func open(_ server: ResolverAddress, type: Int32) -> Result<Int32, Failure> {
        guard var target = socketAddress(server) else { return .failure(.other("resolver \(server) is not an IP address")) }
        let fd = socket(target.family, type | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failure(.other("socket: \(String(cString: strerror(errno)))")) }
        let connected = withUnsafePointer(to: &target.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, target.length) }
        }
        if connected != 0 && errno != EINPROGRESS {
            let error = errno
            close(fd)
            return .failure(error == ECONNREFUSED ? .connectionRefused : .other("connect: \(String(cString: strerror(error)))"))
        }
        return .success(fd)
    }

    /// Waits for `events` on `fd` until `deadline` ms have passed since `clock`; false on timeout.
    private static func wait(_ fd: Int32, events: Int16, clock: Stopwatch, budget: Int) -> Bool {
        while true {
            let remaining = budget - Int(clock.milliseconds)
            if remaining <= 0 { return false }
            var pfd = pollfd(fd: fd, events: events, revents: 0)
            let n = poll(&pfd, 1, Int32(remaining))
            if n > 0 { return true }
            if n == 0 { return false }
            if errno != EINTR { return false }
        }
    }

    private static func udp(_ query: [UInt8], id: UInt16, server: ResolverAddress, timeoutMilliseconds: Int) -> Result<DNSMessage.Decoded, Failure> {
        let clock = Stopwatch()
        let fd: Int32
        switch open(server, type: Int32(SOCK_DGRAM.rawValue)) {
        case .success(let opened): fd = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        let sent = query.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        if sent < 0 { return .failure(errno == ECONNREFUSED ? .connectionRefused : .other("send: \(String(cString: strerror(errno)))")) }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        while true {
            guard wait(fd, events: Int16(POLLIN), clock: clock, budget: timeoutMilliseconds) else { return .failure(.timeout) }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return .failure(errno == ECONNREFUSED ? .connectionRefused : .other("recv: \(String(cString: strerror(errno)))"))
            }
            guard let decoded = DNSMessage.decode(Array(buffer[0..<n])) else { return .failure(.other("malformed reply")) }
            if decoded.id == id { return .success(decoded) }  // otherwise a stray reply: keep waiting
        }
    }

    private static func tcp(_ query: [UInt8], id: UInt16, server: ResolverAddress, timeoutMilliseconds: Int) -> Result<DNSMessage.Decoded, Failure> {
        let clock = Stopwatch()
        let fd: Int32
        switch open(server, type: Int32(SOCK_STREAM.rawValue)) {
        case .success(let opened): fd = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { close(fd) }
        guard wait(fd, events: Int16(POLLOUT), clock: clock, budget: timeoutMilliseconds) else { return .failure(.timeout) }
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
        if soError != 0 { return .failure(soError == ECONNREFUSED ? .connectionRefused : .other("connect: \(String(cString: strerror(soError)))")) }
        let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xff)] + query
        var offset = 0
        while offset < framed.count {
            guard wait(fd, events: Int16(POLLOUT), clock: clock, budget: timeoutMilliseconds) else { return .failure(.timeout) }
            let n = framed[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EAGAIN || errno == EINTR { continue }; return .failure(.other("send: \(String(cString: strerror(errno)))")) }
            offset += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_537)
        while true {
            if received.count >= 2 {
                let expected = Int(received[0]) << 8 | Int(received[1])
                if received.count >= expected + 2 {
                    guard let decoded = DNSMessage.decode(Array(received[2..<(expected + 2)])) else { return .failure(.other("malformed reply")) }
                    return decoded.id == id ? .success(decoded) : .failure(.other("reply id mismatch"))
                }
            }
            guard wait(fd, events: Int16(POLLIN), clock: clock, budget: timeoutMilliseconds) else { return .failure(.timeout) }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return .failure(.other("connection closed before the reply")) }
            if n < 0 { if errno == EAGAIN || errno == EINTR { continue }; return .failure(errno == ECONNREFUSED ? .connectionRefused : .other("recv: \(String(cString: strerror(errno)))")) }
            received += buffer[0..<n]
        }
    }
}
