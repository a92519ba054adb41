/// SG104 / SG105: an HTTPRoute or Ingress backend Service that does not exist in the repo, or that selects no
/// Deployment, StatefulSet or DaemonSet.
public enum BackendServiceRule: StaticRule {
    public static let rule = RuleCatalog.backendMissing

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var out: [Finding] = []
        var reportedEmpty: Set<ObjectKey> = []
        func check(_ b: BackendRef, from describe: () -> String, application: String?) {
            guard b.isService, !b.name.isEmpty else { return }
            guard let svc = inv.service(b.key) else {
                let object = describe()
                out.append(Finding(rule,
                    message: "\(object) sends traffic to Service \(b.key), which is not defined in the repository",
                    object: object, location: b.location,
                    remedy: "Add Service \(b.key) (and the workload it selects) in an earlier wave or Application, or fix the backend name.",
                    application: application, node: NodeID.service(namespace: b.namespace, name: b.name)))
                return
            }
            guard svc.expectsWorkload, inv.workloadPositions(selectedBy: svc).isEmpty, reportedEmpty.insert(svc.key).inserted else { return }
            let object = describe()
            let selector = svc.selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            out.append(Finding(RuleCatalog.backendNoWorkload,
                message: "Service \(svc.key), backend of \(object), selects \(selector) but no Deployment, StatefulSet or DaemonSet in namespace \(svc.namespace) has those pod labels",
                object: "Service \(svc.key)", location: svc.manifest.location(of: svc.manifest.value[path: "spec", "selector"]),
                application: svc.manifest.application, node: svc.nodeID))
        }
        for r in inv.routes {
            for b in r.backendRefs { check(b, from: { "\(r.manifest.kind) \(r.namespace)/\(r.name)" }, application: r.manifest.application) }
        }
        for i in inv.ingresses {
            for (_, b) in i.backends { check(b, from: { "Ingress \(i.namespace)/\(i.name)" }, application: i.manifest.application) }
        }
        return out
    }
}
