import Foundation
import SyncGateX509

/// Pebble (Let's Encrypt's test ACME server) on 127.0.0.1 with a server certificate from a fresh test CA.
/// `directoryURL` is `https://127.0.0.1:PORT/dir`; trust `caPEM` to talk to it. `PEBBLE_VA_NOSLEEP=1`.
public final class PebbleServer: Sendable {
    public let port: Int
    public let managementPort: Int
    /// The CA that signed pebble's HTTPS certificate (not the ACME issuing CA: that one is at
    /// `https://127.0.0.1:managementPort/roots/0`).
    public let caPEM: String
    public let process: ManagedProcess
    private let directory: TemporaryDirectory

    public var directoryURL: String { "https://127.0.0.1:\(port)/dir" }
    /// The CA file path (for `--ca-file`).
    public var caFile: String { directory.file("ca.pem") }

    private init(port: Int, managementPort: Int, caPEM: String, process: ManagedProcess, directory: TemporaryDirectory) {
        self.port = port
        self.managementPort = managementPort
        self.caPEM = caPEM
        self.process = process
        self.directory = directory
    }

    /// `dnsServer` (`127.0.0.1:PORT`, e.g. a dnsmasq) is where pebble's validation resolves names.
    public static func start(dnsServer: String? = nil, alwaysValid: Bool = false) async throws -> PebbleServer {
        let binary = try ServerBinary.pebble.path()
        let directory = try TemporaryDirectory(prefix: "pebble")
        var process: ManagedProcess?
        do {
            let ca = try CertificateAuthority.generate(commonName: "SyncGate Pebble Test CA")
            let key = try PrivateKey.generateP256()
            let now = WallClock.nowEpochSeconds()
            let leaf = try ca.issue(dnsNames: ["localhost", "pebble"], ipAddresses: ["127.0.0.1"],
                                    notBefore: now - 60, notAfter: now + 30 * 86_400, key: key)
            let certFile = try directory.write("cert.pem", leaf.pem)
            let keyFile = try directory.write("key.pem", key.pem)
            try directory.write("ca.pem", ca.certificatePEM)
            let port = try Loopback.freePort()
            let managementPort = try Loopback.freePort()
            let config = try directory.write("pebble-config.json", """
                {"pebble": {"listenAddress": "127.0.0.1:\(port)", "managementListenAddress": "127.0.0.1:\(managementPort)",
                 "certificate": "\(certFile)", "privateKey": "\(keyFile)", "httpPort": \(try Loopback.freePort()),
                 "tlsPort": \(try Loopback.freePort()), "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """)
            var arguments = ["-config", config]
            if let dnsServer { arguments += ["-dnsserver", dnsServer] }
            var environment = ["PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"]
            if alwaysValid { environment["PEBBLE_VA_ALWAYS_VALID"] = "1" }
            let started = try ManagedProcess(executable: binary, arguments: arguments, logPath: directory.file("pebble.log"),
                                             environment: environment, workingDirectory: directory.path)
            process = started
            try await Loopback.waitForTCP(port: port, timeout: 60, process: started, what: "pebble")
            return PebbleServer(port: port, managementPort: managementPort, caPEM: ca.certificatePEM,
                                process: started, directory: directory)
        } catch {
            process?.stop()
            directory.remove()
            throw error
        }
    }

    public func stop() {
        process.stop()
        directory.remove()
    }
}

/// Starts pebble, runs `body`, and stops it whether `body` returns or throws.
public func withPebble<R>(dnsServer: String? = nil, isolation: isolated (any Actor)? = #isolation,
                          _ body: (PebbleServer) async throws -> R) async throws -> R {
    let server = try await PebbleServer.start(dnsServer: dnsServer)
    do {
        let result = try await body(server)
        server.stop()
        return result
    } catch {
        server.stop()
        throw error
    }
}
