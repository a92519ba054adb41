import Foundation
import KubeSim
import SyncGateCore
import Testing

@Suite("Argo CD controller")
struct ArgoCDControllerTests {
    static func repo() throws -> TempDir {
        let dir = try TempDir()
        try dir.write("services/pay/service.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: pay-web}
            spec:
              selector: {app: pay-web}
              ports: [{name: http, port: 80}]
            """)
        try dir.write("services/pay/certificate.yaml", """
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata:
              name: pay-cert
              annotations: {argocd.argoproj.io/sync-wave: "5"}
            spec:
              secretName: pay-tls
              dnsNames: [pay.example.com]
              issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: pay-config}
            data: {level: info}
            """)
        return dir
    }

    static func application(_ name: String, syncPolicy: String, finalizer: Bool = false) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: \(name)
          namespace: argocd
          \(finalizer ? "finalizers: [resources-finalizer.argocd.argoproj.io]" : "")
        spec:
          project: default
          source: {repoURL: 'https://git.example.com/gitops.git', path: services/pay, targetRevision: main}
          destination: {server: 'https://kubernetes.default.svc', namespace: \(name)}
          syncPolicy:
        \(syncPolicy)
        """
    }

    static func start(_ repo: TempDir) throws -> KubeSim {
        var o = KubeSimOptions()
        o.argoCD.repoDirectory = repo.path
        o.controllers = [.argoCD]
        let sim = try KubeSim.start(o)
        try sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n")
        return sim
    }

