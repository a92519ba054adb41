import Foundation
import SyncGateCore
import SyncGateX509

/// What is served, compared with what should be (the TLS checks of `syncgate check`).
public struct ServedInput: Sendable {
    public var host: String
    public var address: String
    public var port: Int
    public var served: ServedChain
    /// `tls.crt` of the Secret (PEM, leaf first); nil when the Secret is missing.
    public var secretPEM: String?
    /// PEM roots the chain must reach; nil: no chain check.
    public var trustPEM: String?
    public var trustOrigin: String
    public var minDaysValid: Int
    public var now: Date

    public init(host: String, address: String, port: Int, served: ServedChain, secretPEM: String?, trustPEM: String?,
                trustOrigin: String = "stage trust", minDaysValid: Int, now: Date) {
        self.host = host
        self.address = address
        self.port = port
        self.served = served
        self.secretPEM = secretPEM
        self.trustPEM = trustPEM
        self.trustOrigin = trustOrigin
        self.minDaysValid = minDaysValid
        self.now = now
    }
}

public enum ServedCertificateGate {
    /// `.wait` while the endpoint is unreachable or still serves the old certificate (the ingress may not have
    /// reloaded yet); the runner turns a wait that outlives the timeout into a verification failure.
    public static func evaluate(_ input: ServedInput) -> GateVerdict {
        let object = "tls:\(input.host)"
        let at = "\(input.address):\(input.port)"
        guard let leafDER = input.served.certificates.first else {
            return .wait("no TLS handshake with \(input.host) at \(at): \(input.served.error ?? "no certificate")")
        }
        guard let leaf = try? SyncGateX509.Certificate(der: leafDER) else {
            return .fail(fail(object, "the certificate served for \(input.host) at \(at) cannot be parsed", "Check the ingress TLS configuration."))
        }
        guard let secretPEM = input.secretPEM, let expected = try? SyncGateX509.Certificate.parseBundle(pem: secretPEM).first else {
            return .wait("the Secret has no certificate yet")
        }
        if leaf.der != expected.der {
            return .wait("served leaf for \(input.host) is \(describe(leaf)), not the Secret's \(describe(expected))")
        }
        if !leaf.covers(host: input.host) {
            return .fail(fail(object, "the served certificate \(describe(leaf)) does not cover \(input.host) (names: \(leaf.dnsNames.joined(separator: ", ")))",
                              "Add \(input.host) to the Certificate's dnsNames."))
        }
        let now = Int64(input.now.timeIntervalSince1970)
        let days = leaf.daysLeft(at: now)
        if days < input.minDaysValid {
            return .fail(fail(object, "the served certificate for \(input.host) is valid for \(days) more days; the stage requires \(input.minDaysValid)",
                              "Renew it (delete the failed CertificateRequest with `syncgate heal`, or check the issuer) before promoting."))
        }
        if let trustPEM = input.trustPEM {
            do {
                let store = try TrustStore(pem: trustPEM, origin: input.trustOrigin)
                let rest = input.served.certificates.dropFirst().compactMap { try? SyncGateX509.Certificate(der: $0) }
                let result = store.verify(leaf: leaf, intermediates: Array(rest), at: now)
                if !result.isValid {
                    return .fail(fail(object, "the served chain for \(input.host) does not verify against \(input.trustOrigin): \(result.errorText)",
                                      "Serve the full chain, or use the stage's issuer (a staging CA is only trusted by the canary stage's bundle)."))
                }
            } catch {
                return .fail(fail(object, "the trust bundle \(input.trustOrigin) cannot be read: \(error)", "Fix `verification.trustBundle` in syncgate.yaml."))
            }
        }
        return .pass("serves the Secret's certificate \(describe(leaf)), covers \(input.host), \(days) days left")
    }

    static func describe(_ c: SyncGateX509.Certificate) -> String {
        "serial \(c.serialNumber.prefix(16)) (sha256 \(c.sha256Fingerprint.prefix(12)))"
    }

    static func fail(_ object: String, _ evidence: String, _ remedy: String) -> GateFailure {
        GateFailure(gate: .verify, failure: .verificationFailed, object: object, evidence: evidence, remedy: remedy)
    }
}
