/// One HTTP request to the API server, already authenticated (the client fills in credentials).
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path and query, starting with `/`.
    public var path: String
    public var body: [UInt8]?
    public var contentType: String?
    public var accept: String
    public var bearerToken: String?
    /// Client certificate and key from an exec plugin (kubeconfig certificates live in the transport's TLS settings).
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// Whole-request timeout; nil means no limit (watches, which the server ends with `timeoutSeconds`).
    public var timeoutSeconds: Double?

    public init(method: String, path: String, body: [UInt8]? = nil, contentType: String? = nil,
                accept: String = "application/json", timeoutSeconds: Double? = 30) {
        self.method = method
        self.path = path
        self.body = body
        self.contentType = contentType
        self.accept = accept
        self.timeoutSeconds = timeoutSeconds
    }

    /// `PATCH /apis/...` — for messages.
    public var summary: String { "\(method) \(path)" }
}

public struct HTTPResponse: Sendable {
    public var code: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(code: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.code = code
        self.headers = headers
        self.body = body
    }

    public var retryAfterSeconds: Int? { headers["retry-after"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
}

/// Where the API server is and how to trust it.
public struct TLSSettings: Sendable, Equatable {
    /// PEM bundle to trust instead of the system's (kubeconfig `certificate-authority(-data)`).
    public var certificateAuthorityPEM: [UInt8]?
    /// SNI and the name the server certificate must carry, when it differs from the server URL's host.
    public var serverName: String?
    /// Skip verification (kubeconfig `insecure-skip-tls-verify`); warned about by the loader.
    public var insecureSkipVerify: Bool
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// kubeconfig `proxy-url`; nil leaves libcurl's environment handling (HTTPS_PROXY, NO_PROXY) in place.
    public var proxyURL: String? = nil

    public init(certificateAuthorityPEM: [UInt8]? = nil, serverName: String? = nil, insecureSkipVerify: Bool = false,
                clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil) {
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// A response that arrives line by line (watch): first the status, then lines of the body.
public enum StreamEvent: Sendable {
    /// The HTTP status and, for an error status, the whole body (the stream then finishes).
    case status(code: Int, body: [UInt8])
    case line([UInt8])
}

/// Sends requests to one API server. The real one is `CurlTransport`; tests may record requests instead.
public protocol KubeTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Streams a long response line by line; cancelling the consuming task (or dropping the stream) ends the transfer.
    func stream(_ request: HTTPRequest) -> AsyncThrowingStream<StreamEvent, Error>
}

import Foundation
