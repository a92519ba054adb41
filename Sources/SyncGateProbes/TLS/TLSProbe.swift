import Foundation
import SyncGateX509

/// The Secret a listener serves, when it is available (a file today, the cluster later).
public struct SecretMaterial: Sendable {
    public let certificatePEM: String
    public let keyPEM: String?
    /// Where it came from, for the report (`tls.crt`, `secret:pay-prod/pay-tls`).
    public let origin: String
    public init(certificatePEM: String, keyPEM: String? = nil, origin: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.origin = origin
    }
}

/// Served TLS (issue 3 part 5): SANs cover the host, the chain verifies, enough days left, and the served leaf is
/// the Secret's certificate (seed 004's file-versus-endpoint divergence) whose key matches.
public struct TLSProbe: Sendable {
    public let inspector: any TLSInspecting
    public let trust: TrustStore
    public let minimumDaysLeft: Int
    public let retry: RetryPolicy

    public init(inspector: any TLSInspecting, trust: TrustStore, minimumDaysLeft: Int = 0, retry: RetryPolicy = RetryPolicy()) {
        self.inspector = inspector
        self.trust = trust
        self.minimumDaysLeft = minimumDaysLeft
        self.retry = retry
    }

    public func check(host: String, address: String, port: Int = 443, secret: SecretMaterial? = nil,
                      now: Int64 = WallClock.nowEpochSeconds()) async -> ProbeResult {
        let clock = Stopwatch()
        let (result, attempts) = await retry.run(isTransient: { result in
            if case .failure(let failure) = result { return failure.isTransient }
            return false
        }) { await inspector.inspect(serverName: host, address: address, port: port) }
        var evidence: [(key: String, value: String)] = [("endpoint", "\(address):\(port)"), ("sni", host)]
        let finish = { (verdict: Verdict, summary: String, evidence: [(key: String, value: String)]) in
            ProbeResult(verdict, summary, evidence: evidence, durationMilliseconds: clock.milliseconds, attempts: attempts)
        }
        let served: ServedTLS
        switch result {
        case .failure(let failure):
            evidence.append(("error", failure.description))
            if case .timeout = failure { return finish(.unknown, failure.description, evidence) }
            return finish(.fail, failure.description, evidence)
        case .success(let value):
            served = value
        }
        guard let leaf = served.leaf else { return finish(.fail, "the server sent no certificate", evidence) }
        let verification = trust.verify(leaf: leaf, intermediates: Array(served.chain.dropFirst()), at: now)
        let covers = leaf.covers(host: host)
        let days = leaf.daysLeft(at: now)
        evidence += [
            ("protocol", served.protocolVersion),
            ("subject", leaf.subject), ("issuer", leaf.issuer),
            ("sans", (leaf.dnsNames + leaf.ipAddresses).joined(separator: ",")),
            ("notBefore", TLSProbe.iso8601(leaf.notBefore)), ("notAfter", TLSProbe.iso8601(leaf.notAfter)),
            ("daysLeft", "\(days)"), ("sha256", leaf.sha256Fingerprint),
            ("servedChain", "\(served.chain.count)"),
            ("coversHost", covers ? "true" : "false"),
            ("chain", verification.isValid ? "valid against \(trust.origin)" : "\(verification.errorText) (depth \(verification.errorDepth), against \(trust.origin))"),
        ]
        var problems: [String] = []
        if !covers { problems.append("SANs [\((leaf.dnsNames + leaf.ipAddresses).joined(separator: ", "))] do not cover \(host)") }
        if !verification.isValid {
            problems.append("chain does not verify: \(verification.errorText)\(verification.errorCode == ChainVerification.Code.unableToGetLocalIssuer && served.chain.count == 1 ? " (intermediate missing from the served chain?)" : "")")
        }
        if days < minimumDaysLeft && verification.errorCode != ChainVerification.Code.certificateExpired {
            problems.append("\(days) days left, below the minimum \(minimumDaysLeft)")
        }
        if let secret {
            evidence.append(("secret", secret.origin))
            do {
                let secretLeaf = try Certificate(pem: secret.certificatePEM)
                let same = secretLeaf == leaf
                evidence.append(("secretSha256", secretLeaf.sha256Fingerprint))
                evidence.append(("servedMatchesSecret", same ? "true" : "false"))
                if !same {
                    problems.append("served leaf \(leaf.sha256Fingerprint.prefix(16))… is not \(secret.origin)'s certificate \(secretLeaf.sha256Fingerprint.prefix(16))… (file and endpoint diverge)")
                }
                if let keyPEM = secret.keyPEM {
                    let matches = (try? PrivateKey(pem: keyPEM)).map { secretLeaf.matches(key: $0) } ?? false
                    evidence.append(("secretKeyMatches", matches ? "true" : "false"))
                    if !matches { problems.append("\(secret.origin): tls.crt does not match tls.key") }
                }
            } catch {
                problems.append("\(secret.origin): \(error)")
            }
        }
        if problems.isEmpty {
            return finish(.pass, "serves a valid certificate for \(host) (\(days) days left, sha256 \(leaf.sha256Fingerprint.prefix(16))…)", evidence)
        }
        return finish(.fail, problems.joined(separator: "; "), evidence)
    }

    static func iso8601(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
