import CCurl
import Foundation
import Synchronization

/// `KubeTransport` over libcurl. Each transfer runs `curl_easy_perform` on its own thread (never on Swift's
/// cooperative pool), bounded by the request's timeout; idle easy handles are pooled so connections are reused.
public final class CurlTransport: KubeTransport, @unchecked Sendable {
    /// The server URL without a trailing slash (`https://127.0.0.1:6443`).
    public let server: String
    public let tls: TLSSettings
    private let pool = Mutex<[CurlEasy]>([])
    private let maxPooled = 8
    /// The URL curl is given and the connect-to mapping when `tls.serverName` differs from the URL's host.
    private let effectiveServer: String
    private let connectTo: String?
    /// NO_PROXY from the environment plus the loopback names.
    private let noProxy: String

    private static let globalInit: Int32 = Int32(truncatingIfNeeded: curl_global_init(Int(CURL_GLOBAL_ALL)).rawValue)

    public init(server: String, tls: TLSSettings) {
        _ = Self.globalInit
        var s = server
        while s.hasSuffix("/") { s.removeLast() }
        self.server = s
        self.tls = tls
        let env = ProcessInfo.processInfo.environment
        let fromEnv = (env["NO_PROXY"] ?? env["no_proxy"] ?? "").trimmingCharacters(in: .whitespaces)
        var bypass = [fromEnv, "localhost", "127.0.0.1", "::1"].filter { !$0.isEmpty }
        // With tls-server-name curl sees that name as the host; the proxy decision belongs to the real host.
        if let name = tls.serverName, let host = URLComponents(string: s)?.host,
           bypass.flatMap({ $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }).contains(host) {
            bypass.append(name)
        }
        self.noProxy = fromEnv == "*" ? "*" : bypass.joined(separator: ",")
        if let name = tls.serverName, let url = URLComponents(string: s), let host = url.host, name != host {
            let port = url.port ?? (url.scheme == "http" ? 80 : 443)
            var rewritten = url
            rewritten.host = name
            self.effectiveServer = rewritten.string ?? s
            // Connect to the real host while SNI and verification use the configured name.
            let realHost = host.contains(":") ? "[\(host)]" : host
            self.connectTo = "\(name):\(port):\(realHost):\(port)"
        } else {
            self.effectiveServer = s
            self.connectTo = nil
        }
    }

