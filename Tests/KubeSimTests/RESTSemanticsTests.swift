import Foundation
import KubeSim
import SyncGateCore
import Testing

@Suite("REST semantics")
struct RESTSemanticsTests {
    static let cert = """
        {"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"c1"},
         "spec":{"secretName":"s1","dnsNames":["a.example.com"],"issuerRef":{"name":"le"}},"status":{"conditions":[]}}
        """

    @Test("create, 409 AlreadyExists, generation, status subresource, 409 on a stale resourceVersion, 404 Status")
    func crud() async throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let http = HTTP(base: f.sim.baseURL)
        let base = "/apis/cert-manager.io/v1/namespaces/default/certificates"
        let created = try await http.request("POST", base, body: Self.cert)
        #expect(created.status == 201)
        #expect(created.body[path: "metadata", "uid"]?.string?.count == 36)
        #expect(created.body[path: "metadata", "creationTimestamp"]?.string == KubeTime.format(f.sim.now))
        #expect(created.body[path: "metadata", "generation"]?.int == 1)
        #expect(created.body["status"] == nil, "status is dropped on create for kinds with the status subresource")
        let rv1 = try #require(created.body[path: "metadata", "resourceVersion"]?.string)

        let dup = try await http.request("POST", base, body: Self.cert)
        #expect(dup.status == 409)
        #expect(dup.body["kind"]?.string == "Status")
        #expect(dup.body["reason"]?.string == "AlreadyExists")
        #expect(dup.body[path: "details", "name"]?.string == "c1")
        #expect(dup.body[path: "details", "kind"]?.string == "certificates")

        // Update the spec: generation bumps, resourceVersion moves.
        var obj = created.body
        obj.set(["spec", "dnsNames"], .strings(["a.example.com", "b.example.com"]))
        obj.set(["status"], .obj([("revision", .int(9))]))
        let updated = try await http.request("PUT", base + "/c1", body: obj.json)
        #expect(updated.status == 200)
        #expect(updated.body[path: "metadata", "generation"]?.int == 2)
        #expect(updated.body["status"] == nil, "a main update ignores status")
        #expect(updated.body[path: "metadata", "resourceVersion"]?.string != rv1)

        // Stale resourceVersion: 409 Conflict.
        let stale = try await http.request("PUT", base + "/c1", body: obj.json)
        #expect(stale.status == 409)
        #expect(stale.body["reason"]?.string == "Conflict")
        #expect(stale.body["message"]?.string?.contains("the object has been modified") == true)

        // Status subresource changes only status, and not the generation.
        var withStatus = updated.body
        withStatus.set(["status"], .obj([("revision", .int(1))]))
        withStatus.set(["spec", "secretName"], .string("ignored"))
        let st = try await http.request("PUT", base + "/c1/status", body: withStatus.json)
        #expect(st.status == 200)
        #expect(st.body[path: "status", "revision"]?.int == 1)
        #expect(st.body[path: "spec", "secretName"]?.string == "s1")
        #expect(st.body[path: "metadata", "generation"]?.int == 2)

        // Merge patch with a stale resourceVersion precondition: 409.
        let pre = try await http.request("PATCH", base + "/c1", body: #"{"metadata":{"resourceVersion":"\#(rv1)"},"spec":{"secretName":"x"}}"#,
                                         contentType: "application/merge-patch+json")
        #expect(pre.status == 409)

        // JSON patch test failure: 422 Invalid.
        let bad = try await http.request("PATCH", base + "/c1", body: #"[{"op":"test","path":"/spec/secretName","value":"nope"}]"#,
                                         contentType: "application/json-patch+json")
        #expect(bad.status == 422)
        #expect(bad.body["reason"]?.string == "Invalid")

        // 404 as a Status.
        let missing = try await http.request("GET", base + "/nope")
        #expect(missing.status == 404)
        #expect(missing.body["kind"]?.string == "Status")
        #expect(missing.body["reason"]?.string == "NotFound")
        #expect(missing.body["message"]?.string == "certificates.cert-manager.io \"nope\" not found")

