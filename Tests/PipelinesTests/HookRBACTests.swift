import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KubeSim
import SyncGateCore
import Testing

/// The hook's RBAC, applied with the real kubectl to KubeSim with RBAC enforced, grants what `syncgate hook` needs
/// and nothing more.
@Suite struct HookRBACTests {
    static let adminToken = "admin-token"
    static let hookToken = "hook-token"
    static let namespace = "acme-pay-production"

    struct Cluster {
        var sim: KubeSim
        var directory: URL
        var admin: String
        var hook: String
        func stop() {
            sim.stop()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func start() throws -> Cluster {
        var options = KubeSimOptions()
        options.tls = true
        options.enforceRBAC = true
        options.controllers = []
        options.tokens = [adminToken: .admin(), hookToken: .serviceAccount(namespace: namespace, name: "syncgate-hook")]
        if let crds = CRDSchemas.locate() { options.crdDirectory = crds }
        let sim = try KubeSim.start(options)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-hook-rbac-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let admin = try sim.writeKubeconfig(to: directory.appendingPathComponent("admin").path, token: adminToken)
        let hook = try sim.writeKubeconfig(to: directory.appendingPathComponent("hook").path, token: hookToken, namespace: namespace)
        return Cluster(sim: sim, directory: directory, admin: admin, hook: hook)
    }

    static func kubectl(_ kubeconfig: String, _ arguments: [String], stdin: String? = nil) throws -> RepoFiles.Run {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig
        environment["HOME"] = (kubeconfig as NSString).deletingLastPathComponent  // kubectl's discovery cache stays per test
        var args = arguments
        var file: String?
        if let stdin {
            file = (kubeconfig as NSString).deletingLastPathComponent + "/stdin-\(UUID().uuidString).yaml"
            try stdin.write(toFile: file!, atomically: true, encoding: .utf8)
            args += ["-f", file!]
        }
        guard let run = try RepoFiles.run("kubectl", args, environment: environment) else {
            Issue.record("kubectl is not installed (CI installs it)")
            throw CancellationError()
        }
        return run
    }

    /// Admin applies the cluster RBAC and the Application's kustomization (with the hook component).
    static func install(_ c: Cluster) throws {
        for ns in [namespace, "argocd"] {
            let r = try kubectl(c.admin, ["apply"], stdin: "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(ns)}\n")
            #expect(r.status == 0, "apply namespace \(ns): \(r.stderr)")
        }
        let certificate = """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: pay-cert, namespace: \(namespace)}
        spec: {secretName: pay-tls, dnsNames: [pay.acme.example.com], issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}}
        """
        let applied = try kubectl(c.admin, ["apply"], stdin: certificate)
        #expect(applied.status == 0, "apply Certificate: \(applied.stderr)")
        let application = """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: acme-pay-production, namespace: argocd}
        spec:
          project: default
          source: {repoURL: https://git.example.com/acme/platform-gitops.git, path: services/pay/production, targetRevision: main}
          destination: {server: https://kubernetes.default.svc, namespace: acme-pay-production}
          syncPolicy: {automated: {prune: true, selfHeal: true}}
        """
        var r = try kubectl(c.admin, ["apply"], stdin: application)
        #expect(r.status == 0, "apply Application: \(r.stderr)")
        r = try kubectl(c.admin, ["apply", "-k", RepoFiles.path("pipelines/argocd/hook-rbac")])
        #expect(r.status == 0, "kubectl apply -k hook-rbac: \(r.stderr)")
        r = try kubectl(c.admin, ["apply", "-k", RepoFiles.path("pipelines/argocd/example-app")])
        #expect(r.status == 0, "kubectl apply -k example-app: \(r.stderr)")
    }

    @Test func theHookRBACAppliesAndGrantsExactlyWhatTheHookDoes() throws {
        let c = try Self.start()
        defer { c.stop() }
        try Self.install(c)
        #expect(c.sim.get("Job", Self.namespace, "syncgate-presync", group: "batch") != nil, "the hook Job was created")
        #expect(c.sim.get("Role", Self.namespace, "syncgate-hook", group: "rbac.authorization.k8s.io") != nil)

        func allowed(_ args: [String], stdin: String? = nil, _ why: String) throws {
            let r = try Self.kubectl(c.hook, args, stdin: stdin)
            #expect(r.status == 0, "hook ServiceAccount should be allowed to \(why): kubectl \(args.joined(separator: " ")): \(r.stderr)")
        }
        func forbidden(_ args: [String], _ why: String) throws {
            let r = try Self.kubectl(c.hook, args)
            #expect(r.status != 0 && r.stderr.lowercased().contains("forbidden"),
                    "hook ServiceAccount must not \(why): kubectl \(args.joined(separator: " ")) → \(r.status) \(r.stderr)")
        }
        // Reads the checks need, cluster-wide.
        try allowed(["get", "gateways.gateway.networking.k8s.io", "-A"], "list Gateways")
        try allowed(["get", "httproutes.gateway.networking.k8s.io", "-A"], "list HTTPRoutes")
        try allowed(["get", "certificates.cert-manager.io", "-A"], "list Certificates")
        try allowed(["get", "orders.acme.cert-manager.io,challenges.acme.cert-manager.io", "-A"], "list Orders and Challenges")
        try allowed(["get", "customresourcedefinitions"], "read CRDs")
        try allowed(["get", "applications.argoproj.io", "-n", "argocd"], "read Applications")
        // Its own namespace: Secrets read and created, Leases.
        try allowed(["get", "secrets", "-n", Self.namespace], "list Secrets in its namespace")
        try allowed(["apply"], stdin: """
        apiVersion: v1
        kind: Secret
        metadata: {name: placeholder-probe, namespace: \(Self.namespace), labels: {syncgate.dev/placeholder: "true"}}
        type: Opaque
        stringData: {a: b}
        """, "create a placeholder Secret")
        // Next to the Application: its Lease and the rollout journal.
        try allowed(["create"], stdin: """
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata: {name: syncgate-acme-pay-production, namespace: argocd}
        spec: {holderIdentity: syncgate-hook, leaseDurationSeconds: 60}
        """, "create its Lease")
        try allowed(["delete", "leases.coordination.k8s.io", "syncgate-acme-pay-production", "-n", "argocd"], "release its Lease")
        try allowed(["create"], stdin: """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: syncgate-rollout-hook, namespace: argocd, labels: {app.kubernetes.io/managed-by: syncgate}}
        data: {journal.json: "{}"}
        """, "write the rollout journal")
        // Pause: patch the Application in argocd.
        try allowed(["patch", "applications.argoproj.io", "acme-pay-production", "-n", "argocd", "--type", "merge",
                     "-p", #"{"metadata":{"annotations":{"syncgate.dev/paused-reason":"test"}}}"#], "patch the Application")

        // And nothing more.
        try forbidden(["get", "secrets", "-n", "kube-system"], "read Secrets elsewhere")
        try forbidden(["delete", "secret", "placeholder-probe", "-n", Self.namespace], "delete Secrets")
        try forbidden(["patch", "secret", "placeholder-probe", "-n", Self.namespace, "--type", "merge", "-p", #"{"data":{"a":"Yw=="}}"#], "overwrite Secrets")
        try forbidden(["delete", "applications.argoproj.io", "acme-pay-production", "-n", "argocd"], "delete Applications")
        try forbidden(["delete", "certificates.cert-manager.io", "pay-cert", "-n", Self.namespace], "delete Certificates")
        try forbidden(["delete", "namespace", Self.namespace], "delete Namespaces")
        try forbidden(["get", "configmaps", "-n", "kube-system"], "read ConfigMaps outside the Argo CD namespace")
        try forbidden(["delete", "configmap", "syncgate-rollout-hook", "-n", "argocd"], "delete the journal")
    }

    /// `syncgate hook` itself, with the Job's own arguments, as the hook ServiceAccount: on the seed-000 repository
    /// (DNS does not answer) it must block with exit 2 and pause the Application, and never hit a 403.
    @Test func theHookRunsUnderExactlyThatRBAC() throws {
        let c = try Self.start()
        defer { c.stop() }
        try Self.install(c)
        guard let binary = DockerfileTests.builtBinary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return
        }
        // The Job as Argo CD would create it (the example-app kustomization), its env resolved like the kubelet does.
        let job = try #require(try KustomizeTests.build("pipelines/argocd/example-app").first { $0["kind"]?.string == "Job" })
        let pod = try #require(job[path: "spec", "template"])
        let container = try #require(pod[path: "spec", "containers"]?[0])
        var env: [String: String] = [:]
        for e in container["env"]?.elements ?? [] {
            let name = e["name"]?.string ?? ""
            if let field = e[path: "valueFrom", "fieldRef", "fieldPath"]?.string {
                if field.hasPrefix("metadata.annotations['"), let key = field.split(separator: "'").dropFirst().first {
                    env[name] = pod[path: "metadata", "annotations", String(key)]?.scalarText
                } else if field == "metadata.namespace" {
                    env[name] = Self.namespace
                }
            } else {
                env[name] = e["value"]?.scalarText
            }
        }
        let repo = c.directory.appendingPathComponent("repo").path
        try FileManager.default.copyItem(atPath: RepoFiles.path("examples/incident-2026-03-22"), toPath: repo)
        var args: [String] = []
        for arg in container["args"]?.elements.compactMap(\.string) ?? [] {
            var a = arg
            for (k, v) in env { a = a.replacingOccurrences(of: "$(\(k))", with: v) }
            switch a {
            case "--in-cluster": args += ["--kubeconfig", c.hook]  // the Pod's token, as a kubeconfig
            case "/repo": args.append(repo)                          // what the init container checks out
            default: args.append(a)
            }
        }
        #expect(args.prefix(5) == ["hook", "--app", "acme-pay-production", "--app-namespace", "argocd"])
        // DNS goes to a closed port on 127.0.0.1: every name fails to resolve, as in seed 000.
        let closed = try #require(Self.closedPort())
        var processEnv = ProcessInfo.processInfo.environment
        processEnv["HOME"] = c.directory.path
        processEnv["SYNCGATE_RESOLVER"] = "127.0.0.1:\(closed)"
        processEnv["NO_COLOR"] = "1"
        processEnv.removeValue(forKey: "KUBECONFIG")
        let run = try #require(try RepoFiles.run(binary, args, environment: processEnv))
        let output = run.stdout + run.stderr
        #expect(!output.lowercased().contains("forbidden") && !output.contains("403"),
                "syncgate hook needed a permission the hook RBAC does not grant:\n\(output)")
        #expect(run.status == 2, "blocked by DNS: exit 2, got \(run.status):\n\(output)")
        let app = try #require(c.sim.get("Application", "argocd", "acme-pay-production", group: "argoproj.io"))
        #expect(app[path: "metadata", "annotations", "syncgate.dev/paused-reason"] != nil, "the hook paused auto-sync with a reason:\n\(output)")
        // It created the placeholder the listener needs (create on Secrets) and released its Lease (delete).
        let placeholder = c.sim.get("Secret", Self.namespace, "acme-pay-prod-tls-secret")
        #expect(placeholder?[path: "metadata", "labels", "syncgate.dev/placeholder"]?.scalarText == "true", "placeholder Secret:\n\(output)")
        #expect(c.sim.get("Lease", "argocd", "syncgate-acme-pay-production", group: "coordination.k8s.io") == nil, "Lease released")
        #expect(output.contains("does not resolve"), "blocked for DNS:\n\(output)")
    }

    static func closedPort() -> Int? {
        // A UDP port nobody listens on: bind, read the number, close.
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
