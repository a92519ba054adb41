/// Where a host must point: ingress addresses, and/or load-balancer hostnames whose own A/AAAA records count.
public struct IngressExpectation: Sendable {
    public var addresses: [String]
    public var hostnames: [String]
    public init(addresses: [String] = [], hostnames: [String] = []) {
        self.addresses = addresses
        self.hostnames = hostnames
    }
    public var isEmpty: Bool { addresses.isEmpty && hostnames.isEmpty }
}

/// DNS evidence as probe results (issue 3 part 2).
public struct DNSProbe: Sendable {
    public let resolver: any DNSResolving
    public init(resolver: any DNSResolving) { self.resolver = resolver }

    /// A/AAAA (following CNAMEs) of `host` against the expected ingress: pass when it resolves and every address
    /// is an ingress address (or an address of an ingress hostname, or the chain passes through that hostname).
    public func checkHost(_ host: String, expected: IngressExpectation) async -> ProbeResult {
        let clock = Stopwatch()
        let addressResolver = AddressResolver(resolver: resolver)
        let resolution = await addressResolver.resolve(host)
        var evidence: [(key: String, value: String)] = [
            ("resolver", resolution.resolver),
            ("chain", resolution.chain.joined(separator: " -> ")),
            ("A", resolution.ipv4.isEmpty ? resolution.outcomeV4.description : resolution.ipv4.joined(separator: ",")),
            ("AAAA", resolution.ipv6.isEmpty ? resolution.outcomeV6.description : resolution.ipv6.joined(separator: ",")),
        ]
        let finish = { (verdict: Verdict, summary: String, evidence: [(key: String, value: String)]) in
            ProbeResult(verdict, summary, evidence: evidence, durationMilliseconds: clock.milliseconds)
        }
        switch resolution.outcome {
        case .answer: break
        case .nxdomain: return finish(.fail, "\(host) does not exist (NXDOMAIN from \(resolution.resolver))", evidence)
        case .nodata: return finish(.fail, "\(host) has no A or AAAA records (NODATA from \(resolution.resolver))", evidence)
        case .servfail: return finish(.unknown, "SERVFAIL for \(host) from \(resolution.resolver)", evidence)
        case .refused: return finish(.unknown, "\(resolution.resolver) REFUSED the query for \(host)", evidence)
        case .timeout: return finish(.unknown, "no DNS answer for \(host) within the timeout (\(resolution.resolver))", evidence)
        case .connectionRefused: return finish(.unknown, "resolver \(resolution.resolver) is down (connection refused)", evidence)
        case .error(let text): return finish(.unknown, "DNS error for \(host): \(text)", evidence)
        }
        if expected.isEmpty {
            return finish(.pass, "\(host) resolves to \(resolution.addresses.joined(separator: ", ")) (no ingress address configured to compare with)", evidence)
        }
        var allowed = Set(expected.addresses.compactMap { IPAddressCanonical.text($0) })
        let lbNames = Set(expected.hostnames.map { DNSMessage.normalise($0) })
        for name in lbNames {
            let lb = await addressResolver.resolve(name)
            allowed.formUnion(lb.addresses.compactMap { IPAddressCanonical.text($0) })
        }
        evidence.append(("expected", (expected.addresses + expected.hostnames).joined(separator: ",")))
        let viaLB = resolution.chain.contains { lbNames.contains($0) }
        let stray = resolution.addresses.filter { !allowed.contains(IPAddressCanonical.text($0) ?? $0) }
        if viaLB || stray.isEmpty {
            return finish(.pass, "\(host) resolves to the ingress (\(resolution.addresses.joined(separator: ", "))\(viaLB ? " via \(resolution.chain.dropFirst().joined(separator: " -> "))" : ""))", evidence)
        }
        return finish(.fail, "\(host) resolves to \(stray.joined(separator: ", ")), not the ingress \((expected.addresses + expected.hostnames).joined(separator: ", "))", evidence)
    }

    /// CAA per RFC 8659 for the CA identified by `caIdentifier` (`letsencrypt.org`).
    public func checkCAA(_ host: String, caIdentifier: String) async -> ProbeResult {
        let clock = Stopwatch()
        let evaluation = await CAAChecker(resolver: resolver).evaluate(host: host, caIdentifier: caIdentifier)
        var evidence: [(key: String, value: String)] = [("ca", evaluation.caIdentifier), ("resolver", evaluation.resolver)]
        if let name = evaluation.relevantName { evidence.append(("relevantName", name)) }
        if !evaluation.records.isEmpty { evidence.append(("caa", evaluation.records.joined(separator: "; "))) }
        let result: ProbeResult
        switch evaluation.decision {
        case .allowed:
            result = ProbeResult(.pass, evaluation.relevantName == nil ? "no CAA records up the tree: any CA may issue" : "CAA at \(evaluation.relevantName!) allows \(evaluation.caIdentifier)", evidence: evidence)
        case .forbidden:
            result = ProbeResult(.fail, "CAA at \(evaluation.relevantName ?? host) forbids \(evaluation.caIdentifier) (\(evaluation.records.joined(separator: "; ")))", evidence: evidence)
        case .lookupFailed(let outcome):
            result = ProbeResult(.unknown, "CAA lookup at \(evaluation.relevantName ?? host) failed: \(outcome) (CAs refuse to issue then)", evidence: evidence)
        }
        var timed = result
        timed.durationMilliseconds = clock.milliseconds
        return timed
    }

    /// TXT records of a name (`_acme-challenge.<host>` for DNS-01).
    public func checkTXT(_ name: String, expecting value: String? = nil) async -> ProbeResult {
        let clock = Stopwatch()
        let response = await resolver.query(name, type: .txt)
        let texts = response.records.compactMap { record -> String? in if case .txt(let t) = record.value { return t }; return nil }
        let evidence: [(key: String, value: String)] = [("resolver", response.resolver), ("outcome", response.outcome.description), ("txt", texts.joined(separator: " | "))]
        let verdict: Verdict
        let summary: String
        switch response.outcome {
        case .answer:
            if let value, !texts.contains(value) { verdict = .fail; summary = "TXT \(name) lacks \(value)" }
            else { verdict = .pass; summary = "TXT \(name): \(texts.joined(separator: " | "))" }
        case .nxdomain, .nodata: verdict = .fail; summary = "no TXT at \(name) (\(response.outcome))"
        default: verdict = .unknown; summary = "TXT lookup for \(name) failed: \(response.outcome)"
        }
        return ProbeResult(verdict, summary, evidence: evidence, durationMilliseconds: clock.milliseconds)
    }
}

import SyncGateX509

enum IPAddressCanonical {
    static func text(_ address: String) -> String? { IPAddressText.canonical(address) }
}
