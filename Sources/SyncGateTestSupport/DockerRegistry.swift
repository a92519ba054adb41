import Foundation
import SyncGateX509

/// Token authentication in front of the registry (nginx): `/token` requires HTTP Basic `username:password` and
/// returns `{"token": token}`; `/v2/` requires `Authorization: Bearer <token>` and otherwise answers 401 with
/// `WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/token",service="syncgate-test",scope="repository:NAME:pull"`.
public struct RegistryTokenAuth: Sendable {
    public var username: String
    public var password: String
    public var token: String
    public init(username: String = "tester", password: String = "secret", token: String = "token-\(UInt64.random(in: 1...UInt64.max))") {
        self.username = username
        self.password = password
        self.token = token
    }
}

/// A `docker-registry` (distribution 2.8) with filesystem storage in a temp dir, optionally behind token auth.
/// Clients use `port` (the nginx front when token auth is on); `push` writes straight to the backend.
public final class DockerRegistryServer: Sendable {
    /// The port clients talk to (`127.0.0.1:port`).
    public let port: Int
    /// The registry's own port (no auth).
    public let backendPort: Int
    public let tokenAuth: RegistryTokenAuth?
    public let process: ManagedProcess
    private let front: NginxServer?
    private let directory: TemporaryDirectory

    /// `127.0.0.1:PORT`, the registry host part of image references.
    public var host: String { "127.0.0.1:\(port)" }

    private init(port: Int, backendPort: Int, tokenAuth: RegistryTokenAuth?, process: ManagedProcess,
                 front: NginxServer?, directory: TemporaryDirectory) {
        self.port = port
        self.backendPort = backendPort
        self.tokenAuth = tokenAuth
        self.process = process
        self.front = front
        self.directory = directory
    }

    public static func start(tokenAuth: RegistryTokenAuth? = nil) async throws -> DockerRegistryServer {
        let binary = try ServerBinary.dockerRegistry.path()
        let directory = try TemporaryDirectory(prefix: "registry")
        var process: ManagedProcess?
        do {
            let port = try Loopback.freePort()
            let config = try directory.write("config.yml", """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: \(directory.file("data"))
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:\(port)
                  secret: syncgate-test-secret
                """)
            let started = try ManagedProcess(executable: binary, arguments: ["serve", config], logPath: directory.file("registry.log"),
                                             environment: ["OTEL_TRACES_EXPORTER": "none"])
            process = started
            try await Loopback.waitForTCP(port: port, timeout: 60, process: started, what: "docker-registry")
            var front: NginxServer?
            if let tokenAuth {
                front = try await startFront(tokenAuth, backendPort: port, directory: directory)
            }
            return DockerRegistryServer(port: front?.httpPort ?? port, backendPort: port, tokenAuth: tokenAuth,
                                        process: started, front: front, directory: directory)
        } catch {
            process?.stop()
            directory.remove()
            throw error
        }
    }

