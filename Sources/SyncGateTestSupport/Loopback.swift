import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ports on 127.0.0.1 and readiness polling.
public enum Loopback {
    public static let host = "127.0.0.1"

    /// A port that is free for TCP and UDP on 127.0.0.1 right now, and that this process has not handed out
    /// before. Another process may still take it before the server binds; the launchers retry on a bind failure.
    public static func freePort() throws -> Int {
        try handedOut.claimNew { try anyFreePort() }
    }

    /// Ports `freePort` has already returned. Tests run in parallel in one process: a port that was free when one
    /// server got it stays free until that server binds it, so without this a second server could be given the
    /// same port, fail to bind, and leave the first test talking to the wrong server (pebble prints "Listening on"
    /// before it binds, so a TCP check alone cannot tell). The one piece of process-wide state in test support,
    /// because the thing it guards, the port space, is process-wide.
    private static let handedOut = PortLedger()

    private static func anyFreePort() throws -> Int {
        // Below Linux's ephemeral range (32768-60999 by default): a port the kernel handed out for binding port 0 is
        // also what it hands out to outgoing connections, so between our check and the server's bind another test's
        // client could take it ("address already in use"). A random port below that range is only ever taken by a
        // deliberate bind, and random choice keeps parallel tests apart.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let port = Int.random(in: 20_000..<32_768, using: &generator)
            if let port = try? claim(port) { return port }
        }
        for _ in 0..<20 {
            let tcp = try bindSocket(type: SOCK_STREAM, port: 0)
            let port = try boundPort(tcp)
            close(tcp)
            if let port = try? claim(port) { return port }
        }
        throw TestServerError("no free port on 127.0.0.1 for both TCP and UDP after 70 tries")
    }

    /// The port, when it is free on 127.0.0.1 for TCP and for UDP (dnsmasq listens on both).
    private static func claim(_ port: Int) throws -> Int {
        let tcp = try bindSocket(type: SOCK_STREAM, port: port)
        defer { close(tcp) }
        let udp = try bindSocket(type: SOCK_DGRAM, port: port)
        close(udp)
        return port
    }

    /// Polls until a TCP connection to 127.0.0.1:`port` succeeds, the process dies, or `timeout` seconds pass.
    public static func waitForTCP(port: Int, timeout: Double = 10, process: ManagedProcess? = nil, what: String) async throws {
        // Checked once more after the deadline: in a test process whose cooperative threads are busy, this task may
        // only be resumed after the deadline although the server has long been listening.
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if canConnect(port: port) { return }
            if let process, !process.isRunning {
                throw TestServerError("\(what) exited before listening on 127.0.0.1:\(port) (status \(process.exitStatus)); its log:\n\(process.logTail())")
            }
            if Date() >= deadline { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        throw TestServerError("\(what) did not listen on 127.0.0.1:\(port) within \(timeout) s; its log:\n\(process?.logTail() ?? "")")
    }

    public static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddrIn(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func sockaddrIn(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func bindSocket(type: __socket_type, port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket() failed: errno \(errno)") }
        var address = sockaddrIn(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw TestServerError("cannot bind 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    static func boundPort(_ fd: Int32) throws -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw TestServerError("getsockname failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A directory under the system temp dir, removed by `remove()`.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String) throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array("\(base)/syncgate-\(prefix)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw TestServerError("cannot create a temporary directory under \(base): errno \(errno)")
        }
        path = String(cString: made)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The ports handed out so far in this process.
private final class PortLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var ports: Set<Int> = []

    /// A port from `next` that was not handed out before (a few tries), recorded as handed out.
    func claimNew(_ next: () throws -> Int) throws -> Int {
        for _ in 0..<20 {
            let port = try next()
            if lock.withLock({ ports.insert(port).inserted }) { return port }
        }
        throw TestServerError("no port on 127.0.0.1 that this process has not handed out already, after 20 tries")
    }
}
