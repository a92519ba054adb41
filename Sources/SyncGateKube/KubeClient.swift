import Foundation
import SyncGateCore

/// One page of a list, or all of them.
public struct ObjectList: Sendable {
    public var items: [Value]
    /// The collection's resourceVersion: watch from here.
    public var resourceVersion: String
    /// Set when more pages follow.
    public var continueToken: String?
}

/// Preconditions of a delete: the API refuses (409) when the object's uid or resourceVersion differ.
public struct DeletePreconditions: Sendable, Equatable {
    public var uid: String?
    public var resourceVersion: String?
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
    /// Preconditions naming exactly this object as read.
    public init(of object: Value) {
        uid = object[path: "metadata", "uid"]?.string
        resourceVersion = object[path: "metadata", "resourceVersion"]?.string
    }
}

/// A Kubernetes API client: kubectl's configuration, typed errors, bounded retries, timeouts. Objects are `Value`s.
public struct KubeClient: Sendable {
    public let configuration: ClientConfiguration
    public let transport: any KubeTransport
    public let credentials: CredentialSource
    public var retry: RetryPolicy
    /// Per-request timeout in seconds (watches excepted).
    public var requestTimeout: Double

    public init(configuration: ClientConfiguration, transport: (any KubeTransport)? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                retry: RetryPolicy = RetryPolicy(), requestTimeout: Double = 30) {
        self.configuration = configuration
        self.transport = transport ?? CurlTransport(server: configuration.server, tls: configuration.tls)
        self.credentials = CredentialSource(auth: configuration.auth, environment: environment,
                                            clusterInfo: configuration.execClusterInfo)
        self.retry = retry
        self.requestTimeout = requestTimeout
    }

    /// The default namespace (flag, context, Pod).
    public var namespace: String { configuration.namespace }

    // MARK: - Verbs

    public func get(_ resource: KubeResource, namespace: String? = nil, name: String) async throws -> Value {
        let path = resource.objectPath(namespace: namespace ?? self.namespace, name: name)
        return try await json(HTTPRequest(method: "GET", path: path), verb: "get", resource: resource)
    }

    /// The object, or nil on 404.
    public func getIfPresent(_ resource: KubeResource, namespace: String? = nil, name: String) async throws -> Value? {
        do { return try await get(resource, namespace: namespace, name: name) } catch KubeError.notFound { return nil }
    }

    /// One page of a list. `namespace: nil` lists across all namespaces (and cluster-scoped kinds).
    public func listPage(_ resource: KubeResource, namespace: String?, labelSelector: String? = nil,
                         fieldSelector: String? = nil, limit: Int? = 500, continueToken: String? = nil) async throws -> ObjectList {
        let path = KubePath.withQuery(resource.collectionPath(namespace: namespace), [
            ("labelSelector", labelSelector), ("fieldSelector", fieldSelector),
            ("limit", limit.map(String.init)), ("continue", continueToken),
        ])
        let v = try await json(HTTPRequest(method: "GET", path: path), verb: "list", resource: resource)
        let cont = v[path: "metadata", "continue"]?.string
        return ObjectList(items: v["items"]?.elements ?? [],
                          resourceVersion: v[path: "metadata", "resourceVersion"]?.scalarText ?? "",
                          continueToken: (cont?.isEmpty ?? true) ? nil : cont)
    }

    /// Every item, following `continue` tokens; a 410 on a stale token restarts the list once from the beginning.
    public func list(_ resource: KubeResource, namespace: String?, labelSelector: String? = nil,
                     fieldSelector: String? = nil, pageSize: Int = 500) async throws -> ObjectList {
        var restarted = false
        while true {
            var all: [Value] = []
            var token: String? = nil
            var rv = ""
            do {
                repeat {
                    let page = try await listPage(resource, namespace: namespace, labelSelector: labelSelector,
                                                  fieldSelector: fieldSelector, limit: pageSize, continueToken: token)
                    all += page.items
                    token = page.continueToken
                    rv = page.resourceVersion
                } while token != nil
                return ObjectList(items: all, resourceVersion: rv, continueToken: nil)
            } catch KubeError.gone(let s) where !restarted {
                _ = s
                restarted = true
            }
        }
    }

    public func create(_ resource: KubeResource, namespace: String? = nil, _ object: Value) async throws -> Value {
        let path = resource.collectionPath(namespace: resource.namespaced ? (namespace ?? object[path: "metadata", "namespace"]?.string ?? self.namespace) : nil)
        return try await json(HTTPRequest(method: "POST", path: path, body: JSONWriter.bytes(object), contentType: "application/json"),
                              verb: "create", resource: resource)
    }

