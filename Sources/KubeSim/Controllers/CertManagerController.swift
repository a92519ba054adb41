import Foundation
import SyncGateCore

/// cert-manager, as a chain of small controllers run in order on each tick:
/// Issuers → Certificates → CertificateRequests → Orders → Challenges.
final class CertManagerController: Controller, @unchecked Sendable {
    let kind = ControllerKind.certManager
    let issuers: IssuerController
    let certificates: CertificateController
    let requests: CertificateRequestController
    let orders: OrderController
    let challenges: ChallengeController

    init(_ ctx: ControllerContext) {
        issuers = IssuerController(ctx)
        certificates = CertificateController(ctx)
        requests = CertificateRequestController(ctx)
        orders = OrderController(ctx)
        challenges = ChallengeController(ctx)
    }

    func reconcile(now: Date) -> Date? {
        let wakes = [issuers.reconcile(now: now), certificates.reconcile(now: now), requests.reconcile(now: now),
                     orders.reconcile(now: now), challenges.reconcile(now: now)]
        return wakes.compactMap { $0 }.min()
    }
}

/// Names, keys and small helpers the cert-manager controllers share.
enum CertManager {
    static let group = ControllerContext.certGroup
    static let acme = ControllerContext.acmeGroup
    static let certificates = ResourceKey(group: group, plural: "certificates")
    static let requests = ResourceKey(group: group, plural: "certificaterequests")
    static let issuers = ResourceKey(group: group, plural: "issuers")
    static let clusterIssuers = ResourceKey(group: group, plural: "clusterissuers")
    static let orders = ResourceKey(group: acme, plural: "orders")
    static let challenges = ResourceKey(group: acme, plural: "challenges")
    static let secrets = ResourceKey(group: "", plural: "secrets")
    static let httpRoutes = ResourceKey(group: ControllerContext.gatewayGroup, plural: "httproutes")
    static let ingresses = ResourceKey(group: "networking.k8s.io", plural: "ingresses")

    static func fnv32(_ s: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in s.utf8 { h ^= UInt32(b); h = h &* 16_777_619 }
        return h
    }

    static func ownerReference(_ owner: Value, controller: Bool = true) -> Value {
        .obj([("apiVersion", owner["apiVersion"] ?? .string("")), ("kind", owner["kind"] ?? .string("")),
              ("name", .string(owner.metadataName)), ("uid", owner[path: "metadata", "uid"] ?? .string("")),
              ("controller", .bool(controller)), ("blockOwnerDeletion", .bool(true))])
    }

    static func ownedBy(_ v: Value, _ owner: Value) -> Bool {
        let uid = owner[path: "metadata", "uid"]?.string
        return (v[path: "metadata", "ownerReferences"]?.elements ?? []).contains { $0["uid"]?.string == uid }
    }

    /// The Issuer or ClusterIssuer an issuerRef names, or nil.
    static func issuer(_ store: ObjectStore, ref: Value?, namespace: String) -> Value? {
        let name = ref?["name"]?.string ?? ""
        if ref?["kind"]?.string == "ClusterIssuer" { return store.get(clusterIssuers, name: name) }
        return store.get(issuers, namespace: namespace, name: name)
    }

    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
    static func unb64(_ s: String?) -> String? {
        guard let s, let d = Data(base64Encoded: s) else { return nil }
        return String(data: d, encoding: .utf8)
    }

    /// Signs a leaf for the Certificate behind a CertificateRequest, with the key in its private-key Secret.
    static func sign(_ ctx: ControllerContext, request cr: Value, selfSigned: Bool, now: Date) -> LocalCA.Issued? {
        let ns = cr.metadataNamespace
        let certName = cr.annotations["cert-manager.io/certificate-name"] ?? ""
        guard let crt = ctx.store.get(certificates, namespace: ns, name: certName) else { return nil }
        let keySecret = cr.annotations["cert-manager.io/private-key-secret-name"] ?? ""
        let keyPEM = unb64(ctx.store.get(secrets, namespace: ns, name: keySecret)?[path: "data", "tls.key"]?.string)
        let dnsNames = crt[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
        let cn = crt[path: "spec", "commonName"]?.string ?? dnsNames.first ?? certName
        let duration = KubeTime.parseDuration(crt[path: "spec", "duration"]?.string ?? "") ?? ctx.certManager.value.defaultDuration
        if selfSigned {
            guard let ss = try? LocalCA(commonName: cn, now: now),
                  let issued = try? ss.issue(commonName: cn, dnsNames: dnsNames, notBefore: now, notAfter: now.addingTimeInterval(duration), keyPEM: keyPEM) else { return nil }
            return issued
        }
        return try? ctx.ca.issue(commonName: cn, dnsNames: dnsNames, notBefore: now, notAfter: now.addingTimeInterval(duration), keyPEM: keyPEM)
    }
}

/// Marks Issuers and ClusterIssuers Ready.
final class IssuerController: @unchecked Sendable {
    let ctx: ControllerContext
    init(_ ctx: ControllerContext) { self.ctx = ctx }

    func reconcile(now: Date) -> Date? {
        for key in [CertManager.issuers, CertManager.clusterIssuers] {
            for iss in ctx.store.list(key) where Conditions.status(iss[path: "status", "conditions"]?.elements, "Ready") != "True" {
                let (reason, message): (String, String)
                if iss[path: "spec", "acme"] != nil { (reason, message) = ("ACMEAccountRegistered", "The ACME account was registered with the ACME server") }
                else if iss[path: "spec", "ca"] != nil { (reason, message) = ("KeyPairVerified", "Signing CA verified") }
                else { (reason, message) = ("IsReady", "") }
                let gen = iss[path: "metadata", "generation"]?.int ?? 1
                ctx.store.mutate(key, namespace: iss.metadataNamespace, name: iss.metadataName, status: true) { v in
                    v.set(["status", "conditions"], .array(Conditions.set(v[path: "status", "conditions"]?.elements ?? [], type: "Ready", status: "True",
                                                                          reason: reason, message: message, now: now, observedGeneration: gen)))
                    if v[path: "spec", "acme"] != nil {
                        v.set(["status", "acme", "uri"], .string("https://acme.kubesim.local/acme/acct/\(CertManager.fnv32(v.metadataName))"))
                    }
                }
            }
        }
        return nil
    }
}
