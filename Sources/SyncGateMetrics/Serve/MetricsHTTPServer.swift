import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server for `/metrics` over POSIX sockets: one accept thread, one request per connection,
/// `Connection: close`. Enough for Prometheus scrapes; it serves whatever `body` returns at that moment.
public final class MetricsHTTPServer: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var reason: String
        public var contentType: String
        public var body: String

        public init(status: Int = 200, reason: String = "OK", contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status
            self.reason = reason
            self.contentType = contentType
            self.body = body
        }
    }

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The address actually bound (port 0 picks a free port).
    public let host: String
    public let port: Int
    private let socket: Int32
    private let stopped = Mutex(false)
    private let finished = Mutex(false)

    /// Binds and listens on `host:port` (an IPv4 address; "0.0.0.0" for all interfaces).
    public init(host: String, port: Int) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw StartError(description: "--listen \(host):\(port): '\(host)' is not an IPv4 address (use e.g. 127.0.0.1 or 0.0.0.0)")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw StartError(description: "--listen \(host):\(port): cannot listen (\(reason)); pick another port")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.socket = fd
        self.host = host
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// Serves on a dedicated thread until `stop()`. `handler` gets the method and the path.
    public func start(_ handler: @escaping @Sendable (_ method: String, _ path: String) -> Response) {
        let fd = socket
        let thread = Thread { [self] in
            while !stopped.withLock({ $0 }) {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    break
                }
                Self.serve(client, handler)
            }
            finished.withLock { $0 = true }
        }
        thread.name = "syncgate-metrics-http"
        thread.start()
    }

    /// Stops accepting and closes the socket.
    public func stop() {
        let first = stopped.withLock { was -> Bool in
            defer { was = true }
            return !was
        }
        guard first else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    deinit { stop() }

    static func serve(_ client: Int32, _ handler: @Sendable (String, String) -> Response) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16_384 {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            request.append(contentsOf: buffer[0..<n])
            if request.count >= 4, request.suffix(from: max(0, request.count - n - 3)).containsTerminator { break }
        }
        let head = String(decoding: request, as: UTF8.self)
        let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = requestLine.split(separator: " ")
        let response: Response
        if parts.count < 3 || !parts[2].hasPrefix("HTTP/") {
            response = Response(status: 400, reason: "Bad Request", body: "bad request\n")
        } else {
            let method = String(parts[0])
            let path = String(parts[1].split(separator: "?", maxSplits: 1).first ?? "")
            if method != "GET" && method != "HEAD" {
                response = Response(status: 405, reason: "Method Not Allowed", body: "only GET and HEAD\n")
            } else {
                var r = handler(method, path)
                if method == "HEAD" { r.body = "" }
                response = r
            }
        }
        let body = Array(response.body.utf8)
        var out = "HTTP/1.1 \(response.status) \(response.reason)\r\n"
        out += "Content-Type: \(response.contentType)\r\n"
        out += "Content-Length: \(body.count)\r\n"
        out += "Connection: close\r\n\r\n"
        let bytes = Array(out.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
    }
}

extension ArraySlice<UInt8> {
    /// Contains "\r\n\r\n".
    var containsTerminator: Bool {
        let a = Array(self)
        guard a.count >= 4 else { return false }
        for i in 0...(a.count - 4) where a[i] == 13 && a[i + 1] == 10 && a[i + 2] == 13 && a[i + 3] == 10 { return true }
        return false
    }
}
