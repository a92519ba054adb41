import Foundation
import SyncGateCore

/// The credentials one request carries.
public struct RequestCredentials: Sendable, Equatable {
    public var bearerToken: String?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?

    public init(bearerToken: String? = nil, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil) {
        self.bearerToken = bearerToken
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// Produces credentials for requests: a fixed token, a token file re-read as it rotates, or an exec plugin's
/// credential cached until its `expirationTimestamp` (one plugin run at a time, shared by concurrent requests).
public actor CredentialSource {
    public let auth: KubeAuth
    private let environment: [String: String]
    private let clusterInfo: Value?
    private let now: @Sendable () -> Date
    private let tokenFileMaxAge: TimeInterval

    private var cachedExec: ExecCredential?
    private var execInFlight: Task<ExecCredential, Error>?
    private var fileToken: (token: String, readAt: Date)?
    /// How many times the exec plugin ran (for diagnostics and tests).
    public private(set) var execRuns = 0

    public init(auth: KubeAuth, environment: [String: String] = ProcessInfo.processInfo.environment,
                clusterInfo: Value? = nil, now: @escaping @Sendable () -> Date = { Date() },
                tokenFileMaxAge: TimeInterval = 60) {
        self.auth = auth
        self.environment = environment
        self.clusterInfo = clusterInfo
        self.now = now
        self.tokenFileMaxAge = tokenFileMaxAge
    }

    /// Credentials for the next request. `refresh` after a 401 drops cached ones (token file re-read, plugin re-run).
    public func credentials(refresh: Bool = false) async throws -> RequestCredentials {
        switch auth {
        case .none:
            return RequestCredentials()
        case .token(let t):
            return RequestCredentials(bearerToken: t)
        case .tokenFile(let path):
            if !refresh, let cached = fileToken, now().timeIntervalSince(cached.readAt) < tokenFileMaxAge {
                return RequestCredentials(bearerToken: cached.token)
            }
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
                if let cached = fileToken { return RequestCredentials(bearerToken: cached.token) }
                throw KubeError.credentials("\(path): cannot read the bearer token file (tokenFile / service account token). Check that it exists and is readable.")
            }
            fileToken = (text, now())
            return RequestCredentials(bearerToken: text)
        case .exec(let config):
            if refresh { cachedExec = nil }
            if let c = cachedExec, c.expiration.map({ now() < $0 }) ?? true {
                return Self.requestCredentials(c)
            }
            if let running = execInFlight {
                return Self.requestCredentials(try await running.value)
            }
            let plugin = ExecCredentialPlugin(config: config, environment: environment, clusterInfo: clusterInfo)
            let task = Task { try await plugin.run() }
            execInFlight = task
            execRuns += 1
            defer { execInFlight = nil }
            let cred = try await task.value
            cachedExec = cred
            return Self.requestCredentials(cred)
        }
    }

    private static func requestCredentials(_ c: ExecCredential) -> RequestCredentials {
        RequestCredentials(bearerToken: c.token, clientCertificatePEM: c.clientCertificatePEM, clientKeyPEM: c.clientKeyPEM)
    }
}
