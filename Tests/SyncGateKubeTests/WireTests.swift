import Foundation
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct WireTests {
    @Test func paths() {
        #expect(KubeResource.secrets.objectPath(namespace: "pay", name: "tls") == "/api/v1/namespaces/pay/secrets/tls")
        #expect(KubeResource.applications.collectionPath(namespace: nil) == "/apis/argoproj.io/v1alpha1/applications")
        #expect(KubeResource.customResourceDefinitions.objectPath(namespace: "ignored", name: "applications.argoproj.io")
                == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/applications.argoproj.io")
        #expect(KubeResource.gateways.objectPath(namespace: "traefik", name: "gw", subresource: "status")
                == "/apis/gateway.networking.k8s.io/v1/namespaces/traefik/gateways/gw/status")
        #expect(KubePath.withQuery("/x", [("labelSelector", "a=b,c in (d)"), ("limit", "5"), ("continue", nil)])
                == "/x?labelSelector=a%3Db%2Cc%20in%20%28d%29&limit=5")
    }

    @Test func statusBodiesBecomeTypedErrors() {
        let body = Array(#"{"kind":"Status","reason":"Forbidden","message":"applications.argoproj.io \"pay\" is forbidden: User \"ci\" cannot patch resource","code":403,"details":{"name":"pay"}}"#.utf8)
        let e = KubeError.from(code: 403, body: body, verb: "patch", path: "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/pay")
        guard case .forbidden(let s) = e else { Issue.record("not forbidden"); return }
        #expect(s.verb == "patch")
        #expect("\(e)".contains("Grant the 'patch' verb"))
        #expect(KubeError.from(code: 404, body: [], verb: "get", path: "/x").isNotFound)
        #expect(KubeError.from(code: 409, body: Array(#"{"kind":"Status","reason":"AlreadyExists","code":409}"#.utf8), verb: "create", path: "/x").isAlreadyExists)
        #expect(KubeError.from(code: 409, body: Array(#"{"kind":"Status","reason":"Conflict","code":409}"#.utf8), verb: "update", path: "/x").isPreconditionFailure)
        let testFailed = KubeError.from(code: 422, body: Array(#"{"kind":"Status","reason":"Invalid","message":"the server rejected our request due to an error in our request: testing value /spec/syncPolicy failed","code":422}"#.utf8), verb: "patch", path: "/x")
        #expect(testFailed.isPreconditionFailure)
        let invalid = KubeError.from(code: 422, body: Array(#"{"kind":"Status","reason":"Invalid","message":"Secret \"x\" is invalid","details":{"causes":[{"field":"data[tls.crt]","message":"Required value"}]},"code":422}"#.utf8), verb: "create", path: "/x")
        #expect(!invalid.isPreconditionFailure)
        #expect(invalid.status?.causes == ["data[tls.crt]: Required value"])
        if case .gone = KubeError.from(code: 410, body: [], verb: "list", path: "/x") {} else { Issue.record("410 not gone") }
    }

    @Test func jsonPatchDocumentEscapesPointers() {
        let doc = String(decoding: JSONPatchOperation.document([
            .test("/metadata/resourceVersion", .string("7")),
            .add(JSONPointer.path("metadata", "annotations", "syncgate.dev/paused-reason"), .string("dns")),
            .remove("/spec/syncPolicy/automated"),
        ]), as: UTF8.self)
        #expect(doc == #"[{"op":"test","path":"/metadata/resourceVersion","value":"7"},{"op":"add","path":"/metadata/annotations/syncgate.dev~1paused-reason","value":"dns"},{"op":"remove","path":"/spec/syncPolicy/automated"}]"#)
        #expect(JSONPointer.escape("a~b/c") == "a~0b~1c")
    }

    @Test func requestsCarryVerbsContentTypesAndPreconditions() async throws {
        let t = ScriptedTransport { req, _ in ok(#"{"kind":"Secret","metadata":{"name":"x"}}"#) }
        let client = testClient(t)
        _ = try await client.get(.secrets, namespace: "pay", name: "x")
        _ = try await client.jsonPatch(.applications, name: "pay", [.test("/metadata/resourceVersion", .string("1"))])
        _ = try await client.mergePatch(.gateways, namespace: "traefik", name: "gw", .object(["metadata": .object(["annotations": .object(["a": .string("b")])])]))
        try await client.delete(.httpRoutes, namespace: "pay", name: "cm-acme-http-solver-abc", preconditions: DeletePreconditions(uid: "u1", resourceVersion: "9"))
        _ = try await client.create(.secrets, namespace: "pay", json(#"{"metadata":{"name":"x"}}"#))
        let r = t.requests
        #expect(r[0].method == "GET" && r[0].path == "/api/v1/namespaces/pay/secrets/x" && r[0].bearerToken == "t0k")
        #expect(r[1].method == "PATCH" && r[1].contentType == "application/json-patch+json" && r[1].path.contains("/namespaces/argocd/applications/pay"))
        #expect(r[2].contentType == "application/merge-patch+json")
        #expect(r[3].method == "DELETE")
        let del = json(String(decoding: r[3].body ?? [], as: UTF8.self))
        #expect(del[path: "preconditions", "uid"]?.string == "u1")
        #expect(del[path: "preconditions", "resourceVersion"]?.string == "9")
        #expect(r[4].method == "POST" && r[4].path == "/api/v1/namespaces/pay/secrets")
        await #expect(throws: KubeError.self) {
            _ = try await client.update(.secrets, json(#"{"metadata":{"name":"x"}}"#))  // no resourceVersion: refused
        }
    }

    @Test func retriesTransientOnlyAndBounded() async throws {
        let sleeps = SleepRecorder()
        let flaky = ScriptedTransport { _, n in n < 3 ? status(503, "ServiceUnavailable", "etcd leader changed") : ok("{}") }
        _ = try await testClient(flaky, sleeps: sleeps).get(.secrets, name: "x")
        #expect(flaky.requests.count == 3)
        #expect(sleeps.sleeps.count == 2)
        #expect(sleeps.sleeps.allSatisfy { $0 > 0 && $0 <= 5 })

        let down = ScriptedTransport { _, _ in throw KubeError.transport(request: "GET /x", curlCode: 7, message: "connection refused") }
        await #expect(throws: KubeError.self) { _ = try await testClient(down).get(.secrets, name: "x") }
        #expect(down.requests.count == 4)  // maxAttempts

        let notFound = ScriptedTransport { _, _ in status(404, "NotFound", "secrets \"x\" not found") }
        await #expect(throws: KubeError.self) { _ = try await testClient(notFound).get(.secrets, name: "x") }
        #expect(notFound.requests.count == 1)
        #expect(try await testClient(notFound).getIfPresent(.secrets, name: "x") == nil)

        let limited = ScriptedTransport { _, n in
            n == 1 ? HTTPResponse(code: 429, headers: ["retry-after": "2"], body: Array(#"{"kind":"Status","code":429,"reason":"TooManyRequests"}"#.utf8)) : ok("{}")
        }
        let s2 = SleepRecorder()
        _ = try await testClient(limited, sleeps: s2).get(.secrets, name: "x")
        #expect(s2.sleeps == [2])
    }

    @Test func listFollowsContinueTokens() async throws {
        let t = ScriptedTransport { req, _ in
            if req.path.contains("continue=p2") {
                return ok(#"{"metadata":{"resourceVersion":"20"},"items":[{"metadata":{"name":"c"}}]}"#)
            }
            return ok(#"{"metadata":{"resourceVersion":"10","continue":"p2"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#)
        }
        let l = try await testClient(t).list(.httpRoutes, namespace: "pay", labelSelector: "x=y", pageSize: 2)
        #expect(l.items.compactMap { $0[path: "metadata", "name"]?.string } == ["a", "b", "c"])
        #expect(t.requests[0].path == "/apis/gateway.networking.k8s.io/v1/namespaces/pay/httproutes?labelSelector=x%3Dy&limit=2")
        #expect(t.requests[1].path.hasSuffix("&continue=p2"))
    }

    @Test func unauthorizedRefreshesCredentialsOnce() async throws {
        let s = try Scratch()
        let tokenPath = try s.write("token", "old")
        let t = ScriptedTransport { req, _ in req.bearerToken == "new" ? ok("{}") : status(401, "Unauthorized", "Unauthorized") }
        let client = testClient(t, auth: .tokenFile(path: tokenPath))
        _ = try await client.credentials.credentials()
        try s.write("token", "new")
        _ = try await client.get(.secrets, name: "x")
        #expect(t.requests.map(\.bearerToken) == ["old", "new"])
    }

    @Test func watchDecodesResumesAndRelistsOnGone() async throws {
        let t = ScriptedTransport { req, n in
            if !req.path.contains("watch=1") {
                return ok(#"{"metadata":{"resourceVersion":"\#(n == 1 ? "100" : "300")"},"items":[{"metadata":{"name":"a","resourceVersion":"99"}}]}"#)
            }
            if req.path.contains("resourceVersion=100") {
                return ok("""
                    {"type":"ADDED","object":{"metadata":{"name":"b","resourceVersion":"101"}}}
                    {"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"150"}}}
                    """)
            }
            if req.path.contains("resourceVersion=150") {
                return ok(#"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}}"#)
            }
            return ok(#"{"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"301"}}}"#)
        }
        var seen: [String] = []
        for try await e in testClient(t).watch(.applications, namespace: "argocd") {
            switch e {
            case .relisted(let items, let rv): seen.append("relist:\(items.count)@\(rv)")
            case .added(let o): seen.append("added:\(o[path: "metadata", "name"]?.string ?? "")")
            case .modified(let o): seen.append("modified:\(o[path: "metadata", "name"]?.string ?? "")")
            case .deleted(let o): seen.append("deleted:\(o[path: "metadata", "name"]?.string ?? "")")
            case .bookmark(let rv): seen.append("bookmark:\(rv)")
            }
            if seen.count == 5 { break }
        }
        #expect(seen == ["relist:1@100", "added:b", "bookmark:150", "relist:1@300", "deleted:a"])
    }
}

@Suite struct JSONPatchApplyTests {
    @Test func rfc6902Semantics() throws {
        let doc = json(#"{"a":{"b":[1,2]},"m":{"x/y":1}}"#)
        let out = try JSONPatchOperation.apply([
            .test("/a/b/0", .int(1)),
            .add("/a/b/-", .int(3)),
            .add("/a/b/0", .int(0)),
            .replace("/m/x~1y", .int(2)),
            .add("/n", .object(["k": .string("v")])),
            .remove("/a/b/1"),
        ], to: doc)
        #expect(out == json(#"{"a":{"b":[0,2,3]},"m":{"x/y":2},"n":{"k":"v"}}"#))
        do {
            _ = try JSONPatchOperation.apply([.test("/a/b/0", .int(9)), .remove("/a")], to: doc)
            Issue.record("test should fail")
        } catch {
            #expect(error.testFailed)
        }
        #expect(throws: JSONPatchError.self) { try JSONPatchOperation.apply([.remove("/missing")], to: doc) }
        #expect(throws: JSONPatchError.self) { try JSONPatchOperation.apply([.replace("/missing", .null)], to: doc) }
        #expect(throws: JSONPatchError.self) { try JSONPatchOperation.apply([.add("/no/parent", .null)], to: doc) }
    }
}

@Suite struct WatchCredentialTests {
    @Test func watchRefreshesCredentialsOnceAfter401() async throws {
        let s = try Scratch()
        let tokenPath = try s.write("token", "old")
        let t = ScriptedTransport { req, _ in
            if !req.path.contains("watch=1") { return ok(#"{"metadata":{"resourceVersion":"5"},"items":[]}"#) }
            if req.bearerToken != "new" { return status(401, "Unauthorized", "token expired") }
            return ok(#"{"type":"ADDED","object":{"metadata":{"name":"x","resourceVersion":"6"}}}"#)
        }
        let client = testClient(t, auth: .tokenFile(path: tokenPath))
        _ = try await client.credentials.credentials()  // "old" is cached
        try s.write("token", "new")  // rotated; only a refresh re-reads it
        var got: [String] = []
        for try await e in client.watch(.secrets, namespace: "pay") {
            if case .relisted = e { continue }
            if case .added(let o) = e { got.append(o[path: "metadata", "name"]?.string ?? "") }
            break
        }
        #expect(got == ["x"])
        #expect(Array(t.requests.filter { $0.path.contains("watch=1") }.map(\.bearerToken).prefix(2)) == ["old", "new"])
    }
}
