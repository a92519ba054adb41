import Foundation
import SyncGateCore

/// What a watch reports. `relisted` carries the full current set: at the start (when no resourceVersion was
/// given) and whenever the server said 410 Gone and SyncGate had to list again.
public enum WatchEvent: Sendable {
    case added(Value)
    case modified(Value)
    case deleted(Value)
    case bookmark(resourceVersion: String)
    case relisted(items: [Value], resourceVersion: String)
}

/// Decodes one line of a watch response: `{"type":"ADDED","object":{...}}`.
public enum WatchLine {
    public enum Decoded: Sendable {
        case event(WatchEvent)
        /// `type: ERROR` with a Status object (410 Expired means: relist).
        case error(KubeStatus)
    }

    public static func decode(_ line: [UInt8], path: String) throws -> Decoded {
        let v: Value
        do { v = try YAMLDecoder.decodeOne(line, file: "watch \(path)") } catch {
            throw KubeError.decoding(request: "watch \(path)", message: "bad event line: \(error)")
        }
        let object = v["object"] ?? .null
        switch v["type"]?.string {
        case "ADDED": return .event(.added(object))
        case "MODIFIED": return .event(.modified(object))
        case "DELETED": return .event(.deleted(object))
        case "BOOKMARK": return .event(.bookmark(resourceVersion: object[path: "metadata", "resourceVersion"]?.scalarText ?? ""))
        case "ERROR":
            return .error(KubeStatus.decode(code: object["code"]?.int ?? 500, body: JSONWriter.bytes(object), verb: "watch", path: path))
        default:
            throw KubeError.decoding(request: "watch \(path)", message: "unknown event type \(v["type"]?.scalarText ?? "nil")")
        }
    }
}

extension KubeClient {
    /// Watches a collection, streamed line by line from a transfer on its own thread. Without a
    /// `resourceVersion` it lists first (`relisted`), then watches from the list's version. When the server ends
    /// the stream it reconnects from the last version seen; on 410 Gone it lists again. Transport failures are
    /// retried with backoff up to `maxReconnects` in a row. Cancel the consuming task to stop.
    public func watch(_ resource: KubeResource, namespace: String?, labelSelector: String? = nil,
                      resourceVersion: String? = nil, serverTimeoutSeconds: Int = 300,
                      maxReconnects: Int = 5) -> AsyncThrowingStream<WatchEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var rv = resourceVersion
                    var failures = 0
                    var refreshed = false
                    var emptyStreams = 0
                    while !Task.isCancelled {
                        await Task.yield()  // fairness: never monopolise a cooperative thread between reconnects
                        if rv == nil || rv == "" {
                            let list = try await self.list(resource, namespace: namespace, labelSelector: labelSelector)
                            continuation.yield(.relisted(items: list.items, resourceVersion: list.resourceVersion))
                            rv = list.resourceVersion
                        }
                        let path = KubePath.withQuery(resource.collectionPath(namespace: namespace), [
                            ("watch", "1"), ("resourceVersion", rv), ("allowWatchBookmarks", "true"),
                            ("labelSelector", labelSelector), ("timeoutSeconds", String(serverTimeoutSeconds)),
                        ])
                        var request = HTTPRequest(method: "GET", path: path, timeoutSeconds: nil)
                        let creds = try await self.credentials.credentials(refresh: refreshed && failures == 1)
                        request.bearerToken = creds.bearerToken
                        request.clientCertificatePEM = creds.clientCertificatePEM
                        request.clientKeyPEM = creds.clientKeyPEM
                        do {
                            var gone = false
                            var events = 0
                            for try await item in self.transport.stream(request) {
                                switch item {
                                case .status(let code, let body):
                                    if code == 200 { failures = 0; continue }
                                    let error = KubeError.from(code: code, body: body, verb: "watch", path: path)
                                    if case .gone = error { gone = true } else if case .unauthorized = error, !refreshed {
                                        refreshed = true  // once: re-read the token file / re-run the plugin
                                        throw KubeError.api(KubeStatus(code: 503, message: "retrying with fresh credentials"))
                                    } else { throw error }
                                case .line(let line):
                                    switch try WatchLine.decode(line, path: path) {
                                    case .event(let e):
                                        switch e {
                                        case .added(let o), .modified(let o), .deleted(let o):
                                            if let v = o[path: "metadata", "resourceVersion"]?.scalarText { rv = v }
                                        case .bookmark(let v): if !v.isEmpty { rv = v }
                                        case .relisted: break
                                        }
                                        events += 1
                                        continuation.yield(e)
                                    case .error(let status):
                                        if status.code == 410 { gone = true } else { throw KubeError.from(code: status.code, body: [], verb: "watch", path: path) }
                                    }
                                }
                                if gone { break }
                            }
                            if gone { rv = nil }
                            // A stream that ends without a single event (a proxy closing it at once) must not
                            // turn into a hot reconnect loop: back off, bounded.
                            if events == 0 && !gone {
                                emptyStreams += 1
                                try await self.retry.sleep(self.retry.delay(afterAttempt: min(emptyStreams, 6), retryAfter: nil))
                            } else {
                                emptyStreams = 0
                            }
                        } catch let error where RetryPolicy.isTransient(error) {
                            failures += 1
                            if failures > maxReconnects { throw error }
                            try await self.retry.sleep(self.retry.delay(afterAttempt: failures, retryAfter: nil))
                        }
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
