import Foundation
import Testing
@testable import SyncGateCore

func app(_ name: String, path: String, repo: String = "https://github.com/acme/gitops.git", ns: String = "team",
         wave: Int? = nil, extraSource: String = "") -> String {
    """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: \(name)
      namespace: argocd
    \(wave.map { "  annotations:\n    argocd.argoproj.io/sync-wave: \"\($0)\"" } ?? "")
    spec:
      project: default
      source:
        repoURL: \(repo)
        targetRevision: main
        path: \(path)
    \(extraSource)
      destination:
        server: https://kubernetes.default.svc
        namespace: \(ns)
    """
}

let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n"

@Suite("Argo CD discovery")
struct DiscoveryTests {
    @Test("repoURL spellings normalise to one", arguments: [
        "https://github.com/Acme/GitOps.git", "https://github.com/acme/gitops/", "git@github.com:acme/gitops.git",
        "ssh://git@github.com:22/acme/gitops.git", "http://github.com/acme/gitops", "github.com/acme/gitops",
        "git+ssh://git@github.com/acme/gitops",
    ])
    func normalise(_ url: String) {
        #expect(RepoURL.normalize(url) == "github.com/acme/gitops")
    }

    @Test("different repositories stay different")
    func different() {
        #expect(!RepoURL.same("https://github.com/acme/gitops", "https://github.com/acme/gitops-infra"))
        #expect(RepoURL.isPlaceholder("<GITOPS_REPO_URL>"))
        #expect(RepoURL.cleanPath("./apps/web/") == "apps/web")
    }

