import Foundation
import Testing
import SyncGateTestSupport
import SyncGateX509

/// The launchers of SyncGateTestSupport start real servers and clean up after themselves.
@Suite struct TestServersTests {
    @Test func dnsmasqServesTheZoneAndNXDOMAINForUnknownNames() async throws {
        let zone = DNSZone(domains: ["zone.test"], records: [
            .a("www.zone.test", "127.0.0.1"),
            .caa(name: "zone.test", tag: "issue", value: "letsencrypt.org"),
        ])
        let server = try await DnsmasqServer.start(zone: zone)
        defer { server.stop() }
        let answer = try Shell.run(try ServerBinary.dig.path(), ["@127.0.0.1", "-p", "\(server.port)", "+short", "www.zone.test", "A"])
        #expect(answer.trimmingCharacters(in: .whitespacesAndNewlines) == "127.0.0.1")
        let caa = try Shell.run(try ServerBinary.dig.path(), ["@127.0.0.1", "-p", "\(server.port)", "+short", "zone.test", "CAA"])
        #expect(caa.contains("issue \"letsencrypt.org\""))
        let missing = try Shell.run(try ServerBinary.dig.path(), ["@127.0.0.1", "-p", "\(server.port)", "nope.zone.test", "A"])
        #expect(missing.contains("status: NXDOMAIN"))
        let outside = try Shell.run(try ServerBinary.dig.path(), ["@127.0.0.1", "-p", "\(server.port)", "example.org", "A"])
        #expect(outside.contains("status: REFUSED"))
    }

    @Test func nginxServesTLSAndPlainHTTP() async throws {
        let ca = try CertificateAuthority.generate(commonName: "Nginx smoke CA")
        let key = try PrivateKey.generateP256()
        let now = WallClock.nowEpochSeconds()
        let leaf = try ca.issue(dnsNames: ["a.test"], notBefore: now - 60, notAfter: now + 86_400, key: key)
        try await withNginx(NginxConfiguration(
            tlsSites: [TLSSite(serverName: "a.test", certificateChainPEM: leaf.pem, keyPEM: key.pem)],
            httpLocations: [HTTPLocation("/moved", .redirect(301, location: "https://a.test/")),
                            HTTPLocation("/private", .basicAuthRequired(realm: "x"))])
        ) { server in
            #expect(try LoopbackHTTP.request("GET", port: server.httpPort, path: "/nothing").status == 404)
            let moved = try LoopbackHTTP.request("GET", port: server.httpPort, path: "/moved")
            #expect(moved.status == 301)
            #expect(moved.header("Location") == "https://a.test/")
            #expect(try LoopbackHTTP.request("GET", port: server.httpPort, path: "/private").status == 401)
            #expect(Loopback.canConnect(port: server.httpsPort))
        }
    }

    @Test func registryAcceptsAPush() async throws {
        try await withDockerRegistry { registry in
            let image = try registry.push(repository: "team/app", tag: "1.0")
            #expect(image.digest.hasPrefix("sha256:"))
            let head = try LoopbackHTTP.request("HEAD", port: registry.port, path: "/v2/team/app/manifests/1.0",
                                                headers: ["Accept": image.mediaType])
            #expect(head.status == 200)
            #expect(head.header("Docker-Content-Digest") == image.digest)
        }
    }

    @Test func registryBehindTokenAuthAnswers401WithABearerChallenge() async throws {
        let auth = RegistryTokenAuth()
        try await withDockerRegistry(tokenAuth: auth) { registry in
            try registry.push(repository: "private/app", tag: "2.0")
            let anonymous = try LoopbackHTTP.request("HEAD", port: registry.port, path: "/v2/private/app/manifests/2.0")
            #expect(anonymous.status == 401)
            #expect(anonymous.header("WWW-Authenticate")?.contains("scope=\"repository:private/app:pull\"") == true)
            let basic = Data("\(auth.username):\(auth.password)".utf8).base64EncodedString()
            let token = try LoopbackHTTP.request("GET", port: registry.port, path: "/token", headers: ["Authorization": "Basic \(basic)"])
            #expect(token.status == 200)
            #expect(token.text.contains(auth.token))
            let authorised = try LoopbackHTTP.request("HEAD", port: registry.port, path: "/v2/private/app/manifests/2.0",
                                                      headers: ["Authorization": "Bearer \(auth.token)",
                                                                "Accept": "application/vnd.oci.image.manifest.v1+json"])
            #expect(authorised.status == 200)
        }
    }

    @Test func pebbleListens() async throws {
        try await withPebble { pebble in
            #expect(Loopback.canConnect(port: pebble.port))
            #expect(pebble.directoryURL.hasPrefix("https://127.0.0.1:"))
        }
    }

    @Test func missingBinaryErrorNamesTheDebianPackage() {
        #expect(ServerBinary.dig.debianPackage == "dnsutils")
        #expect(ServerBinary.dockerRegistry.debianPackage == "docker-registry")
    }
}

enum Shell {
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
