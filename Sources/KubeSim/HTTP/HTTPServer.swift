import Foundation

/// Writes the response to one request: whole, chunked (watch streams), or not at all (a dropped connection).
public final class ResponseWriter: @unchecked Sendable {
    let connection: Connection
    private(set) var keepAlive: Bool
    private(set) var finished = false

    init(connection: Connection, keepAlive: Bool) {
        self.connection = connection
        self.keepAlive = keepAlive
    }

    func send(_ r: HTTPResponse) {
        var head = "HTTP/1.1 \(r.status) \(HTTPResponse.reason(r.status))\r\n"
        for (k, v) in r.headers { head += "\(k): \(v)\r\n" }
        head += "Content-Length: \(r.body.count)\r\n"
        head += keepAlive ? "" : "Connection: close\r\n"
        head += "Date: \(Self.httpDate())\r\n\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: r.body)
        if !connection.write(bytes) { keepAlive = false }
        finished = true
    }

    /// Starts a chunked response; returns false when the client has gone.
    func startChunked(status: Int, headers: [(String, String)]) -> Bool {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "Transfer-Encoding: chunked\r\n"
        head += "Date: \(Self.httpDate())\r\n\r\n"
        return connection.write(Array(head.utf8))
    }

    func writeChunk(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        var out = Array((String(bytes.count, radix: 16) + "\r\n").utf8)
        out.append(contentsOf: bytes)
        out.append(contentsOf: [13, 10])
        return connection.write(out)
    }

    func endChunked() {
        if !connection.write(Array("0\r\n\r\n".utf8)) { keepAlive = false }
        finished = true
    }

    /// Closes the connection without an answer (fault injection).
    func drop() {
        keepAlive = false
        finished = true
        connection.close()
    }

    static func httpDate() -> String {
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var buf = [Int8](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%a, %d %b %Y %H:%M:%S GMT", &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// HTTP/1.1 over POSIX sockets on 127.0.0.1: a thread accepts, one thread per connection serves
/// requests in order (keep-alive).
final class HTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (HTTPRequest, ResponseWriter) -> Void

    private let handler: Handler
    private let tls: TLSServerContext?
    private var listenFD: Int32 = -1
    private(set) var port: Int = 0
    private let state = Locked<(stopping: Bool, connections: [ObjectIdentifier: Connection])>((false, [:]))
    private let acceptDone = NSCondition()
    private var acceptFinished = false

    init(tls: TLSServerContext?, handler: @escaping Handler) {
        self.tls = tls
        self.handler = handler
    }

    func start(port requested: Int) throws {
        signal(SIGPIPE, SIG_IGN)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw KubeSimError.socket("socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(requested).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            throw KubeSimError.socket("bind 127.0.0.1:\(requested): \(why); choose another --port or 0 for a free one")
        }
        guard listen(fd, 128) == 0 else { Glibc.close(fd); throw KubeSimError.socket("listen(): \(String(cString: strerror(errno)))") }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        listenFD = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "kubesim-accept"
        thread.start()
    }

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                break
            }
            if state.value.stopping { Glibc.close(client); break }
            var yes: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(fd: client) }
            thread.name = "kubesim-conn"
            thread.start()
        }
        acceptDone.lock(); acceptFinished = true; acceptDone.broadcast(); acceptDone.unlock()
    }

    private func serve(fd: Int32) {
        let connection: Connection
        if let tls {
            guard let c = TLSConnection(fd: fd, context: tls) else { return }
            connection = c
        } else {
            connection = PlainConnection(fd: fd)
        }
        let id = ObjectIdentifier(connection)
        let stopping = state.withLock { s -> Bool in
            if !s.stopping { s.connections[id] = connection }
            return s.stopping
        }
        if stopping { connection.close(); return }
        defer {
            state.withLock { s in s.connections[id] = nil }
            connection.close()
        }
        var reader = HTTPRequestReader()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            switch reader.next() {
            case .request(let request):
                let keepAlive = request.header("connection")?.lowercased() != "close"
                let writer = ResponseWriter(connection: connection, keepAlive: keepAlive)
                handler(request, writer)
                if !writer.finished {
                    writer.send(.json(500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500}"))
                }
                if !writer.keepAlive { return }
            case .malformed(let why):
                let writer = ResponseWriter(connection: connection, keepAlive: false)
                writer.send(.json(400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"malformed request: \(why)\",\"reason\":\"BadRequest\",\"code\":400}"))
                return
            case .needMore:
                let n = connection.read(&chunk)
                if n <= 0 { return }
                reader.buffer.append(contentsOf: chunk[0..<n])
            }
        }
    }

    func stop() {
        let connections = state.withLock { s -> [Connection] in
            s.stopping = true
            return Array(s.connections.values)
        }
        if listenFD >= 0 {
            shutdown(listenFD, Int32(SHUT_RDWR))
            Glibc.close(listenFD)
            acceptDone.lock()
            let deadline = Date().addingTimeInterval(2)
            while !acceptFinished { if !acceptDone.wait(until: deadline) { break } }
            acceptDone.unlock()
            listenFD = -1
        }
        for c in connections { c.close() }
    }
}
