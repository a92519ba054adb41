import SyncGateCore

/// A Kubernetes API `Status` body, with the request that produced it.
public struct KubeStatus: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    /// `reason` of the Status (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Forbidden`, ...), or "" when the body was not a Status.
    public var reason: String
    public var message: String
    /// The request: verb (`get`, `list`, `patch`, ...) and the resource path.
    public var verb: String
    public var path: String
    /// `details.causes[].message` of an Invalid status (field errors).
    public var causes: [String]
    /// `Retry-After` (seconds) or `details.retryAfterSeconds`.
    public var retryAfterSeconds: Int?
    /// The resource as RBAC names it (`applications.argoproj.io`), when the client knows it.
    public var resource: String = ""

    public init(code: Int, reason: String = "", message: String = "", verb: String = "", path: String = "",
                causes: [String] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.verb = verb
        self.path = path
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Decodes a response body that should be a `Status` (the API returns one for every error). Anything else
    /// becomes a status with the body's first bytes as the message.
    public static func decode(code: Int, body: [UInt8], verb: String, path: String, retryAfter: Int? = nil) -> KubeStatus {
        var status = KubeStatus(code: code, verb: verb, path: path, retryAfterSeconds: retryAfter)
        if let v = try? YAMLDecoder.decodeOne(body, file: "<status>"), v["kind"]?.string == "Status" {
            status.reason = v["reason"]?.string ?? ""
            status.message = v["message"]?.string ?? ""
            status.causes = v[path: "details", "causes"]?.elements.compactMap { cause in
                let field = cause["field"]?.string
                let message = cause["message"]?.string ?? cause["reason"]?.string ?? ""
                return field.map { "\($0): \(message)" } ?? message
            } ?? []
            if status.retryAfterSeconds == nil { status.retryAfterSeconds = v[path: "details", "retryAfterSeconds"]?.int }
        } else {
            status.message = String(decoding: body.prefix(300), as: UTF8.self)
        }
        return status
    }

    public var description: String {
        var s = "\(verb.uppercased()) \(path): \(code)"
        if !reason.isEmpty { s += " \(reason)" }
        if !message.isEmpty { s += ": \(message)" }
        if !causes.isEmpty { s += " (" + causes.joined(separator: "; ") + ")" }
        return s
    }
}

/// Every failure of the Kubernetes client. API `Status` bodies become typed cases, so callers can match
/// `catch KubeError.notFound` without reading codes.
public enum KubeError: Error, Sendable, CustomStringConvertible {
    /// 404: the object (or its kind) does not exist.
    case notFound(KubeStatus)
    /// 409 with reason `AlreadyExists` (a create found the name taken).
    case alreadyExists(KubeStatus)
    /// 409 `Conflict`: the resourceVersion or a delete precondition no longer matches. Re-read and retry.
    case conflict(KubeStatus)
    /// 422 `Invalid` (field errors) — and, for a JSON patch, a failed `test` operation (see `isPreconditionFailure`).
    case invalid(KubeStatus)
    /// 403: the credentials may not do this verb on this resource.
    case forbidden(KubeStatus)
    /// 401: no or expired credentials.
    case unauthorized(KubeStatus)
    /// 410 `Gone` (`Expired`): a watch or list continue token is too old. Relist.
    case gone(KubeStatus)
    /// 429 / 5xx after the bounded retries, or any other status.
    case api(KubeStatus)
    /// libcurl failed before an HTTP status arrived (connect, TLS, reset).
    case transport(request: String, curlCode: Int, message: String)
    /// The request did not complete within its timeout.
    case timedOut(request: String, seconds: Double)
    /// The kubeconfig or in-cluster files could not give a usable configuration.
    case configuration(String)
    /// A credential plugin failed.
    case credentials(String)
    /// The response was not the JSON expected.
    case decoding(request: String, message: String)
    case cancelled

    public var status: KubeStatus? {
        switch self {
        case .notFound(let s), .alreadyExists(let s), .conflict(let s), .invalid(let s), .forbidden(let s),
             .unauthorized(let s), .gone(let s), .api(let s):
            return s
        default:
            return nil
        }
    }

    /// True for a 409 conflict, and for a JSON patch whose `test` operation failed (the API answers 422 and
    /// names the test): in both cases someone changed the object since it was read.
    public var isPreconditionFailure: Bool {
        switch self {
        case .conflict: return true
        case .invalid(let s):
            let m = s.message.lowercased()
            return m.contains("test") && (m.contains("fail") || m.contains("testing value"))
        default: return false
        }
    }

    public var isNotFound: Bool { if case .notFound = self { return true } else { return false } }
    public var isAlreadyExists: Bool { if case .alreadyExists = self { return true } else { return false } }

    /// Maps an HTTP status and its body to the typed error.
    public static func from(code: Int, body: [UInt8], verb: String, path: String, retryAfter: Int? = nil) -> KubeError {
        let status = KubeStatus.decode(code: code, body: body, verb: verb, path: path, retryAfter: retryAfter)
        switch code {
        case 401: return .unauthorized(status)
        case 403: return .forbidden(status)
        case 404: return .notFound(status)
        case 409: return status.reason == "AlreadyExists" ? .alreadyExists(status) : .conflict(status)
        case 410: return .gone(status)
        case 422: return .invalid(status)
        default: return .api(status)
        }
    }

    public var description: String {
        switch self {
        case .notFound(let s):
            return "not found: \(s). Check the name and namespace, and that the CRD is installed."
        case .alreadyExists(let s):
            return "already exists: \(s)."
        case .conflict(let s):
            return "conflict: \(s). The object changed since it was read; run the command again."
        case .invalid(let s):
            return isPreconditionFailure
                ? "precondition failed: \(s). The object changed since it was read; run the command again."
                : "invalid: \(s)."
        case .forbidden(let s):
            return "forbidden: \(s). Grant the '\(s.verb)' verb on \(s.resource.isEmpty ? "this resource" : s.resource) to the identity in use (see examples/rbac/)."
        case .unauthorized(let s):
            return "unauthorized: \(s). The credentials were rejected or expired: check the kubeconfig user (token, client certificate or exec plugin)."
        case .gone(let s):
            return "gone: \(s). The resourceVersion is too old; relist."
        case .api(let s):
            return "API error: \(s)."
        case .transport(let request, let code, let message):
            return "cannot reach the API server (\(request)): \(message) (curl error \(code)). Check the server address in the kubeconfig and the network."
        case .timedOut(let request, let seconds):
            return "timed out after \(seconds)s: \(request). Raise --request-timeout or check the API server."
        case .configuration(let m):
            return "kubeconfig: \(m)"
        case .credentials(let m):
            return "credentials: \(m)"
        case .decoding(let request, let message):
            return "unexpected response to \(request): \(message)"
        case .cancelled:
            return "cancelled"
        }
    }
}
