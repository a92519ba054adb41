import Foundation

/// ACME issuers (issue 3 part 6): fetch the directory and report reachability and ARI (`renewalInfo`).
public protocol ACMEDirectoryChecking: Sendable {
    func checkDirectory(url: String) async -> ProbeResult
}

public struct ACMEDirectoryProbe: ACMEDirectoryChecking {
    public let client: any HTTPFetching
    public let timeoutMilliseconds: Int
    public let caPEM: String?
    public let retry: RetryPolicy

    /// `caPEM`: extra roots for the directory's HTTPS (a staging or test CA); nil = system store.
    public init(client: any HTTPFetching = CurlHTTPClient(), timeoutMilliseconds: Int = 5_000, caPEM: String? = nil,
                retry: RetryPolicy = RetryPolicy()) {
        self.client = client
        self.timeoutMilliseconds = timeoutMilliseconds
        self.caPEM = caPEM
        self.retry = retry
    }

    public func checkDirectory(url: String) async -> ProbeResult {
        let clock = Stopwatch()
        let request = HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")],
                                  timeoutMilliseconds: timeoutMilliseconds, caPEM: caPEM, followRedirects: true)
        let (result, attempts) = await retry.run(isTransient: { result in
            switch result {
            case .failure(let failure): return failure.isTransient
            case .success(let response): return response.status == 429 || response.status >= 500
            }
        }) { await client.perform(request) }
        var evidence: [(key: String, value: String)] = [("url", url)]
        let finish = { (verdict: Verdict, summary: String) in
            ProbeResult(verdict, summary, evidence: evidence, durationMilliseconds: clock.milliseconds, attempts: attempts)
        }
        switch result {
        case .failure(let failure):
            evidence.append(("error", failure.description))
            return finish(.fail, "ACME directory unreachable: \(failure)")
        case .success(let response):
            evidence.append(("status", "\(response.status)"))
            guard response.status == 200 else { return finish(.fail, "ACME directory answered \(response.status)") }
            guard let document = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
                return finish(.fail, "ACME directory is not a JSON object")
            }
            let required = ["newNonce", "newAccount", "newOrder"]
            let missing = required.filter { document[$0] as? String == nil }
            let ari = document["renewalInfo"] as? String
            evidence.append(("renewalInfo", ari ?? "absent"))
            if let terms = (document["meta"] as? [String: Any])?["termsOfService"] as? String { evidence.append(("termsOfService", terms)) }
            guard missing.isEmpty else { return finish(.fail, "ACME directory lacks \(missing.joined(separator: ", "))") }
            return finish(.pass, ari == nil ? "ACME directory reachable; no renewalInfo (ARI not offered)" : "ACME directory reachable; offers renewalInfo (ARI)")
        }
    }
}
