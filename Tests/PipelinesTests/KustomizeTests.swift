import Foundation
import SyncGateCore
import Testing

/// Kustomizations are not objects: they must build with the real `kubectl kustomize`, and what they build must be valid.
@Suite struct KustomizeTests {
    static let directories = ManifestValidityTests.files
        .filter { $0.hasSuffix("/kustomization.yaml") || $0.hasSuffix("/kustomization.yml") }
        .map { ($0 as NSString).deletingLastPathComponent }

    static func build(_ directory: String) throws -> [Value] {
        guard let run = try RepoFiles.run("kubectl", ["kustomize", RepoFiles.path(directory)]) else {
            Issue.record("kubectl is not installed (CI installs it; Debian: kubernetes-client)")
            throw CancellationError()
        }
        guard run.status == 0 else {
            Issue.record("kubectl kustomize \(directory) failed (\(run.status)): \(run.stderr)")
            throw CancellationError()
        }
        return try YAMLDecoder.decodeAll(run.stdout, file: "kustomize build \(directory)").documents.map(\.root)
    }

    @Test func thereAreKustomizations() {
        #expect(Self.directories.contains("pipelines/argocd/presync-hook"))
        #expect(Self.directories.contains("pipelines/argocd/hook-rbac"))
    }

    @Test(arguments: directories) func buildsToValidObjects(_ directory: String) throws {
        let objects = try Self.build(directory)
        #expect(!objects.isEmpty, "\(directory) builds to nothing")
        let schemas = try ManifestValidityTests.schemas()
        for object in objects {
            let what = "\(object["kind"]?.string ?? "?") \(object[path: "metadata", "name"]?.string ?? "")"
            for p in ManifestValidityTests.problems(object, schemas: schemas) { Issue.record("kustomize build \(directory): \(what): \(p)") }
        }
    }

    @Test func presyncHookComponentIsAnArgoCDHook() throws {
        let objects = try Self.build("pipelines/argocd/example-app")
        func find(_ kind: String) -> Value? { objects.first { $0["kind"]?.string == kind } }
        let job = try #require(find("Job"))
        #expect(job[path: "metadata", "annotations", "argocd.argoproj.io/hook"]?.string == "PreSync")
        #expect(job[path: "metadata", "annotations", "argocd.argoproj.io/hook-delete-policy"]?.string == "BeforeHookCreation")
        #expect(job[path: "metadata", "namespace"]?.string == "acme-pay-production")
        let pod = try #require(job[path: "spec", "template"])
        let container = try #require(pod[path: "spec", "containers", ]?[0])
        #expect(container["image"]?.string == "ghcr.io/syncgate/syncgate:latest")
        let args = container["args"]?.elements.compactMap(\.string) ?? []
        #expect(Array(args.prefix(3)) == ["hook", "--app", "$(ARGOCD_APP_NAME)"])
        // $(ARGOCD_APP_NAME) is expanded by the kubelet from an env var the downward API fills from an annotation.
        let env = container["env"]?.elements ?? []
        let appEnv = try #require(env.first { $0["name"]?.string == "ARGOCD_APP_NAME" })
        #expect(appEnv[path: "valueFrom", "fieldRef", "fieldPath"]?.string == "metadata.annotations['syncgate.dev/app']")
        #expect(pod[path: "metadata", "annotations", "syncgate.dev/app"]?.string == "acme-pay-production")
        #expect(pod[path: "spec", "securityContext", "runAsUser"]?.int == 65532)
        #expect(pod[path: "spec", "restartPolicy"]?.string == "Never")
        #expect(job[path: "spec", "backoffLimit"]?.int == 0, "one attempt per sync: a retried hook would act twice")

        // The ServiceAccount the Job runs as exists, and the RoleBinding binds it to the Role, all PreSync hooks too.
        let sa = try #require(find("ServiceAccount"))
        #expect(sa[path: "metadata", "name"]?.string == pod[path: "spec", "serviceAccountName"]?.string)
        let role = try #require(find("Role"))
        let binding = try #require(find("RoleBinding"))
        #expect(binding[path: "roleRef", "name"]?.string == role[path: "metadata", "name"]?.string)
        #expect(binding[path: "subjects"]?[0]?["name"]?.string == sa[path: "metadata", "name"]?.string)
        for object in [sa, role, binding] {
            #expect(object[path: "metadata", "annotations", "argocd.argoproj.io/hook"]?.string == "PreSync")
            #expect(Int(object[path: "metadata", "annotations", "argocd.argoproj.io/sync-wave"]?.string ?? "0")! < 0, "RBAC before the Job")
        }
        // Least privilege in the namespace: Secrets are never updated or deleted (a real certificate is never overwritten).
        let secretRule = try #require(role["rules"]?.elements.first { $0["resources"]?.elements.contains { $0.string == "secrets" } == true })
        let verbs = Set(secretRule["verbs"]?.elements.compactMap(\.string) ?? [])
        #expect(verbs.isDisjoint(with: ["update", "patch", "delete", "*"]))
    }