    @Test("automated sync deploys the repo path, records operationState, stays Synced; a repo change syncs again; prune removes")
    func autoSync() throws {
        let repo = try Self.repo()
        let sim = try Self.start(repo)
        defer { sim.stop() }
        try sim.apply(yaml: Self.application("pay", syncPolicy: "    automated: {prune: true, selfHeal: true}\n    syncOptions: [CreateNamespace=true]"))
        sim.reconcile()
        #expect(sim.get("Namespace", "", "pay") != nil)
        let svc = try #require(sim.get("Service", "pay", "pay-web"))
        #expect(svc.annotations["argocd.argoproj.io/tracking-id"] == "pay:/Service:pay/pay-web")
        #expect(sim.get("Certificate", "pay", "pay-cert") != nil)
        var app = try #require(sim.get("Application", "argocd", "pay"))
        #expect(app[path: "status", "sync", "status"]?.string == "Synced")
        #expect(app[path: "status", "operationState", "phase"]?.string == "Succeeded")
        #expect(app[path: "status", "operationState", "operation", "initiatedBy", "automated"]?.bool == true)
        let results = app[path: "status", "operationState", "syncResult", "resources"]?.elements ?? []
        #expect(results.map { $0["kind"]?.string ?? "" } == ["ConfigMap", "Service", "Certificate"], "kind order, then waves")
        #expect(app[path: "status", "health", "status"]?.string == "Progressing", "a Certificate without status is progressing")
        let revision = app[path: "status", "sync", "revision"]?.string

        // Drift is healed.
        sim.store.mutate(ResourceKey(group: "", plural: "configmaps"), namespace: "pay", name: "pay-config") { $0.set(["data", "level"], .string("debug")) }
        sim.reconcile()
        #expect(sim.get("ConfigMap", "pay", "pay-config")?[path: "data", "level"]?.string == "info")

        // A new commit: a changed file and a removed one.
        try repo.write("services/pay/certificate.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: pay-config}
            data: {level: warn}
            """)
        sim.advance(by: 180)
        app = try #require(sim.get("Application", "argocd", "pay"))
        #expect(app[path: "status", "sync", "revision"]?.string != revision)
        #expect(sim.get("ConfigMap", "pay", "pay-config")?[path: "data", "level"]?.string == "warn")
        #expect(sim.get("Certificate", "pay", "pay-cert") == nil, "pruned")
        #expect(app[path: "status", "sync", "status"]?.string == "Synced")
        #expect((app[path: "status", "history"]?.elements.count ?? 0) >= 2)
    }

    @Test("a paused Application does not sync: no automated, or automated.enabled false", arguments: ["    {}", "    automated: {enabled: false, prune: true}"])
    func paused(policy: String) throws {
        let repo = try Self.repo()
        let sim = try Self.start(repo)
        defer { sim.stop() }
        try sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: pay}\n")
        try sim.apply(yaml: Self.application("pay", syncPolicy: policy))
        sim.advance(by: 3600)
        #expect(sim.get("Service", "pay", "pay-web") == nil)
        let app = try #require(sim.get("Application", "argocd", "pay"))
        #expect(app[path: "status", "sync", "status"]?.string == "OutOfSync")
        #expect(app[path: "status", "operationState"] == nil)
        #expect(app[path: "status", "health", "status"]?.string == "Missing")
    }

    @Test("operation.sync runs once (only the named resources), is recorded and cleared")
    func operation() throws {
        let repo = try Self.repo()
        let sim = try Self.start(repo)
        defer { sim.stop() }
        try sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: pay}\n")
        try sim.apply(yaml: Self.application("pay", syncPolicy: "    {}"))
        sim.store.mutate(ResourceKey(group: "argoproj.io", plural: "applications"), namespace: "argocd", name: "pay") { app in
            app.set(["operation"], .obj([("initiatedBy", .obj([("username", .string("syncgate"))])),
                                         ("sync", .obj([("resources", .array([.obj([("kind", .string("Service")), ("name", .string("pay-web")), ("group", .string(""))])]))]))]))
        }
        sim.reconcile()
        #expect(sim.get("Service", "pay", "pay-web") != nil)
        #expect(sim.get("ConfigMap", "pay", "pay-config") == nil)
        let app = try #require(sim.get("Application", "argocd", "pay"))
        #expect(app["operation"] == nil)
        #expect(app[path: "status", "operationState", "phase"]?.string == "Succeeded")
        #expect(app[path: "status", "operationState", "operation", "initiatedBy", "username"]?.string == "syncgate")
        #expect(app[path: "status", "operationState", "syncResult", "resources"]?.elements.count == 1)
        #expect(app[path: "status", "sync", "status"]?.string == "OutOfSync")
        let rv = app[path: "metadata", "resourceVersion"]
        sim.advance(by: 600)
        #expect(sim.get("ConfigMap", "pay", "pay-config") == nil, "the operation ran once")
        #expect(sim.get("Application", "argocd", "pay")?[path: "metadata", "resourceVersion"] == rv, "no status churn while nothing changes")
    }

    @Test("with an old CRD, pausing by automated.enabled=false is dropped and the Application keeps syncing (the trap)")
    func oldCRDTrap() throws {
        let repo = try Self.repo()
        var o = KubeSimOptions()
        o.argoCD.repoDirectory = repo.path
        o.argoCD.crdVersion = .beforeAutomatedEnabled
        let sim = try KubeSim.start(o)
        defer { sim.stop() }
        try sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: pay}\n")
        try sim.apply(yaml: Self.application("pay", syncPolicy: "    automated: {enabled: false}"))
        sim.reconcile()
        #expect(sim.get("Application", "argocd", "pay")?[path: "spec", "syncPolicy", "automated", "enabled"] == nil)
        #expect(sim.get("Service", "pay", "pay-web") != nil, "auto-sync stayed on")
    }

    @Test("deleting an Application with the resources finalizer deletes what it deployed; kubectl get applications shows sync and health")
    func finalizerAndKubectl() throws {
        let repo = try Self.repo()
        var o = KubeSimOptions()
        o.argoCD.repoDirectory = repo.path
        let f = try SimFixture.start { $0 = o; $0.argoCD.repoDirectory = repo.path }
        defer { f.sim.stop() }
        try f.sim.apply(yaml: "apiVersion: v1\nkind: Namespace\nmetadata: {name: argocd}\n")
        try f.sim.apply(yaml: Self.application("pay", syncPolicy: "    automated: {}\n    syncOptions: [CreateNamespace=true]", finalizer: true))
        f.sim.reconcile()
        let k = try f.kubectl()
        let table = try k.ok("get", "applications.argoproj.io", "-n", "argocd")
        #expect(table.contains("SYNC STATUS") && table.contains("Synced"))
        let deleting = try k.run(["delete", "application", "pay", "-n", "argocd", "--wait=false"])
        #expect(deleting.status == 0, "\(deleting.stderr)")
        f.sim.reconcile()
        #expect(f.sim.get("Application", "argocd", "pay") == nil)
        #expect(f.sim.get("Service", "pay", "pay-web") == nil)
    }
}
