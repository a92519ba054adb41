import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 that completes handshakes (the kernel's backlog) but never reads or writes: clients
/// connect and then wait forever. For proving that timeouts are respected. Call `stop()`.
public final class HoldingTCPServer: Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        fd = try Loopback.bindSocket(type: SOCK_STREAM, port: 0)
        port = try Loopback.boundPort(fd)
        guard listen(fd, 512) == 0 else {
            close(fd)
            throw TestServerError("listen() failed: errno \(errno)")
        }
    }

    public func stop() { close(fd) }
}

/// A UDP port on 127.0.0.1 that receives and never answers: a DNS resolver that times out. Call `stop()`.
public final class SilentUDPServer: Sendable {
    public let port: Int
    private let fd: Int32

    public init() throws {
        fd = try Loopback.bindSocket(type: SOCK_DGRAM, port: 0)
        port = try Loopback.boundPort(fd)
    }

    public var address: String { "127.0.0.1:\(port)" }
    public func stop() { close(fd) }
}

/// A UDP DNS server on 127.0.0.1 that answers every query with the same RCODE and no records (2 = SERVFAIL,
/// 5 = REFUSED): the upstream dnsmasq forwards `DNSZone.brokenDomains` to. Call `stop()`.
public final class FixedRcodeDNSServer: Sendable {
    public let port: Int
    public let rcode: UInt8
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    public init(rcode: UInt8) throws {
        self.rcode = rcode
        fd = try Loopback.bindSocket(type: SOCK_DGRAM, port: 0)
        port = try Loopback.boundPort(fd)
        let thread = Thread { [self] in
            let fd = self.fd, rcode = self.rcode
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !self.stopped.load(ordering: .acquiring) {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 50) > 0 else { continue }
                var from = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let n = withUnsafeMutablePointer(to: &from) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        buffer.withUnsafeMutableBytes { recvfrom(fd, $0.baseAddress, $0.count, 0, address, &length) }
                    }
                }
                guard n >= 12 else { continue }
                var reply = Array(buffer[0..<n])
                reply[2] = (reply[2] | 0x80) & ~0x02
                reply[3] = 0x80 | (rcode & 0x0f)
                for index in 6..<12 { reply[index] = 0 }
                // Keep the question (QDCOUNT unchanged); drop anything after it (EDNS OPT records).
                _ = withUnsafePointer(to: &from) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                        reply.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, address, length) }
                    }
                }
            }
            self.finished.store(true, ordering: .releasing)
        }
        thread.start()
    }

    public var address: String { "127.0.0.1:\(port)" }

    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        while !finished.load(ordering: .acquiring) { usleep(5_000) }
        close(fd)
    }
}

import Synchronization
