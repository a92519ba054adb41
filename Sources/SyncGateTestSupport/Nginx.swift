import Foundation

/// One TLS virtual host: nginx picks it by SNI `serverName`. `certificateChainPEM` is what nginx serves (leaf
/// first, then any intermediates: leave one out to test a missing intermediate).
public struct TLSSite: Sendable {
    public var serverName: String
    public var certificateChainPEM: String
    public var keyPEM: String
    /// The body `GET /` returns.
    public var body: String

    public init(serverName: String, certificateChainPEM: String, keyPEM: String, body: String? = nil) {
        self.serverName = serverName
        self.certificateChainPEM = certificateChainPEM
        self.keyPEM = keyPEM
        self.body = body ?? "ok \(serverName)\n"
    }
}

/// A location of the plain-HTTP server.
public struct HTTPLocation: Sendable {
    public enum Response: Sendable {
        /// `return CODE "body"`.
        case status(Int, body: String = "")
        /// A 301/302/307/308 to `location`.
        case redirect(Int, location: String)
        /// 401 with `WWW-Authenticate: Basic realm="…"` (auth in front of the challenge path, seed 003).
        case basicAuthRequired(realm: String)
        /// Raw nginx directives inside the `location` block.
        case directives(String)
    }

    public var path: String
    /// nginx location modifier: "" (prefix), "=" (exact), "~" (regex).
    public var modifier: String
    public var response: Response

    public init(_ path: String, modifier: String = "", _ response: Response) {
        self.path = path
        self.modifier = modifier
        self.response = response
    }

    var block: String {
        let inner: String
        switch response {
        case let .status(code, body):
            inner = body.isEmpty ? "return \(code);" : "default_type text/plain; return \(code) \"\(body.replacingOccurrences(of: "\"", with: "\\\""))\";"
        case let .redirect(code, location):
            inner = "return \(code) \(location);"
        case let .basicAuthRequired(realm):
            inner = "add_header WWW-Authenticate 'Basic realm=\"\(realm)\"' always; return 401;"
        case let .directives(text):
            inner = text
        }
        return "location \(modifier.isEmpty ? "" : modifier + " ")\(path) { \(inner) }"
    }
}

/// What nginx serves: TLS sites on one port (SNI picks; the first site is the default for unknown names) and a
/// plain-HTTP server with locations on another. Unmatched HTTP paths answer 404.
public struct NginxConfiguration: Sendable {
    public var tlsSites: [TLSSite]
    public var httpLocations: [HTTPLocation]
    /// Fixed ports (pre-allocated with `Loopback.freePort()` when a config must name its own port); nil = pick.
    public var httpsPort: Int?
    public var httpPort: Int?

    public init(tlsSites: [TLSSite] = [], httpLocations: [HTTPLocation] = [], httpsPort: Int? = nil, httpPort: Int? = nil) {
        self.tlsSites = tlsSites
        self.httpLocations = httpLocations
        self.httpsPort = httpsPort
        self.httpPort = httpPort
    }
}

/// nginx on 127.0.0.1 (`httpsPort` for TLS sites, `httpPort` for plain HTTP). Call `stop()` (or use `withNginx`).
public final class NginxServer: Sendable {
    public let httpsPort: Int
    public let httpPort: Int
    public let process: ManagedProcess
    public let directory: TemporaryDirectory

    private init(httpsPort: Int, httpPort: Int, process: ManagedProcess, directory: TemporaryDirectory) {
        self.httpsPort = httpsPort
        self.httpPort = httpPort
        self.process = process
        self.directory = directory
    }

    public static func start(_ configuration: NginxConfiguration) async throws -> NginxServer {
        let binary = try ServerBinary.nginx.path()
        var lastError: Error = TestServerError("nginx did not start")
        for _ in 0..<3 {
            let directory = try TemporaryDirectory(prefix: "nginx")
            let httpsPort = try configuration.httpsPort ?? Loopback.freePort()
            let httpPort = try configuration.httpPort ?? Loopback.freePort()
            do {
                let conf = try writeConfiguration(configuration, in: directory, httpsPort: httpsPort, httpPort: httpPort)
                let process = try ManagedProcess(
                    executable: binary, arguments: ["-p", directory.path, "-e", directory.file("error.log"), "-c", conf, "-g", "daemon off;"],
                    logPath: directory.file("nginx.log"))
                do {
                    try await Loopback.waitForTCP(port: httpPort, timeout: 20, process: process, what: "nginx")
                    if !configuration.tlsSites.isEmpty {
                        try await Loopback.waitForTCP(port: httpsPort, timeout: 20, process: process, what: "nginx (TLS)")
                    }
                    return NginxServer(httpsPort: httpsPort, httpPort: httpPort, process: process, directory: directory)
                } catch {
                    process.stop()
                    throw error
                }
            } catch {
                directory.remove()
                lastError = error
                if configuration.httpsPort != nil || configuration.httpPort != nil { break }
            }
        }
        throw lastError
    }

    public func stop() {
        process.stop()
        directory.remove()
    }

    private static func writeConfiguration(_ configuration: NginxConfiguration, in directory: TemporaryDirectory,
                                           httpsPort: Int, httpPort: Int) throws -> String {
        var servers: [String] = []
        for (index, site) in configuration.tlsSites.enumerated() {
            let cert = try directory.write("site\(index).crt", site.certificateChainPEM)
            let key = try directory.write("site\(index).key", site.keyPEM)
            servers.append("""
                server {
                    listen 127.0.0.1:\(httpsPort) ssl\(index == 0 ? " default_server" : "");
                    server_name \(site.serverName);
                    ssl_certificate \(cert);
                    ssl_certificate_key \(key);
                    location / { default_type text/plain; return 200 "\(site.body.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))"; }
                }
                """)
        }
        servers.append("""
            server {
                listen 127.0.0.1:\(httpPort) default_server;
                server_name _;
                \(configuration.httpLocations.map(\.block).joined(separator: "\n    "))
                location / { return 404; }
            }
            """)
        let text = """
            worker_processes auto;
            user root root;
            pid \(directory.file("nginx.pid"));
            error_log \(directory.file("error.log")) warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(directory.file("client_body"));
                proxy_temp_path \(directory.file("proxy"));
                fastcgi_temp_path \(directory.file("fastcgi"));
                uwsgi_temp_path \(directory.file("uwsgi"));
                scgi_temp_path \(directory.file("scgi"));
                server_names_hash_bucket_size 256;
                server_names_hash_max_size 65536;
                ssl_session_cache off;
                keepalive_timeout 5;
            \(servers.joined(separator: "\n"))
            }

            """
        return try directory.write("nginx.conf", text)
    }
}

/// Starts nginx with `configuration`, runs `body`, and stops it whether `body` returns or throws.
public func withNginx<R>(_ configuration: NginxConfiguration, isolation: isolated (any Actor)? = #isolation,
                         _ body: (NginxServer) async throws -> R) async throws -> R {
    let server = try await NginxServer.start(configuration)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
