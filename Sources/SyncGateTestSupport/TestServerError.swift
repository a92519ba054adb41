/// Why a test server could not start (or a helper failed). Messages say what to install or where the log is.
public struct TestServerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The server binaries the tests use and the Debian packages that ship them (`.ci/run` installs them).
public enum ServerBinary: String, Sendable, CaseIterable {
    case dnsmasq, nginx, dockerRegistry = "docker-registry", pebble, dig, openssl

    public var debianPackage: String {
        switch self {
        case .dnsmasq: return "dnsmasq"
        case .nginx: return "nginx"
        case .dockerRegistry: return "docker-registry"
        case .pebble: return "pebble"
        case .dig: return "dnsutils"
        case .openssl: return "openssl"
        }
    }

    private var candidates: [String] {
        let name = rawValue
        return ["/usr/sbin/\(name)", "/usr/bin/\(name)", "/sbin/\(name)", "/bin/\(name)", "/usr/local/bin/\(name)", "/usr/local/sbin/\(name)"]
    }

    /// The binary's path, or an error telling which package to install.
    public func path() throws -> String {
        for candidate in candidates where access(candidate, X_OK) == 0 { return candidate }
        throw TestServerError("\(rawValue) is not installed: run `apt-get install -y \(debianPackage)` (the tests start a real \(rawValue) on 127.0.0.1)")
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
