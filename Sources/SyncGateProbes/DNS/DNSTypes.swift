/// Record types SyncGate asks for.
public enum DNSRecordType: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case a = 1, cname = 5, txt = 16, aaaa = 28, caa = 257
    public var description: String {
        switch self {
        case .a: return "A"
        case .cname: return "CNAME"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        case .caa: return "CAA"
        }
    }
}

/// One resource record of an answer section.
public struct DNSRecordData: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case a(String)
        case aaaa(String)
        case cname(String)
        case txt(String)
        /// CAA (RFC 8659): flags (128 = critical), tag (`issue`, `issuewild`, `iodef`…), value.
        case caa(flags: UInt8, tag: String, value: String)
        case other(type: UInt16)
    }
    /// Owner name, lower case, no trailing dot.
    public let name: String
    public let ttl: UInt32
    public let value: Value
}

/// What a query came back with. NXDOMAIN, NODATA, SERVFAIL, REFUSED and timeout are distinct, and a resolver
/// port that is closed (ICMP port unreachable / TCP RST) is `connectionRefused`, distinct from all of them.
public enum DNSOutcome: Sendable, Equatable, CustomStringConvertible {
    /// NOERROR with at least one record of the asked type (possibly after CNAMEs).
    case answer
    /// The name does not exist (RCODE 3).
    case nxdomain
    /// The name exists but has no record of this type (NOERROR, empty answer, or only CNAMEs).
    case nodata
    /// RCODE 2: the resolver could not get an answer (broken delegation, DNSSEC failure, dead upstream).
    case servfail
    /// RCODE 5: the resolver will not answer this question (not authoritative, not recursive for us).
    case refused
    /// No answer within the timeout, from any resolver.
    case timeout
    /// The resolver's port is closed.
    case connectionRefused
    /// Anything else (FORMERR, a malformed reply, a socket error).
    case error(String)

    public var description: String {
        switch self {
        case .answer: return "answer"
        case .nxdomain: return "NXDOMAIN"
        case .nodata: return "NODATA"
        case .servfail: return "SERVFAIL"
        case .refused: return "REFUSED"
        case .timeout: return "timeout"
        case .connectionRefused: return "connection refused"
        case .error(let text): return "error: \(text)"
        }
    }

    /// Worth retrying: a timeout, SERVFAIL, or a socket error (not NXDOMAIN/NODATA/REFUSED).
    public var isTransient: Bool {
        switch self {
        case .timeout, .servfail, .error: return true
        default: return false
        }
    }
}

/// The reply to one question.
public struct DNSResponse: Sendable {
    public let question: String
    public let type: DNSRecordType
    public let outcome: DNSOutcome
    /// The answer section (CNAMEs included).
    public let records: [DNSRecordData]
    /// `host:port` of the resolver that answered (or the last one tried).
    public let resolver: String

    public init(question: String, type: DNSRecordType, outcome: DNSOutcome, records: [DNSRecordData], resolver: String) {
        self.question = question
        self.type = type
        self.outcome = outcome
        self.records = records
        self.resolver = resolver
    }
}

/// A resolver to ask: `127.0.0.1:5353`, `10.0.0.2` (port 53), `[::1]:53`.
public struct ResolverAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    /// Parses `host[:port]` or `[v6]:port`; nil when malformed.
    public init?(_ text: String) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { port = 53 } else if rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (1...65535).contains(p) { port = p } else { return nil }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = Int(text[text.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            port = p
        } else {
            host = text
            port = 53
        }
        if host.isEmpty { return nil }
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The nameservers of /etc/resolv.conf (the system's resolvers), port 53.
    public static func system(resolvConf: String = "/etc/resolv.conf") -> [ResolverAddress] {
        guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { return nil }
            return ResolverAddress(host: String(words[1]))
        }
    }
}

/// Anything that answers DNS questions (the real one: `LibresolvResolver`).
public protocol DNSResolving: Sendable {
    func query(_ name: String, type: DNSRecordType) async -> DNSResponse
}

import Foundation
