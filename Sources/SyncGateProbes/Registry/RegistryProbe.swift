import Foundation

/// Images (issue 3 part 3): does the manifest exist in its registry?
public protocol RegistryChecking: Sendable {
    func checkImage(_ reference: ImageReference) async -> ProbeResult
}

/// What a manifest HEAD found.
public enum ImagePresence: String, Sendable {
    case present, missing, unauthorised, unreachable
}

public struct RegistryProbe: RegistryChecking {
    public static let acceptTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]

    public let client: any HTTPFetching
    public let credentials: RegistryCredentials
    public let timeoutMilliseconds: Int
    public let retry: RetryPolicy
    /// Registries spoken to over plain HTTP besides loopback ones.
    public let plainHTTPRegistries: Set<String>

    public init(client: any HTTPFetching = CurlHTTPClient(), credentials: RegistryCredentials = RegistryCredentials(),
                timeoutMilliseconds: Int = 5_000, retry: RetryPolicy = RetryPolicy(), plainHTTPRegistries: Set<String> = []) {
        self.client = client
        self.credentials = credentials
        self.timeoutMilliseconds = timeoutMilliseconds
        self.retry = retry
        self.plainHTTPRegistries = plainHTTPRegistries
    }

    public func checkImage(_ reference: ImageReference) async -> ProbeResult {
        let clock = Stopwatch()
        let scheme = reference.isLoopback || plainHTTPRegistries.contains(reference.registry) ? "http" : "https"
        let url = "\(scheme)://\(reference.registry)/v2/\(reference.repository)/manifests/\(reference.manifestReference)"
        var evidence: [(key: String, value: String)] = [("reference", reference.description), ("url", url)]
        var attempts = 0
        let finish = { (presence: ImagePresence, summary: String, evidence: [(key: String, value: String)]) -> ProbeResult in
            let verdict: Verdict = presence == .present ? .pass : presence == .unreachable ? .unknown : .fail
            return ProbeResult(verdict, summary, evidence: evidence + [("presence", presence.rawValue)],
                               durationMilliseconds: clock.milliseconds, attempts: attempts)
        }

        var authorization: String? = nil
        var triedAuth = false
        for _ in 0..<3 {
            let (result, tries) = await head(url, authorization: authorization)
            attempts += tries
            switch result {
            case .failure(let failure):
                evidence.append(("error", failure.description))
                return finish(.unreachable, "registry \(reference.registry) unreachable: \(failure)", evidence)
            case .success(let response):
                evidence.append(("status", "\(response.status)"))
                switch response.status {
                case 200:
                    let digest = response.header("Docker-Content-Digest") ?? reference.digest ?? ""
                    evidence.append(("digest", digest))
                    if let type = response.header("Content-Type") { evidence.append(("mediaType", type)) }
                    if let pinned = reference.digest, !digest.isEmpty, digest != pinned {
                        return finish(.missing, "registry served \(digest) for the pinned \(pinned)", evidence)
                    }
                    return finish(.present, "present\(digest.isEmpty ? "" : " (\(digest))")", evidence)
                case 404:
                    let code = await errorCode(url, authorization: authorization)
                    evidence.append(("errorCode", code ?? "none"))
                    return finish(.missing, "missing: \(code ?? "404") for \(reference.repository):\(reference.manifestReference)", evidence)
                case 401, 403:
                    guard !triedAuth, response.status == 401, let challenge = response.header("WWW-Authenticate") else {
                        return finish(.unauthorised, "unauthorised (\(response.status))\(credentials.login(for: reference.registry) == nil ? "; no credentials for \(reference.registry) in ~/.docker/config.json or --registry-auth" : "")", evidence)
                    }
                    triedAuth = true
                    evidence.append(("challenge", challenge))
                    switch await authorize(challenge: challenge, reference: reference) {
                    case .success(let header):
                        authorization = header
                        continue
                    case .failure(let reason):
                        evidence.append(("tokenError", reason.text))
                        return finish(.unauthorised, "unauthorised: \(reason.text)", evidence)
                    }
                default:
                    return finish(.unreachable, "registry answered \(response.status)", evidence)
                }
            }
        }
        return finish(.unauthorised, "unauthorised after authenticating", evidence)
    }

    private func head(_ url: String, authorization: String?) async -> (Result<HTTPResponse, HTTPFailure>, Int) {
        var headers: [(name: String, value: String)] = [("Accept", RegistryProbe.acceptTypes.joined(separator: ", "))]
        if let authorization { headers.append(("Authorization", authorization)) }
        let request = HTTPRequest(method: "HEAD", url: url, headers: headers, timeoutMilliseconds: timeoutMilliseconds)
        let run = await retry.run(isTransient: RegistryProbe.isTransient) { await client.perform(request) }
        return (run.value, run.attempts)
    }

    static func isTransient(_ result: Result<HTTPResponse, HTTPFailure>) -> Bool {
        switch result {
        case .failure(let failure): return failure.isTransient
        case .success(let response): return response.status == 429 || response.status >= 500
        }
    }

    /// A HEAD has no body: GET once for the distribution error code (MANIFEST_UNKNOWN, NAME_UNKNOWN).
    private func errorCode(_ url: String, authorization: String?) async -> String? {
        var headers: [(name: String, value: String)] = [("Accept", RegistryProbe.acceptTypes.joined(separator: ", "))]
        if let authorization { headers.append(("Authorization", authorization)) }
        guard case .success(let response) = await client.perform(HTTPRequest(url: url, headers: headers, timeoutMilliseconds: timeoutMilliseconds, maxBodyBytes: 16_384)),
              let root = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
              let errors = root["errors"] as? [[String: Any]], let code = errors.first?["code"] as? String
        else { return nil }
        return code
    }

    /// Basic: the login's header. Bearer: GET realm?service=&scope= (with Basic when a login exists) for a token.
    private func authorize(challenge: String, reference: ImageReference) async -> Result<String, AuthFailure> {
        let parsed = WWWAuthenticate(challenge)
        let login = credentials.login(for: reference.registry)
        switch parsed.scheme {
        case "basic":
            guard let login else { return .failure(AuthFailure(text: "the registry wants Basic credentials and none are configured for \(reference.registry)")) }
            return .success(login.basicHeader)
        case "bearer":
            guard let realm = parsed.parameters["realm"], var components = URLComponents(string: realm) else {
                return .failure(AuthFailure(text: "Bearer challenge without a realm: \(challenge)"))
            }
            var query = components.queryItems ?? []
            if let service = parsed.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
            query.append(URLQueryItem(name: "scope", value: parsed.parameters["scope"] ?? "repository:\(reference.repository):pull"))
            components.queryItems = query
            guard let tokenURL = components.string else { return .failure(AuthFailure(text: "bad realm \(realm)")) }
            var headers: [(name: String, value: String)] = []
            if let login { headers.append(("Authorization", login.basicHeader)) }
            let (result, _) = await retry.run(isTransient: RegistryProbe.isTransient) {
                await client.perform(HTTPRequest(url: tokenURL, headers: headers, timeoutMilliseconds: timeoutMilliseconds))
            }
            switch result {
            case .failure(let failure): return .failure(AuthFailure(text: "token endpoint \(realm) unreachable: \(failure)"))
            case .success(let response):
                guard response.status == 200 else {
                    let anonymous = login == nil ? " (anonymous; no credentials for \(reference.registry))" : ""
                    return .failure(AuthFailure(text: "token endpoint \(realm) answered \(response.status)\(anonymous)"))
                }
                guard let root = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
                      let token = (root["token"] as? String) ?? (root["access_token"] as? String), !token.isEmpty
                else { return .failure(AuthFailure(text: "token endpoint \(realm) returned no token")) }
                return .success("Bearer \(token)")
            }
        default:
            return .failure(AuthFailure(text: "unsupported authentication scheme in \(challenge)"))
        }
    }
}

struct AuthFailure: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}

/// `Bearer realm="…",service="…",scope="…"` split into a scheme and parameters.
struct WWWAuthenticate {
    let scheme: String
    let parameters: [String: String]

    init(_ header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        let space = trimmed.firstIndex(of: " ") ?? trimmed.endIndex
        scheme = trimmed[..<space].lowercased()
        var parameters: [String: String] = [:]
        var rest = Substring(trimmed[space...])
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " ,")).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.endIndex
                for index in rest.indices {
                    let c = rest[index]
                    if escaped { value.append(c); escaped = false; continue }
                    if c == "\\" { escaped = true; continue }
                    if c == "\"" { end = index; break }
                    value.append(c)
                }
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
            } else {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<comma].trimmingCharacters(in: .whitespaces)
                rest = rest[comma...]
            }
            parameters[key] = value
        }
        self.parameters = parameters
    }
}
