/// A and AAAA of a host, following CNAME chains (at most 8 links), with the outcome of each family.
public struct AddressResolution: Sendable {
    public let host: String
    /// host, then every CNAME target in order.
    public let chain: [String]
    public let ipv4: [String]
    public let ipv6: [String]
    public let outcomeV4: DNSOutcome
    public let outcomeV6: DNSOutcome
    public let resolver: String

    public var addresses: [String] { ipv4 + ipv6 }

    /// The outcome that describes the name: an answer in either family wins; otherwise the worse of the two.
    public var outcome: DNSOutcome {
        if outcomeV4 == .answer || outcomeV6 == .answer { return .answer }
        if outcomeV4 == .nodata && outcomeV6 == .nodata { return .nodata }
        if outcomeV4 == .nodata { return outcomeV6 == .nxdomain ? .nodata : outcomeV6 }
        return outcomeV4
    }
}

/// Resolving names to addresses over any `DNSResolving`.
public struct AddressResolver: Sendable {
    public let resolver: any DNSResolving
    public init(resolver: any DNSResolving) { self.resolver = resolver }

    public func resolve(_ host: String) async -> AddressResolution {
        async let v4 = follow(host, type: .a)
        async let v6 = follow(host, type: .aaaa)
        let (a, aaaa) = await (v4, v6)
        let chain = a.chain.count >= aaaa.chain.count ? a.chain : aaaa.chain
        return AddressResolution(host: DNSMessage.normalise(host), chain: chain, ipv4: a.addresses, ipv6: aaaa.addresses,
                                 outcomeV4: a.outcome, outcomeV6: aaaa.outcome, resolver: a.resolver)
    }

    /// Follows CNAMEs inside each answer, and asks again for a target the answer did not resolve.
    func follow(_ host: String, type: DNSRecordType) async -> (chain: [String], addresses: [String], outcome: DNSOutcome, resolver: String) {
        var name = DNSMessage.normalise(host)
        var chain = [name]
        var lastResolver = "-"
        for _ in 0..<8 {
            let response = await resolver.query(name, type: type)
            lastResolver = response.resolver
            // Walk the chain within this answer.
            var progressed = true
            while progressed {
                progressed = false
                for record in response.records where record.name == name {
                    if case .cname(let target) = record.value, !chain.contains(target) {
                        chain.append(target)
                        name = target
                        progressed = true
                    }
                }
            }
            let addresses = response.records.compactMap { record -> String? in
                guard record.name == name else { return nil }
                switch (record.value, type) {
                case (.a(let ip), .a), (.aaaa(let ip), .aaaa): return ip
                default: return nil
                }
            }
            if !addresses.isEmpty { return (chain, addresses, .answer, lastResolver) }
            switch response.outcome {
            case .answer, .nodata:
                // Only CNAMEs came back: ask for the target itself (unless the chain ended on this name).
                if response.records.contains(where: { if case .cname = $0.value { return true }; return false }),
                   response.question != name {
                    continue
                }
                return (chain, [], .nodata, lastResolver)
            default:
                return (chain, [], response.outcome, lastResolver)
            }
        }
        return (chain, [], .error("CNAME chain longer than 8 links"), lastResolver)
    }
}
