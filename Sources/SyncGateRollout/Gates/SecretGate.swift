import SyncGateCore

/// What to do about the TLS Secret a listener references.
public enum SecretDecision: Sendable, Equatable {
    /// It exists with a certificate (real or an earlier placeholder): nothing to do.
    case present(String)
    /// cert-manager's `issue-temporary-certificate` fills it when the Certificate is applied.
    case temporaryByCertManager
    /// Missing and a listener would block its Gateway: create a placeholder.
    case createPlaceholder
    case fail(GateFailure)
}

public enum SecretGate {
    /// `secret`: the live Secret (nil: absent). Never proposes touching a Secret that exists.
    public static func decide(secret: ObjectName, live: Value?, chain: HostTarget, blastRadius: BlastRadius,
                              injectPlaceholders: Bool) -> SecretDecision {
        if let live {
            let hasCert = !(live[path: "data", "tls.crt"]?.scalarText ?? "").isEmpty
            let placeholder = Placeholder.isPlaceholder(live)
            if hasCert { return .present(placeholder ? "placeholder present" : "certificate present") }
            return .fail(GateFailure(gate: .secret, failure: .blocked, object: "secret:\(secret)",
                evidence: "Secret \(secret) exists but has no tls.crt",
                remedy: "Fix or delete Secret \(secret); SyncGate never overwrites an existing Secret."))
        }
        if chain.temporaryCertificate { return .temporaryByCertManager }
        if chain.listeners.isEmpty { return .present("no listener references it; cert-manager creates it on issuance") }
        if injectPlaceholders { return .createPlaceholder }
        let scope = blastRadius == .gateway ? "the whole Gateway \(chain.listeners[0].gateway)" : "listener \(chain.listeners[0])"
        return .fail(GateFailure(gate: .secret, failure: .blocked, object: "secret:\(secret)",
            evidence: "Secret \(secret) does not exist and placeholders are disabled; \(scope) would stop serving",
            remedy: "Set `onFailure.injectPlaceholders: true`, add `cert-manager.io/issue-temporary-certificate: \"true\"` to the Certificate, or create the Secret."))
    }
}
