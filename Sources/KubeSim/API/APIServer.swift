import Foundation
import SyncGateCore

/// The REST surface: authentication, authorization, faults, discovery, and the resource verbs.
final class APIServer: Sendable {
    let store: ObjectStore
    let clock: SimClock
    let faults: FaultInjector
    let tokens: [String: UserInfo]
    let enforceRBAC: Bool
    let address: Locked<String>
    let stopping = Locked(false)
    /// Counts requests by "METHOD path-kind" for tests (e.g. how many PATCHes arrived).
    let requestLog = Locked<[String]>([])

    init(store: ObjectStore, clock: SimClock, faults: FaultInjector, tokens: [String: UserInfo], enforceRBAC: Bool) {
        self.store = store
        self.clock = clock
        self.faults = faults
        self.tokens = tokens
        self.enforceRBAC = enforceRBAC
        self.address = Locked("127.0.0.1:0")
    }

    // MARK: entry

    func handle(_ req: HTTPRequest, _ w: ResponseWriter) {
        requestLog.withLock { $0.append("\(req.method) \(req.path)") }
        let effects = faults.effects(method: req.method, path: req.path)
        for e in effects {
            switch e {
            case .latency(let s): Thread.sleep(forTimeInterval: s)
            case .dropConnection: w.drop(); return
            case .status(let code):
                let reason = code == 429 ? "TooManyRequests" : code == 504 ? "Timeout" : code == 503 ? "ServiceUnavailable" : "InternalError"
                let err = APIError(code: code, reason: reason, message: "KubeSim injected fault: \(code) for \(req.method) \(req.path)")
                w.send(respond(err)); return
            case .conflict: break
            }
        }
        let user: UserInfo
        if tokens.isEmpty {
            user = .admin("kubesim-admin")
        } else {
            let auth = req.header("authorization") ?? ""
            guard auth.hasPrefix("Bearer "), let u = tokens[String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)] else {
                w.send(respond(.unauthorized())); return
            }
            user = u
        }
        do {
            try route(req, w, user: user, forceConflict: effects.contains(.conflict))
        } catch {
            w.send(respond(error))
        }
    }

    func respond(_ e: APIError) -> HTTPResponse { .json(e.code, e.status.json) }

    private func ok(_ v: Value, status: Int = 200) -> HTTPResponse { .json(status, v.json) }

    // MARK: routing

    private func route(_ req: HTTPRequest, _ w: ResponseWriter, user: UserInfo, forceConflict: Bool) throws(APIError) {
        let parts = req.path.split(separator: "/").map(String.init)
        let catalog = store.catalog
        func nonResource() throws(APIError) {
            if enforceRBAC {
                let a = RequestAttributes(verb: req.method.lowercased(), group: "", resource: "", subresource: nil, namespace: nil, name: nil, isResourceRequest: false, path: req.path)
                guard RBACAuthorizer(store: store).allows(user, a) else {
                    throw APIError(code: 403, reason: "Forbidden", message: "forbidden: User \"\(user.name)\" cannot get path \"\(req.path)\"")
                }
            }
        }
        switch parts.first {
        case nil:
            try nonResource()
            w.send(ok(.obj([("paths", .strings(["/api", "/api/v1", "/apis", "/version", "/healthz"]))]))); return
        case "version":
            try nonResource(); w.send(ok(Discovery.version())); return
        case "healthz", "livez", "readyz":
            w.send(HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array("ok".utf8))); return
        case "openapi":
            try nonResource()
            if parts.count == 2 && parts[1] == "v2" {
                w.send(HTTPResponse(status: 200, headers: [("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")], body: []))
                return
            }
            if parts.count == 2 && parts[1] == "v3" { w.send(ok(OpenAPI.v3Root(catalog))); return }
            if parts.count >= 4 && parts[1] == "v3" {
                let (g, v) = parts[2] == "api" ? ("", parts[3]) : (parts.count >= 5 ? (parts[3], parts[4]) : ("", ""))
                if let doc = OpenAPI.v3GroupVersion(catalog, group: g, version: v) { w.send(ok(doc)); return }
            }
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        case "api":
            if parts.count == 1 { try nonResource(); w.send(ok(Discovery.coreVersions(address: address.value))); return }
            guard parts[1] == "v1" else { throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource") }
            if parts.count == 2 { try nonResource(); w.send(ok(Discovery.resourceList(catalog, group: "", version: "v1")!)); return }
            try resource(req, w, user: user, group: "", version: "v1", rest: Array(parts[2...]), forceConflict: forceConflict)
        case "apis":
            if parts.count == 1 { try nonResource(); w.send(ok(Discovery.groupList(catalog))); return }
            if parts.count == 2 {
                try nonResource()
                guard let g = Discovery.groupDocument(catalog, parts[1]) else { throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource") }
                w.send(ok(g)); return
            }
            if parts.count == 3 {
                try nonResource()
                guard let list = Discovery.resourceList(catalog, group: parts[1], version: parts[2]) else {
                    throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
                }
                w.send(ok(list)); return
            }
            try resource(req, w, user: user, group: parts[1], version: parts[2], rest: Array(parts[3...]), forceConflict: forceConflict)
        default:
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
    }

    private func resource(_ req: HTTPRequest, _ w: ResponseWriter, user: UserInfo, group: String, version: String,
                          rest: [String], forceConflict: Bool) throws(APIError) {
        let catalog = store.catalog
        var namespace: String? = nil
        var segs = rest
        if segs.count >= 3, segs[0] == "namespaces", let t = catalog.type(group: group, version: version, plural: segs[2]), t.namespaced {
            namespace = segs[1]
            segs = Array(segs[2...])
        }
        guard let plural = segs.first, let type = catalog.type(group: group, version: version, plural: plural) else {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
        }
        let name = segs.count > 1 ? segs[1] : nil
        let subresource = segs.count > 2 ? segs[2] : nil
        if let subresource, subresource != "status" || !type.hasStatus {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource (\(type.plural)/\(subresource))")
        }
        if type.namespaced && name != nil && namespace == nil {
            throw APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource: \(type.plural) is namespaced; use /namespaces/NAMESPACE/\(type.plural)/NAME")
        }
        let isWatch = req.queryFlag("watch")
        let verb: String
        switch (req.method, name) {
        case ("GET", nil): verb = isWatch ? "watch" : "list"
        case ("GET", _): verb = isWatch ? "watch" : "get"
        case ("POST", nil): verb = "create"
        case ("PUT", _): verb = "update"
        case ("PATCH", _): verb = "patch"
        case ("DELETE", nil): verb = "deletecollection"
        case ("DELETE", _): verb = "delete"
        default: throw .methodNotAllowed("the server does not allow this method on the requested resource")
        }
        if enforceRBAC {
            let a = RequestAttributes(verb: verb, group: group, resource: type.plural, subresource: subresource, namespace: namespace,
                                      name: name, isResourceRequest: true, path: req.path)
            guard RBACAuthorizer(store: store).allows(user, a) else {
                throw .forbidden(user: user.name, verb: verb, type: type, resource: subresource.map { "\(type.plural)/\($0)" } ?? type.plural,
                                 group: group, namespace: namespace, name: name)
            }
        }
        if forceConflict && ["create", "update", "patch", "delete"].contains(verb) {
            throw .conflict(type, name ?? "", "the object has been modified; please apply your changes to the latest version and try again (KubeSim injected conflict)")
        }
        let ns = type.namespaced ? (namespace ?? "") : ""
        let dryRun = req.query["dryRun"] == "All"
        switch verb {
        case "list": w.send(try list(req, type: type, version: version, namespace: namespace))
        case "watch": try watch(req, w, type: type, version: version, namespace: namespace, name: name)
        case "get":
            guard let obj = store.get(type.key, namespace: ns, name: name!) else { throw .notFound(type, name!) }
            w.send(ok(served(obj, type, version)))
        case "create":
            guard type.namespaced == false || namespace != nil else { throw .badRequest("\(type.plural) is namespaced: POST to /namespaces/NAMESPACE/\(type.plural)") }
            let body = try decodeBody(req)
            let created = try store.create(type, namespace: ns, body, keepStatus: false, dryRun: dryRun)
            w.send(ok(served(created, type, version), status: 201))
        case "update":
            var body = try decodeBody(req)
            if body.metadataName.isEmpty { body.set(["metadata", "name"], .string(name!)) }
            guard body.metadataName == name! else { throw .badRequest("the name of the object (\(body.metadataName)) does not match the name on the URL (\(name!))") }
            let updated = try store.update(type, namespace: ns, body, subresource: subresource, dryRun: dryRun)
            w.send(ok(served(updated, type, version)))
        case "patch":
            w.send(ok(served(try patch(req, type: type, namespace: ns, name: name!, subresource: subresource, dryRun: dryRun), type, version)))
        case "delete":
            var uid: String? = nil, rv: String? = nil
            if !req.body.isEmpty, let opts = try? Value.parse(req.body) {
                uid = opts[path: "preconditions", "uid"]?.string
                rv = opts[path: "preconditions", "resourceVersion"]?.scalarText
            }
            let deleted = try store.delete(type, namespace: ns, name: name!, preconditionUID: uid, preconditionRV: rv, dryRun: dryRun)
            w.send(ok(served(deleted, type, version)))
        case "deletecollection":
            let labels = try req.query["labelSelector"].map { (s: String) throws(APIError) in try LabelSelector(parsing: s) }
            let fields = try req.query["fieldSelector"].map { (s: String) throws(APIError) in try FieldSelector(parsing: s) }
            var deleted: [Value] = []
            for obj in store.list(type.key, namespace: namespace, labels: labels, fields: fields) {
                if let d = try? store.delete(type, namespace: obj.metadataNamespace, name: obj.metadataName, dryRun: dryRun) {
                    deleted.append(served(d, type, version))
                }
            }
            w.send(ok(.obj([("kind", .string(type.kind + "List")), ("apiVersion", .string(type.apiVersion(version))),
                            ("metadata", .obj([("resourceVersion", .string(String(store.resourceVersion)))])), ("items", .array(deleted))])))
        default:
            throw .methodNotAllowed("unsupported verb \(verb)")
        }
    }

    private func served(_ v: Value, _ type: ResourceType, _ version: String) -> Value {
        guard version != type.storageVersion else { return v }
        var out = v
        out.set(["apiVersion"], .string(type.apiVersion(version)))
        return out
    }

    private func decodeBody(_ req: HTTPRequest) throws(APIError) -> Value {
        let contentType = req.header("content-type") ?? "application/json"
        if contentType.contains("protobuf"), let v = try? ProtobufBody.decode(req.body) { return v }
        if contentType.contains("protobuf") || contentType.contains("cbor") {
            throw APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (KubeSim does not speak \(contentType))")
        }
        do {
            let v = try Value.parse(req.body)
            guard v.object != nil else { throw APIError.badRequest("the request body must be a JSON object") }
            return v
        } catch let e as APIError {
            throw e
        } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
    }

    // MARK: list

    private func list(_ req: HTTPRequest, type: ResourceType, version: String, namespace: String?) throws(APIError) -> HTTPResponse {
        let labels = try req.query["labelSelector"].map { (s: String) throws(APIError) in try LabelSelector(parsing: s) }
        let fields = try req.query["fieldSelector"].map { (s: String) throws(APIError) in try FieldSelector(parsing: s) }
        let rv = String(store.resourceVersion)
        var items = store.list(type.key, namespace: namespace, labels: labels, fields: fields)
        if let token = req.query["continue"], !token.isEmpty {
            guard let data = Data(base64Encoded: token), let after = String(data: data, encoding: .utf8) else {
                throw .badRequest("invalid continue token")
            }
            items = items.filter { ObjectStore.slot($0.metadataNamespace, $0.metadataName) > after }
        }
        var next: String? = nil
        var remaining: Int? = nil
        if let limit = Int(req.query["limit"] ?? ""), limit > 0, items.count > limit {
            remaining = items.count - limit
            items = Array(items.prefix(limit))
            let last = items[items.count - 1]
            next = Data(ObjectStore.slot(last.metadataNamespace, last.metadataName).utf8).base64EncodedString()
        }
        if (req.header("accept") ?? "").contains("as=Table") {
            return ok(TableRenderer.table(type: type, items: items.map { served($0, type, version) }, resourceVersion: rv, continueToken: next, now: clock.now))
        }
        var metadata: [(String, Value)] = [("resourceVersion", .string(rv))]
        if let next { metadata.append(("continue", .string(next))) }
        if let remaining { metadata.append(("remainingItemCount", .int(remaining))) }
        return ok(.obj([("kind", .string(type.kind + "List")), ("apiVersion", .string(type.apiVersion(version))),
                        ("metadata", .obj(metadata)), ("items", .array(items.map { served($0, type, version) }))]))
    }

    // MARK: watch

    private func watch(_ req: HTTPRequest, _ w: ResponseWriter, type: ResourceType, version: String, namespace: String?, name: String?) throws(APIError) {
        let labels = try req.query["labelSelector"].map { (s: String) throws(APIError) in try LabelSelector(parsing: s) }
        var fields = try req.query["fieldSelector"].map { (s: String) throws(APIError) in try FieldSelector(parsing: s) }
        if let name { fields = try FieldSelector(parsing: "metadata.name=\(name)") }
        let rvText = req.query["resourceVersion"] ?? ""
        let from = Int(rvText)
        let sendInitial = rvText.isEmpty || rvText == "0" || req.queryFlag("sendInitialEvents")
        let filter = WatchFilter(key: type.key, namespace: namespace, labels: labels, fields: fields)
        let headers = [("Content-Type", "application/json"), ("Cache-Control", "no-cache, private")]
        let watcher: Watcher
        do {
            watcher = try store.watch(filter, from: from, sendInitial: sendInitial)
        } catch {
            // Like the API server: a 200 stream carrying one ERROR event with the 410 Status.
            guard w.startChunked(status: 200, headers: headers) else { return }
            let event = Value.obj([("type", .string("ERROR")), ("object", error.status)])
            _ = w.writeChunk(Array((event.json + "\n").utf8))
            w.endChunked()
            return
        }
        defer { store.stopWatching(watcher) }
        guard w.startChunked(status: 200, headers: headers) else { return }
        let timeout = TimeInterval(Int(req.query["timeoutSeconds"] ?? "") ?? 1800)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && !stopping.value {
            guard let e = watcher.next(timeout: 0.5) else {
                if watcher.isClosed { break }
                continue
            }
            let event = Value.obj([("type", .string(e.type.rawValue)), ("object", served(e.object, type, version))])
            if !w.writeChunk(Array((event.json + "\n").utf8)) { return }
        }
        w.endChunked()
    }

    // MARK: patch

    private func patch(_ req: HTTPRequest, type: ResourceType, namespace: String, name: String, subresource: String?, dryRun: Bool) throws(APIError) -> Value {
        let contentType = (req.header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let body: Value
        do { body = try Value.parse(req.body) } catch { throw .badRequest("the patch is not valid JSON: \(error)") }
        switch contentType {
        case "application/apply-patch+yaml":
            if store.get(type.key, namespace: namespace, name: name) == nil {
                var obj = body
                obj.set(["metadata", "name"], .string(name))
                return try store.create(type, namespace: namespace, obj, keepStatus: subresource == "status", dryRun: dryRun)
            }
            return try store.patch(type, namespace: namespace, name: name, subresource: subresource, dryRun: dryRun) { old in Patch.merge(old, body) }
        case "application/merge-patch+json":
            return try store.patch(type, namespace: namespace, name: name, subresource: subresource, dryRun: dryRun) { old in Patch.merge(old, body) }
        case "application/strategic-merge-patch+json":
            if type.isCustom {
                throw APIError(code: 415, reason: "UnsupportedMediaType", message: "strategic merge patch is not supported for custom resources (\(type.qualifiedName)); use --type merge or --type json")
            }
            return try store.patch(type, namespace: namespace, name: name, subresource: subresource, dryRun: dryRun) { old in
                Patch.strategic(old, body, custom: false)
            }
        case "application/json-patch+json":
            return try store.patch(type, namespace: namespace, name: name, subresource: subresource, dryRun: dryRun) { (old: Value) throws(APIError) -> Value in
                do throws(Patch.Failure) { return try Patch.json(old, body) } catch {
                    if error.invalid { throw APIError.invalid(type, name, error.message) }
                    throw APIError.badRequest(error.message)
                }
            }
        default:
            throw .unsupportedMediaType(contentType)
        }
    }
}
