import Foundation

/// One DNS record for a test zone served by dnsmasq.
public enum DNSRecord: Sendable, Hashable {
    /// A and AAAA records (dnsmasq `host-record=`); CNAMEs may point at these names.
    case address(name: String, ipv4: [String] = [], ipv6: [String] = [])
    /// `alias` -> `target` (dnsmasq `cname=`); the target must be an `.address` or another `.cname` of the zone,
    /// or dnsmasq answers with the CNAME alone.
    case cname(alias: String, target: String)
    case txt(name: String, text: String)
    /// CAA (RFC 8659): `flags` 0 or 128 (critical), tag `issue` / `issuewild` / `iodef`, value `letsencrypt.org`.
    case caa(name: String, flags: UInt8 = 0, tag: String, value: String)

    public static func a(_ name: String, _ ip: String) -> DNSRecord { .address(name: name, ipv4: [ip]) }
    public static func aaaa(_ name: String, _ ip: String) -> DNSRecord { .address(name: name, ipv6: [ip]) }

    var dnsmasqLines: [String] {
        switch self {
        case let .address(name, ipv4, ipv6):
            return (ipv4 + ipv6).map { "host-record=\(name),\($0)" }
        case let .cname(alias, target):
            return ["cname=\(alias),\(target)"]
        case let .txt(name, text):
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["txt-record=\(name),\"\(escaped)\""]
        case let .caa(name, flags, tag, value):
            let bytes = [flags, UInt8(tag.utf8.count)] + Array(tag.utf8) + Array(value.utf8)
            return ["dns-rr=\(name),257,\(bytes.map { String(format: "%02x", $0) }.joined())"]
        }
    }
}

/// A zone for dnsmasq: names under `domains` that have no record answer NXDOMAIN (dnsmasq `local=/d/`); names
/// outside every domain answer REFUSED; names under `brokenDomains` are forwarded to an upstream that answers SERVFAIL.
public struct DNSZone: Sendable {
    public var domains: [String]
    public var records: [DNSRecord]
    public var brokenDomains: [String]

    public init(domains: [String], records: [DNSRecord] = [], brokenDomains: [String] = []) {
        self.domains = domains
        self.records = records
        self.brokenDomains = brokenDomains
    }

    func configuration(port: Int, deadUpstreamPort: Int) -> String {
        var lines = [
            "port=\(port)", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts", "no-poll",
            "cache-size=0", "log-facility=-", "user=root", "group=root",
        ]
        lines += domains.map { "local=/\($0)/" }
        lines += brokenDomains.map { "server=/\($0)/127.0.0.1#\(deadUpstreamPort)" }
        lines += records.flatMap(\.dnsmasqLines)
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A dnsmasq serving a `DNSZone` on 127.0.0.1:`port` (UDP and TCP). Call `stop()` when done (or use `withDnsmasq`).
public final class DnsmasqServer: Sendable {
    public let port: Int
    public let zone: DNSZone
    /// `127.0.0.1:PORT`, the form `--resolver` takes.
    public var address: String { "127.0.0.1:\(port)" }
    public let process: ManagedProcess
    private let directory: TemporaryDirectory
    private let upstream: FixedRcodeDNSServer?

    private init(port: Int, zone: DNSZone, process: ManagedProcess, directory: TemporaryDirectory, upstream: FixedRcodeDNSServer?) {
        self.port = port
        self.zone = zone
        self.process = process
        self.directory = directory
        self.upstream = upstream
    }

    public static func start(zone: DNSZone) async throws -> DnsmasqServer {
        let binary = try ServerBinary.dnsmasq.path()
        var lastError: Error = TestServerError("dnsmasq did not start")
        for _ in 0..<3 {
            let directory = try TemporaryDirectory(prefix: "dnsmasq")
            let port = try Loopback.freePort()
            let upstream = zone.brokenDomains.isEmpty ? nil : try FixedRcodeDNSServer(rcode: 2)
            let config = try directory.write("dnsmasq.conf", zone.configuration(port: port, deadUpstreamPort: upstream?.port ?? 9))
            let process = try ManagedProcess(
                executable: binary,
                arguments: ["--keep-in-foreground", "--conf-file=\(config)", "--pid-file="],
                logPath: directory.file("dnsmasq.log"))
            do {
                try await Loopback.waitForTCP(port: port, timeout: 10, process: process, what: "dnsmasq")
                return DnsmasqServer(port: port, zone: zone, process: process, directory: directory, upstream: upstream)
            } catch {
                process.stop()
                upstream?.stop()
                directory.remove()
                lastError = error
            }
        }
        throw lastError
    }

    public func stop() {
        process.stop()
        upstream?.stop()
        directory.remove()
    }
}

/// Starts dnsmasq for `zone`, runs `body`, and stops it whether `body` returns or throws.
public func withDnsmasq<R>(zone: DNSZone, isolation: isolated (any Actor)? = #isolation,
                           _ body: (DnsmasqServer) async throws -> R) async throws -> R {
    let server = try await DnsmasqServer.start(zone: zone)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
