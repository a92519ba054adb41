import Foundation
import KubeSim
import SyncGateCore
import Testing

@Suite("faults and RBAC")
struct FaultAndRBACTests {
    @Test("5xx on the Nth request, forced 409 on writes, dropped connections, latency")
    func faults() async throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let http = HTTP(base: f.sim.baseURL)
        f.sim.faults.add(Fault(.status(503), trigger: .nth(2), pathContains: "/configmaps"))
        #expect(try await http.request("GET", "/api/v1/namespaces/default/configmaps").status == 200)
        let second = try await http.request("GET", "/api/v1/namespaces/default/configmaps")
        #expect(second.status == 503)
        #expect(second.body["kind"]?.string == "Status")
        #expect(try await http.request("GET", "/api/v1/namespaces/default/configmaps").status == 200)
        f.sim.faults.clear()

        f.sim.faults.add(Fault(.conflict, trigger: .next(1)))
        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#
        #expect(try await http.request("GET", "/api/v1/namespaces/default/configmaps").status == 200, "reads are not conflicted")
        #expect(try await http.request("POST", "/api/v1/namespaces/default/configmaps", body: body).status == 409)
        #expect(try await http.request("POST", "/api/v1/namespaces/default/configmaps", body: body).status == 201)
        f.sim.faults.clear()

        f.sim.faults.add(Fault(.dropConnection, trigger: .nth(1), methods: ["PATCH"]))
        await #expect(throws: (any Error).self) {
            _ = try await http.request("PATCH", "/api/v1/namespaces/default/configmaps/x", body: #"{"data":{"a":"1"}}"#, contentType: "application/merge-patch+json")
        }
        #expect(f.sim.get("ConfigMap", "default", "x")?["data"] == nil, "a dropped request changes nothing")
        #expect(try await http.request("PATCH", "/api/v1/namespaces/default/configmaps/x", body: #"{"data":{"a":"1"}}"#, contentType: "application/merge-patch+json").status == 200)
        f.sim.faults.clear()

        f.sim.faults.add(Fault(.latency(0.3)))
        let t0 = Date()
        _ = try await http.request("GET", "/api/v1/namespaces/default/configmaps/x")
        #expect(Date().timeIntervalSince(t0) >= 0.3)
        #expect(f.sim.faults.injectedCount >= 1)
    }

    @Test("faults given in the options: kubectl sees the 500 once, then succeeds")
    func optionsFaults() throws {
        let f = try SimFixture.start { o in
            o.controllers = []
            o.faults = [Fault(.status(500), trigger: .nth(1), methods: ["POST"])]
        }
        defer { f.sim.stop() }
        let k = try f.kubectl()
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: default}\n"
        let first = try k.run(["apply", "-f", "-"], stdin: cm)
        #expect(first.status != 0)
        #expect(first.stderr.contains("500") || first.stderr.contains("InternalError") || first.stderr.contains("injected"))
        let second = try k.run(["apply", "-f", "-"], stdin: cm)
        #expect(second.status == 0, "second create: \(second.stderr) first: \(first.stderr) log: \(f.sim.requestLog)")
    }

    static let rbac = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: argocd}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: syncgate, namespace: argocd}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: syncgate-read}
        rules:
        - apiGroups: [cert-manager.io]
          resources: [certificates]
          verbs: [get, list, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: syncgate-read}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: syncgate-read}
        subjects: [{kind: ServiceAccount, name: syncgate, namespace: argocd}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: pause-apps, namespace: argocd}
        rules:
        - apiGroups: [argoproj.io]
          resources: [applications]
          verbs: [get, patch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: pause-apps, namespace: argocd}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pause-apps}
        subjects: [{kind: ServiceAccount, name: syncgate, namespace: argocd}]
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: pay, namespace: argocd}
        spec: {project: default, destination: {namespace: pay}, source: {repoURL: x, path: pay}}
        """

    @Test("RBAC: bindings allow, everything else is 403 Forbidden naming verb, resource, group and namespace")
    func rbacEnforced() throws {
        let f = try SimFixture.start(token: "admin") { o in
            o.controllers = []
            o.tls = true  // client-go sends bearer tokens over TLS only
            o.enforceRBAC = true
            o.tokens = ["admin": .admin(), "sg": .serviceAccount(namespace: "argocd", name: "syncgate")]
        }
        defer { f.sim.stop() }
        try f.sim.apply(yaml: Self.rbac)
        let sgConfig = try f.sim.writeKubeconfig(to: f.dir.path + "/sg", token: "sg")
        let sg = try Kubectl(sgConfig)
        try sg.ok("get", "certificates", "-A")
        try sg.ok("get", "application", "pay", "-n", "argocd")
        try sg.ok("patch", "application", "pay", "-n", "argocd", "--type=merge", "-p", #"{"metadata":{"annotations":{"syncgate.dev/paused-reason":"dns"}}}"#)
        let list = try sg.run(["get", "applications", "-n", "argocd"])
        #expect(list.status != 0)
        #expect(list.stderr.contains("Forbidden") || list.stderr.contains("forbidden"))
        #expect(list.stderr.contains("cannot list resource \"applications\" in API group \"argoproj.io\" in the namespace \"argocd\""))
        let del = try sg.run(["delete", "application", "pay", "-n", "argocd"])
        #expect(del.stderr.contains("cannot delete resource \"applications\""))
        let secrets = try sg.run(["get", "secrets", "-n", "argocd"])
        #expect(secrets.stderr.contains("User \"system:serviceaccount:argocd:syncgate\" cannot list resource \"secrets\" in API group \"\""))
        // The admin is not limited.
        try Kubectl(f.kubeconfig).ok("get", "secrets", "-A")
    }
}
