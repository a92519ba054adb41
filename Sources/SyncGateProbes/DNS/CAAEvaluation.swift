/// RFC 8659 CAA checking: find the relevant record set by climbing from the host to its parents, then decide
/// whether the CA (by its issuer domain name, `letsencrypt.org` for Let's Encrypt) may issue.
public struct CAAEvaluation: Sendable {
    public enum Decision: Sendable, Equatable {
        /// No CAA anywhere up the tree, or the relevant set lets this CA issue.
        case allowed
        /// The relevant set forbids this CA (with the records that say so).
        case forbidden
        /// A lookup failed (SERVFAIL, timeout…): CAs refuse to issue then too.
        case lookupFailed(DNSOutcome)
    }

    public let host: String
    public let caIdentifier: String
    public let wildcard: Bool
    public let decision: Decision
    /// The name whose CAA set applied (nil when none was found).
    public let relevantName: String?
    /// The applying records as `flags tag "value"`.
    public let records: [String]
    public let resolver: String
}

public struct CAAChecker: Sendable {
    public let resolver: any DNSResolving
    public init(resolver: any DNSResolving) { self.resolver = resolver }

    /// `host` may be `*.example.com` (then `issuewild` applies when present).
    public func evaluate(host rawHost: String, caIdentifier: String) async -> CAAEvaluation {
        let wildcard = rawHost.hasPrefix("*.")
        let host = DNSMessage.normalise(wildcard ? String(rawHost.dropFirst(2)) : rawHost)
        let ca = caIdentifier.lowercased()
        var labels = host.split(separator: ".").map(String.init)
        var lastResolver = "-"
        while !labels.isEmpty {
            let name = labels.joined(separator: ".")
            let response = await resolver.query(name, type: .caa)
            lastResolver = response.resolver
            switch response.outcome {
            case .answer:
                let set = response.records.compactMap { record -> (UInt8, String, String)? in
                    if case let .caa(flags, tag, value) = record.value { return (flags, tag, value) }
                    return nil
                }
                if !set.isEmpty {
                    let allowed = CAAChecker.permits(set, ca: ca, wildcard: wildcard)
                    return CAAEvaluation(host: rawHost, caIdentifier: ca, wildcard: wildcard, decision: allowed ? .allowed : .forbidden,
                                         relevantName: name, records: set.map { "\($0.0) \($0.1) \"\($0.2)\"" }, resolver: response.resolver)
                }
            case .nodata, .nxdomain:
                break
            default:
                return CAAEvaluation(host: rawHost, caIdentifier: ca, wildcard: wildcard, decision: .lookupFailed(response.outcome),
                                     relevantName: name, records: [], resolver: response.resolver)
            }
            labels.removeFirst()
        }
        return CAAEvaluation(host: rawHost, caIdentifier: ca, wildcard: wildcard, decision: .allowed, relevantName: nil,
                             records: [], resolver: lastResolver)
    }

    /// RFC 8659 §4: unknown critical properties forbid; `issuewild` governs wildcards when present, else `issue`;
    /// with no issue-type property at all, anyone may issue; a property allows the CA when the domain part of its
    /// value (before `;`) equals the CA's identifier.
    static func permits(_ set: [(UInt8, String, String)], ca: String, wildcard: Bool) -> Bool {
        let known: Set<String> = ["issue", "issuewild", "iodef", "contactemail", "contactphone", "issuemail", "issuevmc"]
        if set.contains(where: { $0.0 & 0x80 != 0 && !known.contains($0.1) }) { return false }
        let wild = set.filter { $0.1 == "issuewild" }
        let relevant = wildcard && !wild.isEmpty ? wild : set.filter { $0.1 == "issue" }
        if relevant.isEmpty { return true }
        return relevant.contains { property in
            let domain = property.2.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return !domain.isEmpty && domain == ca
        }
    }
}

import Foundation
