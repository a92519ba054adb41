import Foundation

/// Username and password per registry host, from `~/.docker/config.json` (`auths.<host>.auth`, base64
/// `user:password`) and `--registry-auth host=user:password`.
public struct RegistryCredentials: Sendable {
    public struct Login: Sendable, Equatable {
        public let username: String
        public let password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
        var basicHeader: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
    }

    public private(set) var logins: [String: Login]

    public init(logins: [String: Login] = [:]) { self.logins = logins }

    /// The login for a registry host (Docker Hub also under `index.docker.io`, `docker.io` and its v1 URL).
    public func login(for registry: String) -> Login? {
        if let login = logins[registry] { return login }
        if registry == ImageReference.dockerHub {
            for key in ["https://index.docker.io/v1/", "index.docker.io", "docker.io"] { if let login = logins[key] { return login } }
        }
        return nil
    }

    /// Reads a docker config.json; a missing file gives no logins, a malformed one an error naming the file.
    public static func dockerConfig(path: String) throws -> RegistryCredentials {
        guard let data = FileManager.default.contents(atPath: path) else { return RegistryCredentials() }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ProbeConfigurationError("\(path): not a JSON object; fix or remove the docker config")
        }
        var logins: [String: Login] = [:]
        for (key, value) in (root["auths"] as? [String: Any]) ?? [:] {
            guard let entry = value as? [String: Any] else { continue }
            if let auth = entry["auth"] as? String, let decoded = Data(base64Encoded: auth),
               let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") {
                logins[normalise(key)] = Login(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
            } else if let user = entry["username"] as? String, let password = entry["password"] as? String {
                logins[normalise(key)] = Login(username: user, password: password)
            }
        }
        return RegistryCredentials(logins: logins)
    }

    /// `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`).
    public static func defaultDockerConfig(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RegistryCredentials {
        let directory = environment["DOCKER_CONFIG"] ?? "\(environment["HOME"] ?? NSHomeDirectory())/.docker"
        return try dockerConfig(path: "\(directory)/config.json")
    }

    /// Adds `host=user:password` (the `--registry-auth` flag); throws a usage error on another shape.
    public mutating func add(flag: String) throws {
        guard let equals = flag.firstIndex(of: "="), let colon = flag[equals...].firstIndex(of: ":") else {
            throw ProbeConfigurationError("--registry-auth \(flag): expected host=user:password")
        }
        logins[RegistryCredentials.normalise(String(flag[..<equals]))] = Login(
            username: String(flag[flag.index(after: equals)..<colon]), password: String(flag[flag.index(after: colon)...]))
    }

    /// `https://ghcr.io/v1/` -> `ghcr.io`; Docker Hub's v1 URL is kept as is.
    static func normalise(_ key: String) -> String {
        if key == "https://index.docker.io/v1/" { return key }
        var host = key
        for prefix in ["https://", "http://"] where host.hasPrefix(prefix) { host.removeFirst(prefix.count) }
        if let slash = host.firstIndex(of: "/") { host = String(host[..<slash]) }
        return host
    }
}

/// A configuration problem the user can fix (bad flag, unreadable file).
public struct ProbeConfigurationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
