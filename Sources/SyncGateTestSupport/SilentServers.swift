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
