/// A rule's identity: stable id, default severity, a one-line title and the default remedy.
/// `RuleCatalog.all` lists every rule (SARIF's `tool.driver.rules`, the README's table).
public struct Rule: Sendable, Hashable {
    public var id: String
    public var severity: Severity
    public var title: String
    public var remedy: String

    public init(id: String, severity: Severity, title: String, remedy: String) {
        self.id = id
        self.severity = severity
        self.title = title
        self.remedy = remedy
    }
}

public enum RuleCatalog {
    // Loading (SG0xx)
    public static let parseError = Rule(id: "SG001-yaml-syntax-error", severity: .error,
        title: "A manifest file is not valid YAML/JSON",
        remedy: "Fix the syntax at the reported line and column; Argo CD cannot apply this file either.")
    public static let templateSkipped = Rule(id: "SG002-template-not-rendered", severity: .info,
        title: "A file holds Helm/Go template expressions and is not a plain manifest",
        remedy: "Nothing to do if an Application renders it with Helm; otherwise render it before committing.")
    public static let notAnObject = Rule(id: "SG003-not-a-kubernetes-object", severity: .info,
        title: "A document has no kind (values, patches, lists) and is skipped",
        remedy: "Nothing to do for values files and patches; add apiVersion and kind if it is meant to be applied.")
    public static let yamlDiagnostic = Rule(id: "SG004-yaml-ambiguity", severity: .warning,
        title: "Duplicate key, custom tag or unknown alias",
        remedy: "Remove the duplicate key (the last value wins, which may not be what Argo CD applies) or the custom tag.")
    public static let sopsFile = Rule(id: "SG005-sops-encrypted", severity: .info,
        title: "A SOPS-encrypted file",
        remedy: "Nothing to do: SyncGate reads its metadata only and counts a Secret it declares as created.")
    public static let kustomizeInput = Rule(id: "SG006-kustomization-not-owned", severity: .info,
        title: "A kustomization directory that no Application renders",
        remedy: "Point an Application at it, or run `kubectl kustomize` and commit the output, to have it planned.")
    public static let unreadable = Rule(id: "SG007-file-unreadable", severity: .warning,
        title: "A file could not be read",
        remedy: "Check the file's permissions and encoding.")

    // Discovery (SG02x)
    public static let pathMissing = Rule(id: "SG020-application-path-missing", severity: .error,
        title: "An Application's source path does not exist in this repository",
        remedy: "Fix `spec.source.path` (it is relative to the repository root) or add the directory.")
    public static let destinationName = Rule(id: "SG021-destination-by-name", severity: .info,
        title: "An Application targets a cluster by `destination.name`",
        remedy: "Nothing to do; SyncGate cannot check the cluster Secret that resolves the name, so verify it exists in Argo CD.")
    public static let valuesReference = Rule(id: "SG022-multi-source-values", severity: .info,
        title: "A multi-source Application reads Helm values through `$ref`",
        remedy: "Nothing to do; the values from the referenced source are used where the chart is rendered.")
    public static let notRendered = Rule(id: "SG023-source-not-rendered", severity: .info,
        title: "A source could not be rendered statically (Helm missing, kustomize failed, remote resources)",
        remedy: "Install helm/kubectl, or commit rendered manifests, so the objects this source creates are planned.")
    public static let generatorUnresolved = Rule(id: "SG024-applicationset-generator-unresolved", severity: .info,
        title: "An ApplicationSet generator cannot be resolved without the cluster",
        remedy: "Nothing to do; Applications from cluster/SCM/pull-request generators are not planned statically.")
    public static let otherRepository = Rule(id: "SG025-source-in-other-repository", severity: .info,
        title: "An Application's source is another repository",
        remedy: "Run `syncgate plan` in that repository, or pass `--repo-url` if this is the same repository.")
    public static let remoteKustomize = Rule(id: "SG026-kustomize-remote-or-helm", severity: .warning,
        title: "A kustomization uses remote resources or helmCharts and is not rendered here",
        remedy: "Vendor the remote bases, or render with `kubectl kustomize --enable-helm` in CI with network access.")