        // Delete returns the object; then it is gone.
        let del = try await http.request("DELETE", base + "/c1")
        #expect(del.status == 200)
        #expect(del.body.metadataName == "c1")
        #expect(try await http.request("GET", base + "/c1").status == 404)
    }

    @Test("finalizers hold a delete until removed; namespaces take their contents; owners take their dependents")
    func deletion() throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let store = f.sim.store
        try f.sim.apply(yaml: """
            apiVersion: v1
            kind: Namespace
            metadata: {name: team}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: held, namespace: team, finalizers: [example.com/hold]}
            """)
        let cm = store.catalog.type(kind: "ConfigMap")!
        let held = try store.delete(cm, namespace: "team", name: "held")
        #expect(held[path: "metadata", "deletionTimestamp"] != nil)
        #expect(f.sim.get("ConfigMap", "team", "held") != nil)
        store.mutate(cm.key, namespace: "team", name: "held") { $0.set(["metadata", "finalizers"], .array([])) }
        #expect(f.sim.get("ConfigMap", "team", "held") == nil)

        let owner = try f.sim.apply(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owner, namespace: team}\n")[0]
        try f.sim.apply(yaml: """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: child
              namespace: team
              ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: \(owner[path: "metadata", "uid"]!.string!)}]
            """)
        try store.delete(cm, namespace: "team", name: "owner")
        #expect(f.sim.get("ConfigMap", "team", "child") == nil)

        try f.sim.apply(yaml: "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: team}\nstringData: {a: b}\n")
        #expect(f.sim.get("Secret", "team", "s")?[path: "data", "a"]?.string == "Yg==")
        try store.delete(store.catalog.type(kind: "Namespace")!, namespace: "", name: "team")
        #expect(f.sim.get("Secret", "team", "s") == nil)
    }

    @Test("watch streams ADDED/MODIFIED/DELETED from a resourceVersion; too old gives an ERROR event with 410")
    func watch() async throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let store = f.sim.store
        let start = store.resourceVersion
        try f.sim.apply(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w1, namespace: default}\ndata: {a: '1'}\n")
        try f.sim.apply(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w1, namespace: default}\ndata: {a: '2'}\n")
        store.remove(ResourceKey(group: "", plural: "configmaps"), namespace: "default", name: "w1")
        let http = HTTP(base: f.sim.baseURL)
        let r = try await http.request("GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(start)&timeoutSeconds=1")
        let events = try r.text.split(separator: "\n").map { try Value.parse(String($0)) }
        #expect(events.map { $0["type"]?.string ?? "" } == ["ADDED", "MODIFIED", "DELETED"])
        #expect(events[1][path: "object", "data", "a"]?.string == "2")

        // Initial state with resourceVersion=0.
        try f.sim.apply(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w2, namespace: default}\n")
        let initial = try await http.request("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1")
        #expect(initial.text.contains("\"ADDED\"") && initial.text.contains("w2"))

        // Compaction: an old resourceVersion is gone.
        store.compactHistory()
        let gone = try await http.request("GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(start)&timeoutSeconds=1")
        let event = try Value.parse(String(gone.text.split(separator: "\n").first ?? ""))
        #expect(event["type"]?.string == "ERROR")
        #expect(event[path: "object", "code"]?.int == 410)
        #expect(event[path: "object", "reason"]?.string == "Expired")
    }

    @Test("a watch sees changes made while it is open")
    func liveWatch() throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let w = try f.sim.store.watch(WatchFilter(key: ResourceKey(group: "", plural: "configmaps"), namespace: "default"), from: f.sim.store.resourceVersion, sendInitial: false)
        defer { f.sim.store.stopWatching(w) }
        try f.sim.apply(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: live, namespace: default}\n")
        let e = try #require(w.next(timeout: 2))
        #expect(e.type == .added)
        #expect(e.object.metadataName == "live")
    }

    @Test("an old Argo CD Application CRD silently drops automated.enabled; the current one keeps it", arguments: [true, false])
    func pruning(current: Bool) throws {
        let f = try SimFixture.start { o in
            o.controllers = []
            o.argoCD.crdVersion = current ? .current : .beforeAutomatedEnabled
        }
        defer { f.sim.stop() }
        let k = try f.kubectl()
        try f.dir.write("app.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: argocd}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: a, namespace: argocd}
            spec:
              project: default
              destination: {namespace: a, server: 'https://kubernetes.default.svc'}
              source: {repoURL: 'https://x', path: a}
              syncPolicy:
                automated: {enabled: false, prune: true}
            """)
        try k.ok("apply", "-f", f.dir.path + "/app.yaml")
        let automated = f.sim.get("Application", "argocd", "a")?[path: "spec", "syncPolicy", "automated"]
        #expect(automated?["prune"]?.bool == true)
        #expect((automated?["enabled"]?.bool == false) == current)
        let crd = try k.json("get", "crd", "applications.argoproj.io")
        let enabled = crd[path: "spec", "versions"]?[0]?[path: "schema", "openAPIV3Schema", "properties", "spec", "properties", "syncPolicy",
                                                         "properties", "automated", "properties", "enabled"]
        #expect((enabled != nil) == current)
    }

    /// The upstream CRDs: the shared copy beside the clone, as CI and every session lay it out.
    static let upstreamCRDDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/crds").standardized.path

    @Test("the upstream CRD files install and prune the same way")
    func upstreamCRDs() throws {
        #expect(FileManager.default.fileExists(atPath: Self.upstreamCRDDirectory), "no upstream CRDs at \(Self.upstreamCRDDirectory)")
        for current in [true, false] {
            let f = try SimFixture.start { o in
                o.controllers = []
                o.crdDirectory = Self.upstreamCRDDirectory
                o.argoCD.crdVersion = current ? .current : .beforeAutomatedEnabled
            }
            defer { f.sim.stop() }
            try f.sim.apply(yaml: """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: a, namespace: default}
                spec:
                  project: default
                  destination: {namespace: a}
                  source: {repoURL: 'https://x', path: a}
                  syncPolicy: {automated: {enabled: false, selfHeal: true}}
                """)
            #expect((f.sim.get("Application", "default", "a")?[path: "spec", "syncPolicy", "automated", "enabled"] != nil) == current)
            #expect(f.sim.get("Application", "default", "a")?[path: "spec", "syncPolicy", "automated", "selfHeal"]?.bool == true)
            #expect(f.sim.get("CustomResourceDefinition", "", "certificates.cert-manager.io")?[path: "spec", "versions"]?[0]?["additionalPrinterColumns"] != nil)
        }
    }
}