    @Test func argoCDSetsTheAppNameThroughCommonAnnotations() throws {
        // What Argo CD does for `commonAnnotations` + `commonAnnotationsEnvsubst`: a kustomization that includes
        // the component with commonAnnotations reaches the Job's pod template.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-kustomize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // kustomize wants a relative path to a component.
        let depth = directory.standardizedFileURL.pathComponents.count - 1
        let component = String(repeating: "../", count: depth) + String(RepoFiles.path("pipelines/argocd/presync-hook").dropFirst())
        try """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        commonAnnotations:
          syncgate.dev/app: acme-rbac-sandbox
          syncgate.dev/app-namespace: argocd
        components:
          - \(component)
        """.write(to: directory.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
        // Components outside the kustomization root need the load restrictor off, as Argo CD's repo layout allows.
        guard let run = try RepoFiles.run("kubectl", ["kustomize", "--load-restrictor", "LoadRestrictionsNone", directory.path]) else {
            Issue.record("kubectl is not installed")
            return
        }
        #expect(run.status == 0, "\(run.stderr)")
        let job = try #require(try YAMLDecoder.decodeAll(run.stdout).documents.map(\.root).first { $0["kind"]?.string == "Job" })
        #expect(job[path: "spec", "template", "metadata", "annotations", "syncgate.dev/app"]?.string == "acme-rbac-sandbox")
    }

    @Test func hookClusterRBACIsReadOnlyExceptInTheArgoCDNamespace() throws {
        let objects = try Self.build("pipelines/argocd/hook-rbac")
        // Writes allowed only through the role bound in the Argo CD namespace: pause, Lease, journal.
        let argocdWrites: [String: Set<String>] = ["applications": ["patch"], "leases": ["create", "update", "delete"], "configmaps": ["create", "update"]]
        var writingRoles = Set<String>()
        for role in objects where role["kind"]?.string == "ClusterRole" {
            let name = role[path: "metadata", "name"]?.string ?? ""
            for rule in role["rules"]?.elements ?? [] {
                let resources = Set(rule["resources"]?.elements.compactMap(\.string) ?? [])
                let verbs = Set(rule["verbs"]?.elements.compactMap(\.string) ?? [])
                #expect(!resources.contains("secrets"), "\(name): cluster-wide Secret access")
                #expect(!verbs.contains("*") && !resources.contains("*"), "\(name): wildcards")
                let writes = verbs.subtracting(["get", "list", "watch"])
                guard !writes.isEmpty else { continue }
                writingRoles.insert(name)
                for resource in resources {
                    #expect(writes.isSubset(of: argocdWrites[resource] ?? []), "\(name): writes \(writes.sorted()) on \(resource)")
                }
            }
        }
        // A role that writes is bound only by RoleBindings in the Argo CD namespace, never by a ClusterRoleBinding.
        for binding in objects where ["RoleBinding", "ClusterRoleBinding"].contains(binding["kind"]?.string ?? "") {
            guard let role = binding[path: "roleRef", "name"]?.string, writingRoles.contains(role) else { continue }
            #expect(binding["kind"]?.string == "RoleBinding" && binding[path: "metadata", "namespace"]?.string == "argocd",
                    "\(role) must be bound only in the argocd namespace")
        }
        #expect(!writingRoles.isEmpty)
    }

    @Test func oneImageNameEverywhere() throws {
        for file in ManifestValidityTests.files where file.hasPrefix("pipelines/") {
            let text = try String(contentsOfFile: RepoFiles.path(file), encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "ghcr.io/") {
                let reference = rest[r.lowerBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != ")" }
                #expect(reference == "ghcr.io/syncgate/syncgate:latest" || reference == "ghcr.io/syncgate/syncgate",
                        "\(file): \(reference) (use ghcr.io/syncgate/syncgate:latest)")
                rest = rest[r.upperBound...]
            }
        }
    }
}