    // Chain rules (SG1xx)
    public static let listenerSecretMissing = Rule(id: "SG101-listener-secret-missing", severity: .error,
        title: "A Gateway listener references a TLS Secret that nothing creates",
        remedy: "Create the Secret (or a placeholder labelled syncgate.dev/placeholder) before the listener, or add a Certificate with cert-manager.io/issue-temporary-certificate: \"true\".")
    public static let listenerSecretNotYet = Rule(id: "SG102-listener-secret-not-yet", severity: .error,
        title: "A Gateway listener references a TLS Secret that only a Certificate will create, after issuance",
        remedy: "Annotate the Certificate with cert-manager.io/issue-temporary-certificate: \"true\", or sync a placeholder Secret before the listener.")
    public static let http01Unrouted = Rule(id: "SG103-http01-host-unrouted", severity: .warning,
        title: "An HTTP-01 Certificate names a host that no listener, HTTPRoute or Ingress routes",
        remedy: "Route the host (listener/HTTPRoute or Ingress) before the Certificate, or use a DNS-01 solver.")
    public static let backendMissing = Rule(id: "SG104-backend-service-missing", severity: .error,
        title: "An HTTPRoute or Ingress backend Service does not exist in the repository",
        remedy: "Add the Service (and its workload) in an earlier wave or Application, or fix the backend name.")
    public static let backendNoWorkload = Rule(id: "SG105-backend-selects-no-workload", severity: .warning,
        title: "A backend Service selects no Deployment, StatefulSet or DaemonSet",
        remedy: "Fix the Service selector or the workload's pod labels.")
    public static let issuerUndefined = Rule(id: "SG106-issuer-undefined", severity: .warning,
        title: "A Certificate's issuer is not defined in the repository",
        remedy: "Add the Issuer/ClusterIssuer, fix `spec.issuerRef`, or make sure it is installed before this Application.")
    public static let referenceGrantMissing = Rule(id: "SG107-cross-namespace-ref-without-grant", severity: .error,
        title: "A listener references a Secret in another namespace without a ReferenceGrant",
        remedy: "Add a ReferenceGrant in the Secret's namespace allowing Gateways from the Gateway's namespace to reference Secrets.")
    public static let renewBeforeShort = Rule(id: "SG108-renew-before-too-short", severity: .warning,
        title: "`renewBefore` leaves too little time to recover from a failed renewal",
        remedy: "Set renewBefore to at least a third of duration (cert-manager's default), e.g. duration 2160h, renewBefore 720h.")
    public static let waveContradiction = Rule(id: "SG109-declared-waves-contradict-dependencies", severity: .error,
        title: "Declared sync waves apply a dependent before (or with) what it needs",
        remedy: "Change argocd.argoproj.io/sync-wave to the recommended wave.")
    public static let duplicateCertificate = Rule(id: "SG110-duplicate-certificate-names", severity: .warning,
        title: "Two Certificates request the exact same set of DNS names (duplicate-certificate rate limit)",
        remedy: "Let one Certificate own the names and share its Secret, or change one set of names.")
    public static let rateLimit = Rule(id: "SG111-rate-limit-registered-domain", severity: .error,
        title: "More certificates for one registered domain than the CA allows per week",
        remedy: "Combine names into fewer Certificates (SANs), spread the rollout over weeks, or request a rate-limit adjustment.")
    public static let nginxBuffers = Rule(id: "SG112-ingress-nginx-proxy-buffers", severity: .error,
        title: "ingress-nginx proxy buffer sizes that nginx rejects or mishandles",
        remedy: "Keep proxy-busy-buffers-size >= proxy-buffer-size and < (proxy-buffers-number - 1) x proxy-buffer-size.")
    public static let routeParentMissing = Rule(id: "SG113-route-parent-missing", severity: .warning,
        title: "An HTTPRoute attaches to a Gateway or listener (sectionName) that the repository does not define",
        remedy: "Fix parentRefs (name, namespace, sectionName) or add the listener.")
    public static let dependencyCycle = Rule(id: "SG114-dependency-cycle", severity: .warning,
        title: "Objects depend on each other in a cycle; no sync order can satisfy it",
        remedy: "Break the cycle, usually with a placeholder Secret or cert-manager's issue-temporary-certificate.")
    public static let applicationOrder = Rule(id: "SG115-application-order", severity: .warning,
        title: "An Application needs another Application synced and healthy first, but the declared waves say otherwise",
        remedy: "Give the prerequisite Application a lower argocd.argoproj.io/sync-wave in its parent, or sync it first.")
    public static let issuerMissingSolver = Rule(id: "SG116-no-acme-solver-for-host", severity: .warning,
        title: "No solver of the ACME issuer matches a Certificate's DNS name",
        remedy: "Add a solver (or widen a selector's dnsZones/dnsNames) for the name.")

    public static let duplicateObject = Rule(id: "SG117-duplicate-object", severity: .warning,
        title: "The same object is declared twice (two Applications, or twice in one)",
        remedy: "Keep one declaration: Argo CD Applications that share an object overwrite each other on every sync.")

    public static let all: [Rule] = [
        parseError, templateSkipped, notAnObject, yamlDiagnostic, sopsFile, kustomizeInput, unreadable,
        pathMissing, destinationName, valuesReference, notRendered, generatorUnresolved, otherRepository, remoteKustomize,
        listenerSecretMissing, listenerSecretNotYet, http01Unrouted, backendMissing, backendNoWorkload, issuerUndefined,
        referenceGrantMissing, renewBeforeShort, waveContradiction, duplicateCertificate, rateLimit, nginxBuffers,
        routeParentMissing, dependencyCycle, applicationOrder, issuerMissingSolver, duplicateObject,
    ]

    public static func rule(id: String) -> Rule? { all.first { $0.id == id } }
}