    private static func startFront(_ auth: RegistryTokenAuth, backendPort: Int, directory: TemporaryDirectory) async throws -> NginxServer {
        let htpasswd = try directory.write("htpasswd", "\(auth.username):{PLAIN}\(auth.password)\n")
        let tokenFile = try directory.write("token.json", #"{"token":"\#(auth.token)","access_token":"\#(auth.token)","expires_in":300}"#)
        let frontPort = try Loopback.freePort()
        let realm = "http://127.0.0.1:\(frontPort)/token"
        let challenge = "'Bearer realm=\"\(realm)\",service=\"syncgate-test\",scope=\"repository:$repo:pull\"'"
        let configuration = NginxConfiguration(httpLocations: [
            // A static file (content phase), not `return` (rewrite phase, which would skip auth_basic).
            HTTPLocation("/token", modifier: "=", .directives("""
                auth_basic "syncgate-test"; auth_basic_user_file \(htpasswd); default_type application/json; alias \(tokenFile);
                """)),
            HTTPLocation("^/v2/(?<repo>.+)/(manifests|blobs|tags)/", modifier: "~", .directives("""
                if ($http_authorization != "Bearer \(auth.token)") {
                    add_header WWW-Authenticate \(challenge) always;
                    add_header Docker-Distribution-API-Version registry/2.0 always;
                    return 401 '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}';
                }
                proxy_pass http://127.0.0.1:\(backendPort);
                """)),
            HTTPLocation("/v2/", .directives("""
                if ($http_authorization != "Bearer \(auth.token)") {
                    add_header WWW-Authenticate 'Bearer realm="\(realm)",service="syncgate-test"' always;
                    return 401;
                }
                proxy_pass http://127.0.0.1:\(backendPort);
                """)),
        ], httpPort: frontPort)
        return try await NginxServer.start(configuration)
    }

    public func stop() {
        front?.stop()
        process.stop()
        directory.remove()
    }

    /// A pushed image: `reference` is `127.0.0.1:PORT/repository:tag` (on the client-facing port).
    public struct PushedImage: Sendable {
        public let repository: String
        public let tag: String
        public let digest: String
        public let mediaType: String
        public let reference: String
    }

    /// Pushes a tiny image (a config blob, one layer, an OCI or Docker v2 manifest) as `repository:tag` over
    /// plain HTTP to the backend, and returns its manifest digest.
    @discardableResult
    public func push(repository: String, tag: String, oci: Bool = true) throws -> PushedImage {
        let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{}}"#.utf8)
        let layer = Array("syncgate test layer \(repository):\(tag) \(UInt64.random(in: 0...UInt64.max))".utf8)
        let configDigest = try uploadBlob(repository: repository, bytes: config)
        let layerDigest = try uploadBlob(repository: repository, bytes: layer)
        let manifestType = oci ? "application/vnd.oci.image.manifest.v1+json" : "application/vnd.docker.distribution.manifest.v2+json"
        let configType = oci ? "application/vnd.oci.image.config.v1+json" : "application/vnd.docker.container.image.v1+json"
        let layerType = oci ? "application/vnd.oci.image.layer.v1.tar" : "application/vnd.docker.image.rootfs.diff.tar"
        let manifest = Array("""
            {"schemaVersion":2,"mediaType":"\(manifestType)","config":{"mediaType":"\(configType)","digest":"\(configDigest)","size":\(config.count)},"layers":[{"mediaType":"\(layerType)","digest":"\(layerDigest)","size":\(layer.count)}]}
            """.utf8)
        let response = try LoopbackHTTP.request("PUT", port: backendPort, path: "/v2/\(repository)/manifests/\(tag)",
                                                headers: ["Content-Type": manifestType], body: manifest)
        guard response.status == 201 else {
            throw TestServerError("pushing the manifest \(repository):\(tag) answered \(response.status): \(response.text)")
        }
        let digest = response.header("Docker-Content-Digest") ?? SHA256Digest.ociDigest(manifest)
        return PushedImage(repository: repository, tag: tag, digest: digest, mediaType: manifestType,
                           reference: "127.0.0.1:\(port)/\(repository):\(tag)")
    }

    private func uploadBlob(repository: String, bytes: [UInt8]) throws -> String {
        let digest = SHA256Digest.ociDigest(bytes)
        let start = try LoopbackHTTP.request("POST", port: backendPort, path: "/v2/\(repository)/blobs/uploads/")
        guard start.status == 202, var location = start.header("Location") else {
            throw TestServerError("starting a blob upload to \(repository) answered \(start.status): \(start.text)")
        }
        if let schemeEnd = location.range(of: "://"), let pathStart = location[schemeEnd.upperBound...].firstIndex(of: "/") {
            location = String(location[pathStart...])
        }
        let separator = location.contains("?") ? "&" : "?"
        let put = try LoopbackHTTP.request("PUT", port: backendPort, path: "\(location)\(separator)digest=\(digest)",
                                           headers: ["Content-Type": "application/octet-stream"], body: bytes)
        guard put.status == 201 else {
            throw TestServerError("uploading blob \(digest) to \(repository) answered \(put.status): \(put.text)")
        }
        return digest
    }
}

/// Starts a registry, runs `body`, and stops it whether `body` returns or throws.
public func withDockerRegistry<R>(tokenAuth: RegistryTokenAuth? = nil, isolation: isolated (any Actor)? = #isolation,
                                  _ body: (DockerRegistryServer) async throws -> R) async throws -> R {
    let server = try await DockerRegistryServer.start(tokenAuth: tokenAuth)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
