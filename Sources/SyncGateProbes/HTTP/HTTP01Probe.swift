import Foundation

/// HTTP-01 reachability (issue 3 part 4): `GET http://<host>/.well-known/acme-challenge/<random>` sent to an
/// ingress address with the right Host (curl's resolve override, no DNS change).
public protocol HTTPProbing: Sendable {
    func probeChallengePath(host: String, ingressAddress: String?, port: Int) async -> ProbeResult
}

public struct HTTP01Probe: HTTPProbing {
    public let client: any HTTPFetching
    public let timeoutMilliseconds: Int
    public let retry: RetryPolicy

    public init(client: any HTTPFetching = CurlHTTPClient(), timeoutMilliseconds: Int = 5_000, retry: RetryPolicy = RetryPolicy()) {
        self.client = client
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retry = retry
    }

    /// `ingressAddress` nil = whatever the host resolves to. `port` is 80 in production (tests use others).
    public func probeChallengePath(host: String, ingressAddress: String?, port: Int = 80) async -> ProbeResult {
        let clock = Stopwatch()
        let token = (0..<4).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 36) }.joined()
        let path = "/.well-known/acme-challenge/\(token)"
        let authority = port == 80 ? host : "\(host):\(port)"
        let url = "http://\(authority)\(path)"
        var request = HTTPRequest(method: "GET", url: url, timeoutMilliseconds: timeoutMilliseconds, maxBodyBytes: 4_096)
        if let ingressAddress {
            let literal = ingressAddress.contains(":") ? "[\(ingressAddress)]" : ingressAddress
            request.resolve = ["\(host):\(port):\(literal)"]
        }
        let (result, attempts) = await retry.run(isTransient: { result in
            switch result {
            case .failure(let failure): return failure.isTransient
            case .success(let response): return response.status == 429 || response.status == 502 || response.status == 503 || response.status == 504
            }
        }) { await client.perform(request) }
        var evidence: [(key: String, value: String)] = [("url", url), ("ingressAddress", ingressAddress ?? "(DNS)")]
        let verdict: Verdict
        let summary: String
        switch result {
        case .failure(let failure):
            evidence.append(("error", failure.description))
            switch failure {
            case .connectionRefused:
                verdict = .fail; summary = "connection refused on port \(port) of \(ingressAddress ?? host)"
            case .timeout:
                verdict = .fail; summary = "no answer within \(timeoutMilliseconds) ms on port \(port) of \(ingressAddress ?? host)"
            case .resolveFailed:
                verdict = .fail; summary = "\(host) does not resolve and no ingress address was given"
            default:
                verdict = .unknown; summary = failure.description
            }
        case .success(let response):
            evidence.append(("status", "\(response.status)"))
            if !response.primaryIP.isEmpty { evidence.append(("connectedTo", response.primaryIP)) }
            switch response.status {
            case 301, 302, 303, 307, 308:
                let location = response.header("Location") ?? ""
                evidence.append(("location", location))
                let (staysOnStandardPorts, where_) = HTTP01Probe.redirectTarget(location, base: url)
                evidence.append(("redirectStaysOn80or443", staysOnStandardPorts ? "true" : "false"))
                if staysOnStandardPorts {
                    verdict = .pass; summary = "redirect \(response.status) to \(where_) (ACME CAs follow redirects to ports 80/443)"
                } else {
                    verdict = .fail; summary = "redirect \(response.status) to \(where_), off ports 80/443: ACME validation will not follow it"
                }
            case 401, 403:
                let challenge = response.header("WWW-Authenticate")
                if let challenge { evidence.append(("wwwAuthenticate", challenge)) }
                verdict = .fail
                summary = "\(response.status) on the challenge path: authentication in front of /.well-known/acme-challenge/ blocks HTTP-01 (exempt the path)"
            case 404:
                verdict = .pass; summary = "404: the challenge path is routed (fine before the solver exists)"
            case 200..<300:
                verdict = .pass; summary = "\(response.status) on the challenge path"
            case 500..<600:
                verdict = .fail; summary = "\(response.status) on the challenge path: the ingress answers but cannot serve it"
            default:
                verdict = .fail; summary = "unexpected \(response.status) on the challenge path"
            }
        }
        return ProbeResult(verdict, summary, evidence: evidence, durationMilliseconds: clock.milliseconds, attempts: attempts)
    }

    /// Whether a Location stays on ports 80/443 (relative locations stay where they are), and where it goes.
    static func redirectTarget(_ location: String, base: String) -> (Bool, String) {
        guard let url = URL(string: location, relativeTo: URL(string: base))?.absoluteURL, let scheme = url.scheme?.lowercased() else {
            return (false, location)
        }
        let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        let text = "\(scheme)://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        if location.hasPrefix("/") {
            // A relative redirect keeps the original port (80 in production).
            return (true, text)
        }
        return ((scheme == "http" || scheme == "https") && (port == 80 || port == 443), text)
    }
}