    @Test("app-of-apps: child Applications under the root's path; destination namespace is the default namespace")
    func appOfApps() throws {
        let repo = try TempRepo([
            "root.yaml": app("root", path: "apps", ns: "argocd"),
            "apps/web.yaml": app("web", path: "services/web", repo: "git@github.com:acme/gitops.git", ns: "web-ns"),
            "services/web/svc.yaml": service,
            "loose/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: loose, namespace: x}\n",
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/ACME/gitops")
        #expect(plan.applications.map(\.id) == ["argocd/root", "argocd/web"])
        let web = try #require(plan.applications.first { $0.name == "web" })
        #expect(web.parent == "argocd/root")
        #expect(web.path == "services/web")
        #expect(web.rendering == .directory)
        let svc = try #require(plan.inventory.services.first { $0.name == "web" })
        #expect(svc.namespace == "web-ns")
        #expect(svc.manifest.application == "argocd/web")
        // Unowned objects are planned too.
        let loose = try #require(plan.inventory.services.first { $0.name == "loose" })
        #expect(loose.manifest.application == nil)
    }

    @Test("repoURL inferred from Applications whose paths exist; other repositories reported, not planned")
    func inferred() throws {
        let repo = try TempRepo([
            "a.yaml": app("a", path: "svc"),
            "b.yaml": app("b", path: "svc", repo: "https://github.com/other/repo"),
            "svc/s.yaml": service,
        ])
        defer { repo.remove() }
        let plan = try repo.plan()
        #expect(plan.repoURL == "github.com/acme/gitops")
        #expect(plan.applications.first { $0.name == "b" }?.rendering == .external)
        #expect(plan.findings.contains { $0.id == RuleCatalog.otherRepository.id && $0.object == "Application argocd/b" })
    }

    @Test("git remote origin is used when no --repo-url is given")
    func origin() throws {
        let repo = try TempRepo(["a.yaml": app("a", path: "svc", repo: "https://gitlab.com/x/y"), "svc/s.yaml": service])
        defer { repo.remove() }
        let plan = try repo.plan(renderer: FakeRenderer(origin: "git@gitlab.com:x/y.git"))
        #expect(plan.repoURL == "gitlab.com/x/y")
        #expect(plan.applications.first?.rendering == .directory)
    }

    @Test("missing path is an error naming the Application and the line")
    func missingPath() throws {
        let repo = try TempRepo(["a.yaml": app("a", path: "does/not/exist"), "b.yaml": app("b", path: "svc"), "svc/s.yaml": service])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops")
        let f = try #require(plan.findings.first { $0.id == RuleCatalog.pathMissing.id })
        #expect(f.object == "Application argocd/a")
        #expect(f.file == "a.yaml")
        #expect(f.line == 12)
        #expect(plan.applications.first { $0.name == "a" }?.rendering == .missingPath)
    }

    @Test("ApplicationSet list generator and git directory generator (goTemplate and not)")
    func applicationSets() throws {
        let repo = try TempRepo([
            "sets/list.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: envs, namespace: argocd}
            spec:
              generators:
                - list:
                    elements:
                      - env: staging
                      - env: prod
              template:
                metadata:
                  name: 'web-{{env}}'
                spec:
                  source:
                    repoURL: https://github.com/acme/gitops
                    path: 'envs/{{env}}'
                  destination:
                    server: https://kubernetes.default.svc
                    namespace: 'web-{{env}}'
            """,
            "sets/dirs.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: svcs, namespace: argocd}
            spec:
              goTemplate: true
              generators:
                - git:
                    repoURL: git@github.com:acme/gitops.git
                    revision: HEAD
                    directories:
                      - path: services/*
                      - path: services/skip
                        exclude: true
              template:
                metadata:
                  name: '{{.path.basename}}'
                spec:
                  source:
                    repoURL: https://github.com/acme/gitops.git
                    path: '{{.path.path}}'
                  destination:
                    server: https://kubernetes.default.svc
                    namespace: '{{index .path.segments 1}}'
            """,
            "sets/cluster.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: clusters, namespace: argocd}
            spec:
              generators:
                - clusters: {selector: {matchLabels: {env: prod}}}
              template:
                metadata: {name: '{{name}}-web'}
                spec:
                  source: {repoURL: https://github.com/acme/gitops, path: web}
                  destination: {server: '{{server}}', namespace: web}
            """,
            "envs/staging/s.yaml": service, "envs/prod/s.yaml": service,
            "services/api/s.yaml": service, "services/ui/s.yaml": service, "services/skip/s.yaml": service,
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops")
        let names = Set(plan.applications.map(\.name))
        #expect(names == ["web-staging", "web-prod", "api", "ui"])
        let api = try #require(plan.applications.first { $0.name == "api" })
        #expect(api.application.generatedBy == "argocd/svcs")
        #expect(api.destinationNamespace == "api")
        #expect(plan.inventory.services.contains { $0.namespace == "web-prod" })
        #expect(plan.findings.contains { $0.id == RuleCatalog.generatorUnresolved.id && $0.object == "ApplicationSet argocd/clusters" })
    }

    @Test("kustomization rendered through the injected renderer; rendered objects map back to their files")
    func kustomize() throws {
        let repo = try TempRepo([
            "a.yaml": app("a", path: "k"),
            "k/kustomization.yaml": "resources: [svc.yaml]\nnamespace: kns\n",
            "k/svc.yaml": service,
        ])
        defer { repo.remove() }
        let rendered = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: kns\nspec:\n  selector: {app: web}\n"
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops", renderer: FakeRenderer(kustomizeOutput: .rendered(Array(rendered.utf8))))
        #expect(plan.applications.first?.rendering == .kustomize)
        let svc = try #require(plan.inventory.services.first)
        #expect(svc.namespace == "kns")
        #expect(svc.manifest.location.file == "k/svc.yaml")
        #expect(plan.inventory.services.count == 1)
    }

    @Test("kustomize failure, remote resources and missing helm are reported naming the Application")
    func notRendered() throws {
        let repo = try TempRepo([
            "a.yaml": app("a", path: "k"),
            "k/kustomization.yaml": "resources: [svc.yaml]\n",
            "k/svc.yaml": service,
            "r.yaml": app("r", path: "remote"),
            "remote/kustomization.yaml": "resources:\n  - https://github.com/x/y//base?ref=v1\n",
            "h.yaml": app("h", path: "chart"),
            "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "chart/templates/s.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops", renderer: FakeRenderer(kustomizeOutput: .failed("boom")))
        #expect(plan.findings.contains { $0.id == RuleCatalog.notRendered.id && $0.object == "Application argocd/a" && $0.message.contains("boom") })
        #expect(plan.findings.contains { $0.id == RuleCatalog.remoteKustomize.id && $0.object == "Application argocd/r" })
        #expect(plan.findings.contains { $0.id == RuleCatalog.notRendered.id && $0.object == "Application argocd/h" && $0.severity == .info })
        #expect(plan.applications.first { $0.name == "h" }?.rendered == false)
        // The kustomization's plain files are still planned.
        #expect(plan.inventory.services.contains { $0.manifest.application == "argocd/a" })
    }

    @Test("helm output is adopted with the chart's template file as location")
    func helm() throws {
        let repo = try TempRepo([
            "h.yaml": app("h", path: "chart"),
            "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            "chart/templates/s.yaml": "kind: Service\n",
        ])
        defer { repo.remove() }
        let out = "---\n# Source: c/templates/s.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: h-web\n"
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops", renderer: FakeRenderer(helmOutput: .rendered(Array(out.utf8))))
        let svc = try #require(plan.inventory.services.first)
        #expect(svc.name == "h-web")
        #expect(svc.namespace == "team")
        #expect(svc.manifest.location.file == "chart/templates/s.yaml")
        #expect(plan.applications.first?.rendering == .helm)
    }

    @Test("destination.name and multi-source $values are reported as info")
    func destinationAndValues() throws {
        let repo = try TempRepo([
            "a.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: ms, namespace: argocd}
            spec:
              sources:
                - repoURL: https://charts.example.com
                  chart: web
                  targetRevision: 1.0.0
                  helm:
                    valueFiles: [$values/web/values.yaml]
                - repoURL: https://github.com/acme/gitops
                  ref: values
              destination: {name: prod, namespace: web}
            """,
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops")
        let ids = Set(plan.findings.filter { $0.object == "Application argocd/ms" }.map(\.id))
        #expect(ids.isSuperset(of: [RuleCatalog.valuesReference.id, RuleCatalog.destinationName.id, RuleCatalog.otherRepository.id]))
        #expect(plan.findings.allSatisfy { $0.severity == .info })
    }

    @Test("git directory generator without goTemplate: {{path}} and {{path.basename}}")
    func plainTemplate() throws {
        let repo = try TempRepo([
            "set.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: ApplicationSet
            metadata: {name: apps, namespace: argocd}
            spec:
              generators:
                - git:
                    repoURL: https://github.com/acme/gitops.git
                    revision: HEAD
                    directories: [{path: 'apps/*'}]
              template:
                metadata: {name: '{{path.basename}}-app'}
                spec:
                  source: {repoURL: 'https://github.com/acme/gitops.git', path: '{{path}}'}
                  destination: {server: 'https://kubernetes.default.svc', namespace: '{{path[1]}}'}
            """,
            "apps/one/s.yaml": service,
        ])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "git@github.com:acme/gitops")
        let a = try #require(plan.applications.first)
        #expect(a.name == "one-app")
        #expect(a.path == "apps/one")
        #expect(a.destinationNamespace == "one")
        #expect(plan.inventory.services.first?.namespace == "one")
    }

    @Test("a placeholder repoURL (<GITOPS_REPO_URL>) with an existing path is planned as this repository")
    func placeholder() throws {
        let repo = try TempRepo(["a.yaml": app("a", path: "svc", repo: "<GITOPS_REPO_URL>"), "b.yaml": app("b", path: "svc2"), "svc/s.yaml": service, "svc2/s.yaml": service])
        defer { repo.remove() }
        let plan = try repo.plan(repoURL: "https://github.com/acme/gitops")
        #expect(plan.applications.first { $0.name == "a" }?.rendering == .directory)
    }

    @Test("glob patterns of git directory generators")
    func globs() {
        #expect(PathGlob.matches(pattern: "apps/*", path: "apps/web"))
        #expect(!PathGlob.matches(pattern: "apps/*", path: "apps/web/sub"))
        #expect(PathGlob.matches(pattern: "apps/**", path: "apps/web/sub"))
        #expect(PathGlob.matches(pattern: "apps/we?", path: "apps/web"))
    }
}
