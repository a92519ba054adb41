/// SG101 / SG102: a listener's certificateRef names a Secret that nothing in the repo creates (SG101), or that
/// only a Certificate will create after issuance (SG102), unless that Certificate issues a temporary certificate.
/// The message names the Gateway's blast radius: by default (worst case) every other listener stops too.
public enum ListenerSecretRule: StaticRule {
    public static let rule = RuleCatalog.listenerSecretMissing

    public static func evaluate(_ input: RuleInput) -> [Finding] {
        let inv = input.inventory
        var out: [Finding] = []
        for (i, gw) in inv.gateways.enumerated() {
            let listeners = inv.listeners(ofGatewayAt: i)
            let radius = input.policy.blastRadius(ofGateway: gw.key)
            for l in listeners {
                for ref in l.certificateRefs where ref.kind == "Secret" && !ref.name.isEmpty {
                    if inv.secret(ref.key) != nil { continue }
                    let writerPositions = inv.certificatePositions(writing: ref.key)
                    if writerPositions.contains(where: { inv.certificates[$0].issuesTemporaryCertificate }) { continue }
                    let writers = writerPositions.map { inv.certificates[$0] }
                    let others = listeners.count - 1
                    let impact: String
                    switch radius {
                    case .gateway:
                        impact = "Blast radius: the whole Gateway \(gw.key) (worst case, the default) — it can go Programmed=False and take its \(others) other listener\(others == 1 ? "" : "s") down with it"
                    case .listener:
                        impact = "Blast radius: listener \(l.name) only (policy says this Gateway class fails single listeners); \(others) other listener\(others == 1 ? "" : "s") unaffected"
                    }
                    let object = "Gateway \(gw.key) listener \(l.name)"
                    let location = gw.manifest.location(of: ref.value)
                    if let writer = writers.first {
                        let mitigation = input.policy.injectPlaceholders
                            ? " The policy injects placeholder Secrets (onFailure.injectPlaceholders), so this is safe only when the change goes through `syncgate rollout` or the PreSync hook."
                            : ""
                        let severity: Severity = radius == .gateway && !input.policy.injectPlaceholders ? .error : .warning
                        out.append(Finding(RuleCatalog.listenerSecretNotYet,
                            message: "listener \(l.name) (\(l.hostname ?? "any host")) references Secret \(ref.key), which only \(writer.displayName) creates, after its ACME order succeeds. Until then the reference is unresolved. \(impact).\(mitigation)",
                            object: object, location: location,
                            remedy: "Add cert-manager.io/issue-temporary-certificate: \"true\" to \(writer.displayName) (\(writer.location)), or sync a placeholder Secret \(ref.key) (type kubernetes.io/tls, label syncgate.dev/placeholder: \"true\") before the listener.",
                            application: gw.manifest.application,
                            severity: severity, node: l.nodeID))
                    } else {
                        out.append(Finding(rule,
                            message: "listener \(l.name) (\(l.hostname ?? "any host")) references Secret \(ref.key), which nothing in the repository creates (no Secret, SealedSecret, ExternalSecret or Certificate with that secretName). \(impact).",
                            object: object, location: location,
                            remedy: "Fix the Secret name, or add a Certificate with secretName \(ref.name) in namespace \(ref.namespace) and cert-manager.io/issue-temporary-certificate: \"true\", or create a placeholder Secret before the listener.",
                            application: gw.manifest.application, node: l.nodeID))
                    }
                }
            }
        }
        return out
    }
}