    /// PUT of a whole object; its `metadata.resourceVersion` makes it conditional (409 when stale). Refuses an
    /// object without a resourceVersion (that would be a blind overwrite).
    public func update(_ resource: KubeResource, namespace: String? = nil, _ object: Value, subresource: String? = nil) async throws -> Value {
        guard let name = object[path: "metadata", "name"]?.string,
              object[path: "metadata", "resourceVersion"]?.scalarText?.isEmpty == false else {
            throw KubeError.configuration("update of \(resource) needs metadata.name and metadata.resourceVersion (read the object first).")
        }
        let ns = namespace ?? object[path: "metadata", "namespace"]?.string ?? self.namespace
        let path = resource.objectPath(namespace: ns, name: name, subresource: subresource)
        return try await json(HTTPRequest(method: "PUT", path: path, body: JSONWriter.bytes(object), contentType: "application/json"),
                              verb: "update", resource: resource)
    }

    /// RFC 7386 merge patch.
    public func mergePatch(_ resource: KubeResource, namespace: String? = nil, name: String, _ patch: Value,
                           subresource: String? = nil) async throws -> Value {
        let path = resource.objectPath(namespace: namespace ?? self.namespace, name: name, subresource: subresource)
        return try await json(HTTPRequest(method: "PATCH", path: path, body: JSONWriter.bytes(patch),
                                          contentType: "application/merge-patch+json"), verb: "patch", resource: resource)
    }

    /// RFC 6902 JSON patch; put `test` operations first so a changed object is refused (422) instead of overwritten.
    public func jsonPatch(_ resource: KubeResource, namespace: String? = nil, name: String, _ ops: [JSONPatchOperation],
                          subresource: String? = nil) async throws -> Value {
        let path = resource.objectPath(namespace: namespace ?? self.namespace, name: name, subresource: subresource)
        return try await json(HTTPRequest(method: "PATCH", path: path, body: JSONPatchOperation.document(ops),
                                          contentType: "application/json-patch+json"), verb: "patch", resource: resource)
    }

    public func delete(_ resource: KubeResource, namespace: String? = nil, name: String,
                       preconditions: DeletePreconditions? = nil, propagationPolicy: String? = "Background") async throws {
        let path = resource.objectPath(namespace: namespace ?? self.namespace, name: name)
        var o = Object()
        o["kind"] = .string("DeleteOptions")
        o["apiVersion"] = .string("v1")
        if let propagationPolicy { o["propagationPolicy"] = .string(propagationPolicy) }
        if let p = preconditions {
            var pre = Object()
            if let uid = p.uid { pre["uid"] = .string(uid) }
            if let rv = p.resourceVersion { pre["resourceVersion"] = .string(rv) }
            o["preconditions"] = .object(pre)
        }
        _ = try await send(HTTPRequest(method: "DELETE", path: path, body: JSONWriter.bytes(.object(o)), contentType: "application/json"),
                           verb: "delete", resource: resource)
    }

    /// A GET of any path (discovery), decoded.
    public func getPath(_ path: String) async throws -> Value {
        try await json(HTTPRequest(method: "GET", path: path), verb: "get", resource: nil)
    }

    // MARK: - Sending

    func json(_ request: HTTPRequest, verb: String, resource: KubeResource?) async throws -> Value {
        let response = try await send(request, verb: verb, resource: resource)
        do {
            return try YAMLDecoder.decodeOne(response.body, file: request.summary)
        } catch {
            throw KubeError.decoding(request: request.summary, message: "\(error)")
        }
    }

    /// Authenticates, sends, maps errors, retries transient failures (bounded) and a 401 once with fresh credentials.
    public func send(_ request: HTTPRequest, verb: String, resource: KubeResource?) async throws -> HTTPResponse {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            try Task.checkCancellation()
            var r = request
            if r.timeoutSeconds != nil { r.timeoutSeconds = requestTimeout }
            let creds = try await credentials.credentials()
            r.bearerToken = creds.bearerToken
            r.clientCertificatePEM = creds.clientCertificatePEM
            r.clientKeyPEM = creds.clientKeyPEM
            let failure: Error
            do {
                let response = try await transport.send(r)
                if (200..<300).contains(response.code) { return response }
                var status = KubeError.from(code: response.code, body: response.body, verb: verb, path: request.path,
                                            retryAfter: response.retryAfterSeconds)
                if let resource, case .forbidden(var s) = status {
                    if s.message.isEmpty { s.message = "cannot \(verb) \(resource.groupResource)" }
                    s.resource = resource.groupResource
                    status = .forbidden(s)
                }
                if case .unauthorized = status, !refreshedCredentials, isRefreshable {
                    refreshedCredentials = true
                    _ = try await credentials.credentials(refresh: true)
                    attempt -= 1
                    continue
                }
                failure = status
            } catch let e as CancellationError {
                throw e
            } catch {
                if Task.isCancelled { throw CancellationError() }
                let e: Error = error is KubeError ? error : KubeError.transport(request: request.summary, curlCode: -1, message: "\(error)")
                failure = e
            }
            guard RetryPolicy.isTransient(failure), attempt < retry.maxAttempts else { throw failure }
            try await retry.sleep(retry.delay(afterAttempt: attempt, retryAfter: (failure as? KubeError)?.status?.retryAfterSeconds))
        }
    }

    private var isRefreshable: Bool {
        switch configuration.auth {
        case .exec, .tokenFile: return true
        default: return false
        }
    }
}
