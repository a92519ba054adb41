import Foundation
import SyncGateCore
@testable import SyncGateKube

/// A scratch directory per test (tests run in parallel).
final class Scratch: Sendable {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "syncgate-kube-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let p = path + "/" + name
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: p) }
        return p
    }
}

func json(_ text: String) -> Value {
    try! YAMLDecoder.decodeOne(Array(text.utf8))
}

/// A transport that answers from a closure and records what was sent.
final class ScriptedTransport: KubeTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _requests: [HTTPRequest] = []
    let respond: @Sendable (HTTPRequest, Int) throws -> HTTPResponse
    var lines: [[UInt8]] = []

    init(_ respond: @escaping @Sendable (HTTPRequest, Int) throws -> HTTPResponse) { self.respond = respond }

    var requests: [HTTPRequest] { lock.withLock { _requests } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let n = lock.withLock { _requests.append(request); return _requests.count }
        return try respond(request, n)
    }

    func stream(_ request: HTTPRequest) -> AsyncThrowingStream<StreamEvent, Error> {
        let n = lock.withLock { _requests.append(request); return _requests.count }
        let r = Result { try respond(request, n) }
        return AsyncThrowingStream { c in
            switch r {
            case .success(let resp):
                c.yield(.status(code: resp.code, body: resp.code == 200 ? [] : resp.body))
                if resp.code == 200 {
                    for line in resp.body.split(separator: UInt8(ascii: "\n")) { c.yield(.line(Array(line))) }
                }
                c.finish()
            case .failure(let e): c.finish(throwing: e)
            }
        }
    }
}

func status(_ code: Int, _ reason: String, _ message: String) -> HTTPResponse {
    HTTPResponse(code: code, body: Array(#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"\#(reason)","message":"\#(message)","code":\#(code)}"#.utf8))
}

func ok(_ text: String) -> HTTPResponse { HTTPResponse(code: 200, body: Array(text.utf8)) }

func testClient(_ transport: ScriptedTransport, auth: KubeAuth = .token("t0k"), sleeps: SleepRecorder = SleepRecorder()) -> KubeClient {
    KubeClient(configuration: ClientConfiguration(server: "https://127.0.0.1:1", auth: auth, namespace: "argocd"),
               transport: transport, retry: RetryPolicy(maxAttempts: 4, sleep: { s in sleeps.record(s) }))
}

final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var _sleeps: [Double] = []
    func record(_ s: Double) { lock.withLock { _sleeps.append(s) } }
    var sleeps: [Double] { lock.withLock { _sleeps } }
}
