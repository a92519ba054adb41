import Foundation
import SyncGateCore

/// cert-manager's certificates controllers in one pass per Certificate: trigger (does it need issuing, is it
/// backing off), temporary certificate, next private key, request manager (CertificateRequest per revision),
/// issuing (write the Secret, or record the failure) and readiness.
final class CertificateController: @unchecked Sendable {
    let ctx: ControllerContext
    /// notAfter of the certificate in a Secret, by "ns/name" and resourceVersion.
    private let expiryCache = Locked<[String: (rv: String, notAfter: Date?)]>([:])

    init(_ ctx: ControllerContext) { self.ctx = ctx }

    func reconcile(now: Date) -> Date? {
        var wake: Date? = nil
        for crt in ctx.store.list(CertManager.certificates) where crt[path: "metadata", "deletionTimestamp"] == nil {
            if let w = reconcile(crt, now: now) { wake = wake.map { min($0, w) } ?? w }
        }
        return wake
    }

    struct SecretState { var reason: String?; var message: String; var notAfter: Date?; var temporary: Bool }

    /// Why the Secret does not (or no longer) hold a good certificate for this Certificate; reason nil when it does.
    func secretState(_ crt: Value, _ secret: Value?, now: Date) -> SecretState {
        let issuerName = crt[path: "spec", "issuerRef", "name"]?.string ?? ""
        let issuerKind = crt[path: "spec", "issuerRef", "kind"]?.string ?? "Issuer"
        guard let secret else { return SecretState(reason: "DoesNotExist", message: "Issuing certificate as Secret does not exist", temporary: false) }
        guard let crtPEM = CertManager.unb64(secret[path: "data", "tls.crt"]?.string), !crtPEM.isEmpty,
              !(secret[path: "data", "tls.key"]?.string ?? "").isEmpty else {
            return SecretState(reason: "MissingData", message: "Issuing certificate as Secret does not contain a certificate", temporary: false)
        }
        let notAfter = expiry(secret, pem: crtPEM)
        if secret.annotations["cert-manager.io/issuer-name"] != issuerName || (secret.annotations["cert-manager.io/issuer-kind"] ?? "Issuer") != issuerKind {
            return SecretState(reason: "IncorrectIssuer", message: "Issuing certificate as Secret was previously issued by \"\(secret.annotations["cert-manager.io/issuer-kind"] ?? "")/\(secret.annotations["cert-manager.io/issuer-name"] ?? "unknown")\"",
                               notAfter: notAfter, temporary: false)
        }
        if secret.annotations["kubesim.syncgate.dev/temporary-certificate"] == "true" {
            return SecretState(reason: "TemporaryCertificate", message: "Certificate issuance in progress. Temporary certificate issued.", notAfter: notAfter, temporary: true)
        }
        let want = (crt[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []).sorted().joined(separator: ",")
        let have = (secret.annotations["cert-manager.io/alt-names"] ?? "").split(separator: ",").map(String.init).sorted().joined(separator: ",")
        if want != have {
            return SecretState(reason: "SecretMismatch", message: "Issuing certificate as Existing issued Secret is not up to date for spec: [spec.dnsNames]", notAfter: notAfter, temporary: false)
        }
        if let notAfter, notAfter <= now {
            return SecretState(reason: "Expired", message: "Certificate expired on \(KubeTime.format(notAfter))", notAfter: notAfter, temporary: false)
        }
        return SecretState(reason: nil, message: "Certificate is up to date and has not expired", notAfter: notAfter, temporary: false)
    }

    private func expiry(_ secret: Value, pem: String) -> Date? {
        let key = "\(secret.metadataNamespace)/\(secret.metadataName)"
        let rv = secret[path: "metadata", "resourceVersion"]?.string ?? ""
        if let c = expiryCache.value[key], c.rv == rv { return c.notAfter }
        let d = LocalCA.notAfter(ofPEM: pem)
        expiryCache.withLock { $0[key] = (rv, d) }
        return d
    }

    func renewalTime(_ crt: Value, notAfter: Date) -> Date {
        let duration = KubeTime.parseDuration(crt[path: "spec", "duration"]?.string ?? "") ?? ctx.certManager.value.defaultDuration
        if let rb = KubeTime.parseDuration(crt[path: "spec", "renewBefore"]?.string ?? "") { return notAfter.addingTimeInterval(-rb) }
        if let pct = crt[path: "spec", "renewBeforePercentage"]?.int { return notAfter.addingTimeInterval(-duration * Double(pct) / 100) }
        return notAfter.addingTimeInterval(-duration / 3)
    }

    private func reconcile(_ crt: Value, now: Date) -> Date? {
        let store = ctx.store
        let ns = crt.metadataNamespace
        let name = crt.metadataName
        let gen = crt[path: "metadata", "generation"]?.int ?? 1
        let secretName = crt[path: "spec", "secretName"]?.string ?? name
        var status = crt["status"] ?? .obj([])
        var conds = status["conditions"]?.elements ?? []
        let revision = status["revision"]?.int ?? 0
        let nextName = "\(name)-\(revision + 1)"
        var secret = store.get(CertManager.secrets, namespace: ns, name: secretName)
        var state = secretState(crt, secret, now: now)
        var wake: Date? = nil

        // Trigger: needs issuing? (or renewal due) — unless backing off after a failure.
        var need: (String, String)? = state.reason.map { ($0, state.message) }
        if need == nil, let notAfter = state.notAfter {
            let renew = renewalTime(crt, notAfter: notAfter)
            if now >= renew { need = ("Renewing", "Renewing certificate as renewal was scheduled at \(KubeTime.format(renew))") }
            else { wake = renew }
        }
        var issuing = Conditions.status(conds, "Issuing") == "True"
        if !issuing, let need {
            let nextCR = store.get(CertManager.requests, namespace: ns, name: nextName)
            if let lastFailure = KubeTime.parse(status["lastFailureTime"]?.string ?? ""), let nextCR, Self.failed(nextCR) {
                let attempts = max(1, status["failedIssuanceAttempts"]?.int ?? 1)
                let settings = ctx.certManager.value
                let delay = min(settings.issuanceBackoffBase * pow(2, Double(attempts - 1)), settings.issuanceBackoffMax)
                let until = lastFailure.addingTimeInterval(delay)
                if now < until {
                    wake = wake.map { min($0, until) } ?? until
                } else {
                    store.remove(CertManager.requests, namespace: ns, name: nextName)
                    issuing = true
                }
            } else {
                issuing = true
            }
            if issuing {
                conds = Conditions.set(conds, type: "Issuing", status: "True", reason: need.0, message: need.1, now: now, observedGeneration: gen)
            }
        }

        if issuing {
            // Temporary certificate at once, when asked for and the Secret holds nothing usable.
            if crt.annotations["cert-manager.io/issue-temporary-certificate"] == "true",
               state.reason == "DoesNotExist" || state.reason == "MissingData" {
                writeTemporaryCertificate(crt, secretName: secretName, existing: secret, now: now)
                secret = store.get(CertManager.secrets, namespace: ns, name: secretName)
                state = secretState(crt, secret, now: now)
            }
            // Next private key.
            var keySecretName = status["nextPrivateKeySecretName"]?.string
            if keySecretName == nil || store.get(CertManager.secrets, namespace: ns, name: keySecretName!) == nil {
                let generated = "\(name)-\(store.generateSuffix())"
                if let keyPEM = try? LocalCA.generateKeyPEM() {
                    _ = try? store.create(.obj([
                        ("apiVersion", .string("v1")), ("kind", .string("Secret")),
                        ("metadata", .obj([("name", .string(generated)), ("namespace", .string(ns)),
                                           ("labels", .obj([("cert-manager.io/next-private-key", .string("true")), ("controller.cert-manager.io/fao", .string("true"))])),
                                           ("ownerReferences", .array([CertManager.ownerReference(crt)]))])),
                        ("type", .string("Opaque")), ("data", .obj([("tls.key", .string(CertManager.b64(keyPEM)))])),
                    ]))
                    keySecretName = generated
                    status.set(["nextPrivateKeySecretName"], .string(generated))
                }
            }
            // Request manager and issuing.
            if let cr = store.get(CertManager.requests, namespace: ns, name: nextName) {
                if Self.ready(cr) {
                    let issuedPEM = CertManager.unb64(cr[path: "status", "certificate"]?.string) ?? ""
                    let keyPEM = CertManager.unb64(store.get(CertManager.secrets, namespace: ns, name: keySecretName ?? "")?[path: "data", "tls.key"]?.string) ?? ""
                    writeIssuedSecret(crt, secretName: secretName, existing: secret, certPEM: issuedPEM, keyPEM: keyPEM,
                                      caPEM: CertManager.unb64(cr[path: "status", "ca"]?.string) ?? "")
                    if let k = keySecretName { store.remove(CertManager.secrets, namespace: ns, name: k) }
                    status.set(["nextPrivateKeySecretName"], nil)
                    status.set(["revision"], .int(revision + 1))
                    status.set(["lastFailureTime"], nil)
                    status.set(["failedIssuanceAttempts"], nil)
                    conds.removeAll { $0["type"]?.string == "Issuing" }
                    secret = store.get(CertManager.secrets, namespace: ns, name: secretName)
                    state = secretState(crt, secret, now: now)
                } else if Self.failed(cr) {
                    let why = Conditions.find(cr[path: "status", "conditions"]?.elements, "Ready")?["message"]?.string ?? ""
                    conds = Conditions.set(conds, type: "Issuing", status: "False", reason: "Failed",
                                           message: "The certificate request has failed to complete and will be retried: \(why)", now: now, observedGeneration: gen)
                    status.set(["lastFailureTime"], .string(KubeTime.format(now)))
                    status.set(["failedIssuanceAttempts"], .int((status["failedIssuanceAttempts"]?.int ?? 0) + 1))
                    let delay = min(ctx.certManager.value.issuanceBackoffBase * pow(2, Double((status["failedIssuanceAttempts"]?.int ?? 1) - 1)), ctx.certManager.value.issuanceBackoffMax)
                    let until = now.addingTimeInterval(delay)
                    wake = wake.map { min($0, until) } ?? until
                }
            } else if let keySecretName {
                createRequest(crt, name: nextName, revision: revision + 1, keySecretName: keySecretName)
            }
        }

        // Readiness.
        if let reason = state.reason {
            conds = Conditions.set(conds, type: "Ready", status: "False", reason: reason, message: state.message, now: now, observedGeneration: gen)
        } else {
            conds = Conditions.set(conds, type: "Ready", status: "True", reason: "Ready", message: state.message, now: now, observedGeneration: gen)
        }
        if let notAfter = state.notAfter, !state.temporary, state.reason == nil || state.reason == "Expired" {
            status.set(["notAfter"], .string(KubeTime.format(notAfter)))
            let renew = renewalTime(crt, notAfter: notAfter)
            status.set(["renewalTime"], .string(KubeTime.format(renew)))
            if renew > now { wake = wake.map { min($0, renew) } ?? renew }
            if notAfter > now { wake = wake.map { min($0, notAfter) } ?? notAfter }
            if let nb = secret?.annotations["kubesim.syncgate.dev/not-before"] { status.set(["notBefore"], .string(nb)) }
        }
        // Ready first, then Issuing (cert-manager's order).
        conds.sort { ($0["type"]?.string == "Ready" ? 0 : 1) < ($1["type"]?.string == "Ready" ? 0 : 1) }
        status.set(["conditions"], .array(conds))
        let finalStatus = status
        store.mutate(CertManager.certificates, namespace: ns, name: name, status: true) { v in v.set(["status"], finalStatus) }
        return wake
    }

    static func ready(_ cr: Value) -> Bool { Conditions.status(cr[path: "status", "conditions"]?.elements, "Ready") == "True" }
    static func failed(_ cr: Value) -> Bool {
        guard let c = Conditions.find(cr[path: "status", "conditions"]?.elements, "Ready") else { return false }
        return c["status"]?.string == "False" && ["Failed", "Denied", "InvalidRequest"].contains(c["reason"]?.string ?? "")
    }

    private func createRequest(_ crt: Value, name: String, revision: Int, keySecretName: String) {
        let ns = crt.metadataNamespace
        let issuerRef = crt[path: "spec", "issuerRef"] ?? .obj([])
        let csr = "-----BEGIN CERTIFICATE REQUEST-----\n\(CertManager.b64("KubeSim CSR for \(crt.metadataName) revision \(revision)"))\n-----END CERTIFICATE REQUEST-----\n"
        var annotations: [(String, Value)] = [
            ("cert-manager.io/certificate-name", .string(crt.metadataName)),
            ("cert-manager.io/certificate-revision", .string(String(revision))),
            ("cert-manager.io/private-key-secret-name", .string(keySecretName)),
        ]
        if let issuerName = issuerRef["name"]?.string { annotations.append(("cert-manager.io/issuer-name", .string(issuerName))) }
        annotations.append(("cert-manager.io/issuer-kind", .string(issuerRef["kind"]?.string ?? "Issuer")))
        annotations.append(("cert-manager.io/issuer-group", .string(issuerRef["group"]?.string ?? "cert-manager.io")))
        var spec: [(String, Value)] = [("issuerRef", issuerRef), ("request", .string(CertManager.b64(csr))),
                                       ("usages", .strings(["digital signature", "key encipherment"]))]
        if let d = crt[path: "spec", "duration"] { spec.append(("duration", d)) }
        _ = try? ctx.store.create(.obj([
            ("apiVersion", .string("cert-manager.io/v1")), ("kind", .string("CertificateRequest")),
            ("metadata", .obj([("name", .string(name)), ("namespace", .string(ns)), ("annotations", .obj(annotations)),
                               ("labels", crt[path: "metadata", "labels"] ?? .obj([])),
                               ("ownerReferences", .array([CertManager.ownerReference(crt)]))])),
            ("spec", .obj(spec)),
        ]))
    }

    private func secretAnnotations(_ crt: Value, temporary: Bool, notBefore: Date?) -> [(String, Value)] {
        let issuerRef = crt[path: "spec", "issuerRef"]
        let dnsNames = crt[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
        var a: [(String, Value)] = [
            ("cert-manager.io/alt-names", .string(dnsNames.joined(separator: ","))),
            ("cert-manager.io/certificate-name", .string(crt.metadataName)),
            ("cert-manager.io/common-name", .string(crt[path: "spec", "commonName"]?.string ?? dnsNames.first ?? "")),
            ("cert-manager.io/ip-sans", .string("")),
            ("cert-manager.io/issuer-group", .string(issuerRef?["group"]?.string ?? "cert-manager.io")),
            ("cert-manager.io/issuer-kind", .string(issuerRef?["kind"]?.string ?? "Issuer")),
            ("cert-manager.io/issuer-name", .string(issuerRef?["name"]?.string ?? "")),
            ("cert-manager.io/uri-sans", .string("")),
        ]
        if temporary { a.append(("kubesim.syncgate.dev/temporary-certificate", .string("true"))) }
        if let notBefore { a.append(("kubesim.syncgate.dev/not-before", .string(KubeTime.format(notBefore)))) }
        return a
    }

    /// Writes (or overwrites — a placeholder, say) the Secret, keeping labels and annotations others put there.
    private func writeSecret(_ crt: Value, secretName: String, existing: Value?, data: [(String, Value)], annotations: [(String, Value)]) {
        let ns = crt.metadataNamespace
        var secret = existing ?? .obj([("apiVersion", .string("v1")), ("kind", .string("Secret")),
                                       ("metadata", .obj([("name", .string(secretName)), ("namespace", .string(ns))]))])
        secret.set(["metadata", "annotations", "kubesim.syncgate.dev/temporary-certificate"], nil)
        secret.set(["metadata", "annotations", "kubesim.syncgate.dev/not-before"], nil)
        for (k, v) in annotations { secret.set(["metadata", "annotations", k], v) }
        for (k, v) in crt[path: "spec", "secretTemplate", "annotations"]?.object?.pairs ?? Object().pairs { secret.set(["metadata", "annotations", k], v) }
        for (k, v) in crt[path: "spec", "secretTemplate", "labels"]?.object?.pairs ?? Object().pairs { secret.set(["metadata", "labels", k], v) }
        secret.set(["metadata", "labels", "controller.cert-manager.io/fao"], .string("true"))
        secret.set(["type"], .string("kubernetes.io/tls"))
        secret.set(["data"], .obj(data))
        secret.set(["metadata", "resourceVersion"], nil)
        _ = try? ctx.store.apply(secret)
    }

    private func writeTemporaryCertificate(_ crt: Value, secretName: String, existing: Value?, now: Date) {
        let dnsNames = crt[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
        let cn = crt[path: "spec", "commonName"]?.string ?? dnsNames.first ?? crt.metadataName
        guard let temp = try? LocalCA.selfSigned(commonName: cn, dnsNames: dnsNames, notBefore: now, notAfter: now.addingTimeInterval(90 * 86400)) else { return }
        writeSecret(crt, secretName: secretName, existing: existing,
                    data: [("ca.crt", .string(CertManager.b64(temp.caPEM))), ("tls.crt", .string(CertManager.b64(temp.certificatePEM))),
                           ("tls.key", .string(CertManager.b64(temp.keyPEM)))],
                    annotations: secretAnnotations(crt, temporary: true, notBefore: nil))
    }

    private func writeIssuedSecret(_ crt: Value, secretName: String, existing: Value?, certPEM: String, keyPEM: String, caPEM: String) {
        writeSecret(crt, secretName: secretName, existing: existing,
                    data: [("ca.crt", .string(CertManager.b64(caPEM))), ("tls.crt", .string(CertManager.b64(certPEM))),
                           ("tls.key", .string(CertManager.b64(keyPEM)))],
                    annotations: secretAnnotations(crt, temporary: false, notBefore: ctx.store.clock.now))
    }
}
