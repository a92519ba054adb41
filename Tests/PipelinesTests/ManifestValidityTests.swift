import Foundation
import SyncGateCore
import Testing

/// Every YAML file under pipelines/ and examples/ parses and is a valid object of its kind.
@Suite struct ManifestValidityTests {
    static let files = RepoFiles.yamlFiles(under: ["pipelines", "examples"])

    /// Parsed once for every test (about 3.5 MB of CRDs).
    static let loaded: CRDSchemas? = CRDSchemas.locate().flatMap { try? CRDSchemas(directory: $0) }

    static func schemas() throws -> CRDSchemas {
        guard let schemas = loaded else {
            Issue.record("no readable CRD directory: set SYNCGATE_CRD_DIR to a folder with the upstream Argo CD, cert-manager and Gateway API CRDs")
            throw CancellationError()
        }
        return schemas
    }

    /// Problems of one Kubernetes object (empty = valid).
    static func problems(_ object: Value, schemas: CRDSchemas) -> [String] {
        guard let apiVersion = object["apiVersion"]?.string, let kind = object["kind"]?.string else {
            return ["not a Kubernetes object: apiVersion and kind are required"]
        }
        var out: [String] = []
        if object[path: "metadata", "name"]?.string == nil && object[path: "metadata", "generateName"]?.string == nil && kind != "SyncGatePolicy" {
            out.append("metadata.name is required")
        }
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        let version = String(apiVersion.split(separator: "/").last ?? "")
        if schemas.knows(group: group, kind: kind) {
            out += schemas.problems(object, group: group, version: version, kind: kind)
        } else if let shape = BuiltinKinds.shapes["\(apiVersion)|\(kind)"] {
            for path in shape.required { out += BuiltinKinds.missing(path, in: object) }
            out += shape.check?(object) ?? []
        } else {
            out.append("\(apiVersion) \(kind): no CRD and no entry in the built-in table (Tests/PipelinesTests/BuiltinKinds.swift)")
        }
        return out
    }

    @Test func thereAreFilesToCheck() {
        #expect(Self.files.contains("pipelines/argocd/presync-hook/job.yaml"))
        #expect(Self.files.contains("pipelines/alerts/syncgate-alerts.yaml"))
        #expect(Self.files.count > 20)
    }

    @Test(arguments: files) func isValid(_ file: String) throws {
        let documents: [YAMLDocument]
        do { documents = try RepoFiles.documents(file) } catch {
            Issue.record("\(file): does not parse: \(error)")
            return
        }
        #expect(!documents.isEmpty, "\(file) has no documents")
        let name = (file as NSString).lastPathComponent
        if file.hasSuffix("action.yml") || file.hasSuffix("action.yaml") {
            for p in CIFileShapes.githubAction(documents[0].root) { Issue.record("\(file): \(p)") }
            return
        }
        if file.contains("/workflows/") {
            for p in CIFileShapes.githubWorkflow(documents[0].root) { Issue.record("\(file): \(p)") }
            return
        }
        if name.hasSuffix("gitlab-ci.yml") {
            for p in CIFileShapes.gitlab(documents[0].root) { Issue.record("\(file): \(p)") }
            return
        }
        if ["kustomization.yaml", "kustomization.yml"].contains(name) {
            let kind = documents[0].root["kind"]?.string
            #expect(kind == "Kustomization" || kind == "Component", "\(file): kind must be Kustomization or Component")
            return  // built and validated by KustomizeTests
        }
        let schemas = try Self.schemas()
        for document in documents {
            let what = "\(document.root["kind"]?.string ?? "?") \(document.root[path: "metadata", "name"]?.string ?? "")"
            for p in Self.problems(document.root, schemas: schemas) { Issue.record("\(file):\(document.line): \(what): \(p)") }
        }
    }

    @Test func theValidatorCatchesBrokenObjects() throws {
        let schemas = try Self.schemas()
        let broken = try YAMLDecoder.decodeAll("""
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: c}
        spec:
          dnsName: [typo.example.com]
          issuerRef: {name: x}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          template:
            spec:
              restartPolicy: Always
              containers: [{name: c}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: b}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}
        subjects: [{kind: ServiceAccount, name: sa}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: g}
        spec:
          gatewayClassName: traefik
          listeners: [{name: https, port: "443", protocol: HTTPS}]
        """, file: "broken.yaml").documents.map(\.root)
        let certificate = Self.problems(broken[0], schemas: schemas)
        #expect(certificate.contains { $0.contains("required field 'secretName'") })
        #expect(certificate.contains { $0.contains(".spec.dnsName") && $0.contains("unknown field") })
        let job = Self.problems(broken[1], schemas: schemas)
        #expect(job.contains { $0.contains("containers[0].image is required") })
        #expect(job.contains { $0.contains("restartPolicy must be Never or OnFailure") })
        #expect(Self.problems(broken[2], schemas: schemas).contains { $0.contains("needs a namespace") })
        #expect(Self.problems(broken[3], schemas: schemas).contains { $0.contains("expected integer") })
    }
}
