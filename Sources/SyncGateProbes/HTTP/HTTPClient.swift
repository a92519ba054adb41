import CCurl
import Foundation

/// One HTTP request as SyncGate sends it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var timeoutMilliseconds: Int
    /// curl's resolve overrides, `host:port:address` (send to the ingress address with the right Host and SNI).
    public var resolve: [String]
    /// Extra trusted roots (PEM) for HTTPS; nil = the system store.
    public var caPEM: String?
    /// Follow redirects (off for probes: the redirect is the evidence).
    public var followRedirects: Bool
    /// Stop reading the body after this many bytes.
    public var maxBodyBytes: Int

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
                timeoutMilliseconds: Int = 5_000, resolve: [String] = [], caPEM: String? = nil,
                followRedirects: Bool = false, maxBodyBytes: Int = 1 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.timeoutMilliseconds = timeoutMilliseconds
        self.resolve = resolve
        self.caPEM = caPEM
        self.followRedirects = followRedirects
        self.maxBodyBytes = maxBodyBytes
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    /// Header lines of the final response, in order (names as sent).
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    public let primaryIP: String
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Transport failures, classified.
public enum HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case connectionRefused(String)
    case timeout(String)
    case resolveFailed(String)
    case tls(String)
    case other(code: Int, message: String)

    public var description: String {
        switch self {
        case .connectionRefused(let m): return "connection refused (\(m))"
        case .timeout(let m): return "timeout (\(m))"
        case .resolveFailed(let m): return "cannot resolve (\(m))"
        case .tls(let m): return "TLS error (\(m))"
        case let .other(code, m): return "curl error \(code) (\(m))"
        }
    }

    public var isTransient: Bool {
        switch self {
        case .timeout, .other: return true
        default: return false
        }
    }
}

/// Anything that performs HTTP requests (the real one: `CurlHTTPClient`).
public protocol HTTPFetching: Sendable {
    func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPFailure>
}

/// libcurl, one easy handle per request, on a dedicated thread.
///
/// The program that owns the process must call `CurlHTTPClient.globalInit()` once at start (before any thread
/// makes a request); the library never does it behind the caller's back. `syncgate`'s `main` and the tests do.
public struct CurlHTTPClient: HTTPFetching {
    public init() {}

    /// `curl_global_init(CURL_GLOBAL_DEFAULT)`. Reference-counted by libcurl: calling it more than once is fine.
    public static func globalInit() {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }

    public func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPFailure> {
        await Blocking.run { CurlHTTPClient.performBlocking(request) }
    }

    final class Sink {
        var body: [UInt8] = []
        var headers: [(name: String, value: String)] = []
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    static func performBlocking(_ request: HTTPRequest) -> Result<HTTPResponse, HTTPFailure> {
        guard let handle = curl_easy_init() else { return .failure(.other(code: -1, message: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(handle) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        let sink = Sink(limit: request.maxBodyBytes)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        var resolveList: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(resolveList)
        }

        _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.timeoutMilliseconds)
        _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        _ = ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, 10)
        _ = ccurl_setopt_string(handle, CURLOPT_USERAGENT, "syncgate-check")
        if request.method == "HEAD" {
            _ = ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        } else if request.method != "GET" {
            _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        for header in request.headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
        if headerList != nil { _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        for entry in request.resolve { resolveList = curl_slist_append(resolveList, entry) }
        if resolveList != nil { _ = ccurl_setopt_slist(handle, CURLOPT_RESOLVE, resolveList) }
        if let ca = request.caPEM {
            let bytes = Array(ca.utf8)
            _ = bytes.withUnsafeBytes { ccurl_setopt_blob(handle, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) }
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        _ = ccurl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { pointer, size, count, user in
            guard let pointer, let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let length = size * count
            let room = max(0, sink.limit - sink.body.count)
            if room > 0 {
                pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                    sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(room, length)))
                }
            }
            return length
        }
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
        _ = ccurl_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { pointer, size, count, user in
            guard let pointer, let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let length = size * count
            let line = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            if line.hasPrefix("HTTP/") {
                sink.headers.removeAll()  // a new response (after 100-continue or a followed redirect)
            } else if let colon = line.firstIndex(of: ":") {
                sink.headers.append((String(line[..<colon]),
                                     line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            return length
        }

        let code = curl_easy_perform(handle)
        if code != CURLE_OK {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            switch code {
            case CURLE_COULDNT_CONNECT:
                return .failure(message.lowercased().contains("timed out") ? .timeout(message) : .connectionRefused(message))
            case CURLE_OPERATION_TIMEDOUT: return .failure(.timeout(message))
            case CURLE_COULDNT_RESOLVE_HOST: return .failure(.resolveFailed(message))
            case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
                return .failure(.tls(message))
            default: return .failure(.other(code: Int(code.rawValue), message: message))
            }
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var ip: UnsafeMutablePointer<CChar>? = nil
        _ = ccurl_getinfo_string(handle, CURLINFO_PRIMARY_IP, &ip)
        return .success(HTTPResponse(status: status, headers: sink.headers, body: sink.body,
                                     primaryIP: ip.map { String(cString: $0) } ?? ""))
    }
}