    deinit {
        for h in pool.withLock({ $0 }) { curl_easy_cleanup(h.raw) }
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let state = TransferState(streaming: nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<HTTPResponse, Error>) in
                let thread = Thread { [self] in
                    cont.resume(with: self.perform(request, state: state))
                }
                thread.name = "syncgate-curl"
                thread.start()
            }
        } onCancel: {
            state.cancelled.store(true, ordering: .relaxed)
        }
    }

    public func stream(_ request: HTTPRequest) -> AsyncThrowingStream<StreamEvent, Error> {
        AsyncThrowingStream { continuation in
            let state = TransferState(streaming: continuation)
            continuation.onTermination = { _ in state.cancelled.store(true, ordering: .relaxed) }
            let thread = Thread { [self] in
                let result = self.perform(request, state: state)
                switch result {
                case .success(let response):
                    if let tail = state.finishStreaming() { continuation.yield(.line(tail)) }
                    if !state.statusSent { continuation.yield(.status(code: response.code, body: response.body)) }
                    continuation.finish()
                case .failure(let error):
                    continuation.finish(throwing: error)
                }
            }
            thread.name = "syncgate-curl-watch"
            thread.start()
        }
    }

    // MARK: - The blocking transfer

    private func checkout() -> CurlEasy {
        if let h = pool.withLock({ $0.popLast() }) {
            curl_easy_reset(h.raw)
            return h
        }
        return CurlEasy(raw: curl_easy_init())
    }

    private func checkin(_ h: CurlEasy) {
        let keep = pool.withLock { p -> Bool in
            guard p.count < maxPooled else { return false }
            p.append(h)
            return true
        }
        if !keep { curl_easy_cleanup(h.raw) }
    }

    private func perform(_ request: HTTPRequest, state: TransferState) -> Result<HTTPResponse, Error> {
        let easy = checkout()
        let h = easy.raw
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        var connectList: UnsafeMutablePointer<curl_slist>? = nil
        let unmanaged = Unmanaged.passRetained(state)
        defer {
            unmanaged.release()
            curl_slist_free_all(headers)
            curl_slist_free_all(connectList)
            errorBuffer.deallocate()
        }

        _ = ccurl_setopt_string(h, CURLOPT_URL, effectiveServer + request.path)
        _ = ccurl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0)
        if let t = request.timeoutSeconds {
            _ = ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, max(1, Int(t * 1000)))
            _ = ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(t, 10) * 1000)))
        } else {
            _ = ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        }
        // TCP keepalive so a dead watch connection is noticed.
        _ = ccurl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)

        // TLS
        if tls.insecureSkipVerify {
            _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        } else if let ca = tls.certificateAuthorityPEM {
            ca.withUnsafeBytes { _ = ccurl_setopt_blob(h, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) }
            _ = ccurl_setopt_string(h, CURLOPT_CAPATH, nil)
        }
        if let proxy = tls.proxyURL { _ = ccurl_setopt_string(h, CURLOPT_PROXY, proxy) }
        // Like kubectl (Go's proxy rules), never send loopback traffic through a proxy from the environment.
        _ = ccurl_setopt_string(h, CURLOPT_NOPROXY, noProxy)
        if let connectTo {
            connectList = curl_slist_append(nil, connectTo)
            _ = ccurl_setopt_slist(h, CURLOPT_CONNECT_TO, connectList)
        }
        let cert = request.clientCertificatePEM ?? tls.clientCertificatePEM
        let key = request.clientKeyPEM ?? tls.clientKeyPEM
        if let cert, let key {
            _ = ccurl_setopt_string(h, CURLOPT_SSLCERTTYPE, "PEM")
            cert.withUnsafeBytes { _ = ccurl_setopt_blob(h, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) }
            _ = ccurl_setopt_string(h, CURLOPT_SSLKEYTYPE, "PEM")
            key.withUnsafeBytes { _ = ccurl_setopt_blob(h, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) }
        }

        // Method and body
        switch request.method {
        case "GET": _ = ccurl_setopt_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = ccurl_setopt_long(h, CURLOPT_NOBODY, 1)
        default: _ = ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body {
            _ = ccurl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { raw in
                _ = raw.withMemoryRebound(to: CChar.self) { ccurl_setopt_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) }
            }
        } else if request.method != "GET" && request.method != "HEAD" && request.method != "DELETE" {
            _ = ccurl_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, 0)
            _ = ccurl_setopt_string(h, CURLOPT_COPYPOSTFIELDS, "")
        }

        headers = curl_slist_append(headers, "Accept: \(request.accept)")
        headers = curl_slist_append(headers, "User-Agent: syncgate")
        headers = curl_slist_append(headers, "Expect:")
        if let ct = request.contentType { headers = curl_slist_append(headers, "Content-Type: \(ct)") }
        if let token = request.bearerToken { headers = curl_slist_append(headers, "Authorization: Bearer \(token)") }
        _ = ccurl_setopt_slist(h, CURLOPT_HTTPHEADER, headers)

        // Callbacks
        let ctx = unmanaged.toOpaque()
        _ = ccurl_setopt_write_callback(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, ctx)
        _ = ccurl_setopt_write_callback(h, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, ctx)
        _ = ccurl_setopt_xferinfo_callback(h, CURLOPT_XFERINFOFUNCTION, curlProgress)
        _ = ccurl_setopt_pointer(h, CURLOPT_XFERINFODATA, ctx)
        _ = ccurl_setopt_long(h, CURLOPT_NOPROGRESS, 0)

        let rc = curl_easy_perform(h)
        var code = 0
        _ = ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        if rc == CURLE_OK {
            checkin(easy)
        } else {
            curl_easy_cleanup(h)  // a failed handle may hold a broken connection: do not reuse
        }

        if state.cancelled.load(ordering: .relaxed) && rc != CURLE_OK {
            return .failure(CancellationError())
        }
        guard rc == CURLE_OK else {
            let message = String(cString: errorBuffer)
            if rc == CURLE_OPERATION_TIMEDOUT {
                return .failure(KubeError.timedOut(request: request.summary, seconds: request.timeoutSeconds ?? 0))
            }
            let text = message.isEmpty ? String(cString: curl_easy_strerror(rc)) : message
            return .failure(KubeError.transport(request: request.summary, curlCode: Int(rc.rawValue), message: text))
        }
        return .success(HTTPResponse(code: code, headers: state.headers, body: state.body))
    }
}

/// A libcurl easy handle (the pointer is only used by one thread at a time).
struct CurlEasy: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// What the C callbacks write into. Touched by the transfer thread only, except `cancelled`.
final class TransferState: @unchecked Sendable {
    let cancelled = Atomic<Bool>(false)
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var statusCode = 0
    var statusSent = false
    private var lineBuffer: [UInt8] = []
    private let streaming: AsyncThrowingStream<StreamEvent, Error>.Continuation?

    init(streaming: AsyncThrowingStream<StreamEvent, Error>.Continuation?) {
        self.streaming = streaming
    }

    func header(_ bytes: UnsafeRawBufferPointer) {
        guard let line = String(bytes: bytes, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines) else { return }
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect or 100-continue): start over.
            headers = [:]
            let parts = line.split(separator: " ")
            statusCode = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
        }
    }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        guard let streaming, statusCode == 200 else {
            body.append(contentsOf: bytes)
            return
        }
        if !statusSent {
            statusSent = true
            streaming.yield(.status(code: 200, body: []))
        }
        for b in bytes {
            if b == UInt8(ascii: "\n") {
                if !lineBuffer.isEmpty { streaming.yield(.line(lineBuffer)) }
                lineBuffer.removeAll(keepingCapacity: true)
            } else {
                lineBuffer.append(b)
            }
        }
    }

    /// The last line of a stream that did not end in a newline.
    func finishStreaming() -> [UInt8]? {
        defer { lineBuffer = [] }
        return lineBuffer.isEmpty ? nil : lineBuffer
    }
}

private let curlWriteBody: ccurl_write_callback = { ptr, size, nmemb, userdata in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    if state.cancelled.load(ordering: .relaxed) { return 0 }
    let n = size * nmemb
    state.receive(UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let curlWriteHeader: ccurl_write_callback = { ptr, size, nmemb, userdata in
    guard let userdata else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
    let n = size * nmemb
    state.header(UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

private let curlProgress: ccurl_xferinfo_callback = { clientp, _, _, _, _ in
    guard let clientp else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(clientp).takeUnretainedValue()
    return state.cancelled.load(ordering: .relaxed) ? 1 : 0
}
