import Foundation
import Testing
import SyncGateCore
import SyncGateX509
@testable import SyncGateKube

@Suite struct SolverRulesTests {
    @Test func adler32MatchesKnownValues() {
        #expect(SolverRules.adler32("Wikipedia") == 0x11E6_0398)
        #expect(SolverRules.adler32("") == 1)
    }

    static func route(_ name: String, owner: String? = nil, ownerUID: String? = nil, token: String? = nil, labels: Bool = true) -> Value {
        var labelsText = ""
        if labels {
            labelsText = #","labels":{"acme.cert-manager.io/http01-solver":"true""# + (token.map { #","acme.cert-manager.io/http-token":"\#(SolverRules.adler32($0))""# } ?? "") + "}"
        }
        let ownerText = owner.map { #","ownerReferences":[{"apiVersion":"acme.cert-manager.io/v1","kind":"Challenge","name":"\#($0)","uid":"\#(ownerUID ?? "uid-\($0)")","controller":true}]"# } ?? ""
        return json(#"{"metadata":{"name":"\#(name)","namespace":"pay","uid":"r-\#(name)","resourceVersion":"5"\#(labelsText)\#(ownerText)}}"#)
    }

    static func challenge(_ name: String, state: String, token: String = "tok") -> Value {
        json(#"{"metadata":{"name":"\#(name)","namespace":"pay","uid":"uid-\#(name)"},"spec":{"token":"\#(token)","dnsName":"pay.example.com"},"status":{"state":"\#(state)"}}"#)
    }

    @Test func classifiesByOwnerThenByLabels() {
        let challenges = [Self.challenge("live", state: "pending", token: "t-live"), Self.challenge("failed", state: "invalid", token: "t-failed")]
        func verdict(_ v: Value) -> SolverVerdict { SolverRules.classify(SolverRules.route(v, resource: .httpRoutes), challenges: challenges) }
        #expect(verdict(Self.route("cm-acme-http-solver-a", owner: "live")) == .active(challenge: "Challenge pay/live"))
        if case .stale = verdict(Self.route("cm-acme-http-solver-b", owner: "failed")) {} else { Issue.record("final challenge not stale") }
        if case .stale = verdict(Self.route("cm-acme-http-solver-c", owner: "gone")) {} else { Issue.record("missing challenge not stale") }
        if case .stale = verdict(Self.route("cm-acme-http-solver-d", owner: "live", ownerUID: "old-uid")) {} else { Issue.record("recreated challenge not stale") }
        #expect(verdict(Self.route("cm-acme-http-solver-e", token: "t-live")) == .active(challenge: "Challenge pay/live"))
        if case .stale = verdict(Self.route("cm-acme-http-solver-f", token: "t-unknown")) {} else { Issue.record("orphan label route not stale") }
        if case .unknown = verdict(Self.route("cm-acme-http-solver-g", labels: false)) {} else { Issue.record("unlabelled route not unknown") }
        #expect(SolverRules.isSolverRoute(Self.route("cm-acme-http-solver-x", labels: false)))
        #expect(!SolverRules.isSolverRoute(json(#"{"metadata":{"name":"pay-web"}}"#)))
        #expect(SolverRules.isActive(Self.challenge("x", state: "")))
        #expect(!SolverRules.isActive(Self.challenge("x", state: "valid")))
    }
}

@Suite struct PlaceholderRulesTests {
    static let gateway = json("""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"Gateway","metadata":{"name":"traefik-gateway","namespace":"traefik"},
         "spec":{"gatewayClassName":"traefik","listeners":[
           {"name":"http","port":80,"protocol":"HTTP"},
           {"name":"https-pay","port":443,"protocol":"HTTPS","hostname":"pay.example.com",
            "tls":{"mode":"Terminate","certificateRefs":[{"name":"pay-tls","namespace":"pay-prod"}]}},
           {"name":"https-pay-www","port":443,"protocol":"HTTPS","hostname":"www.pay.example.com",
            "tls":{"certificateRefs":[{"kind":"Secret","group":"","name":"pay-tls","namespace":"pay-prod"}]}},
           {"name":"https-shop","port":443,"protocol":"HTTPS","hostname":"shop.example.com","tls":{"certificateRefs":[{"name":"shop-tls"}]}},
           {"name":"passthrough","port":8443,"protocol":"TLS","tls":{"mode":"Passthrough"}},
           {"name":"other-kind","port":443,"protocol":"HTTPS","tls":{"certificateRefs":[{"kind":"ConfigMap","name":"x"}]}}
         ]}}
        """)

    @Test func listenerSecretRefs() {
        let refs = PlaceholderRules.secretRefs(ofGateway: Self.gateway)
        #expect(refs.map(\.description) == [
            "listener traefik/traefik-gateway/https-pay -> Secret pay-prod/pay-tls",
            "listener traefik/traefik-gateway/https-pay-www -> Secret pay-prod/pay-tls",
            "listener traefik/traefik-gateway/https-shop -> Secret traefik/shop-tls",
        ])
        #expect(refs[0].crossNamespace && !refs[2].crossNamespace)
        #expect(PlaceholderRules.hostnames(Array(refs.prefix(2))) == ["pay.example.com", "www.pay.example.com"])
    }

    @Test func placeholderSecretShapeAndDetection() throws {
        let key = try PrivateKey.generateP256()
        let t = Int64(Date().timeIntervalSince1970)
        let cert = try SelfSigned.certificate(CertificateRequest(commonName: "pay.example.com", dnsNames: ["pay.example.com"],
                                                                 notBefore: t - 60, notAfter: t + 86_400), key: key)
        let refs = PlaceholderRules.secretRefs(ofGateway: Self.gateway)
        let secret = PlaceholderRules.secret(namespace: "pay-prod", name: "pay-tls", for: Array(refs.prefix(2)), certificatePEM: cert.pem,
                                             keyPEM: key.pem, fingerprint: cert.sha256Fingerprint, now: Date(timeIntervalSince1970: 0))
        #expect(secret["type"]?.string == "kubernetes.io/tls")
        #expect(secret[path: "metadata", "labels", "syncgate.dev/placeholder"]?.string == "true")
        #expect(secret[path: "metadata", "annotations", "syncgate.dev/placeholder-for"]?.string == "traefik/traefik-gateway/https-pay,traefik/traefik-gateway/https-pay-www")
        #expect(PlaceholderRules.stillPlaceholder(secret))
        // cert-manager wrote the real certificate over it (label kept): no longer a placeholder
        let other = try SelfSigned.certificate(CertificateRequest(commonName: "pay.example.com", dnsNames: ["pay.example.com"],
                                                                  notBefore: t - 60, notAfter: t + 86_400), key: key)
        var o = secret.object!
        var data = o["data"]!.object!
        data["tls.crt"] = .string(Data(other.pem.utf8).base64EncodedString())
        o["data"] = .object(data)
        #expect(!PlaceholderRules.stillPlaceholder(.object(o)))
    }
}
