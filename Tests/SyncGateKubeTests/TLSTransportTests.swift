import Foundation
import Testing
import SyncGateCore
import SyncGateTestSupport
import SyncGateX509
@testable import SyncGateKube

/// An nginx on 127.0.0.1 that stands in for an API server requiring mutual TLS (client certificates signed by
/// a client CA) and, on one path, a bearer token. Its serving certificate names only `kube.internal`, so
/// reaching it by IP needs `tls-server-name`.
final class MutualTLSServer: Sendable {
    let port: Int
    let serverCA: CertificateAuthority
    let clientCA: CertificateAuthority
    let process: ManagedProcess
    let directory: TemporaryDirectory

    static func start() async throws -> MutualTLSServer {
        let nginx = try ServerBinary.nginx.path()
        let now = WallClock.nowEpochSeconds()
        let serverCA = try CertificateAuthority.generate(commonName: "test API server CA")
        let clientCA = try CertificateAuthority.generate(commonName: "test client CA")
        let serverKey = try PrivateKey.generateP256()
        let serverCert = try serverCA.issue(dnsNames: ["kube.internal"], notBefore: now - 60, notAfter: now + 86_400, key: serverKey)
        let dir = try TemporaryDirectory(prefix: "kube-mtls")
        let port = try Loopback.freePort()
        _ = try dir.write("server.crt", serverCert.pem)
        _ = try dir.write("server.key", serverKey.pem)
        _ = try dir.write("client-ca.crt", clientCA.certificatePEM)
        let conf = try dir.write("nginx.conf", """
            worker_processes 1;
            pid \(dir.file("nginx.pid"));
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path \(dir.path)/body;
              proxy_temp_path \(dir.path)/proxy;
              fastcgi_temp_path \(dir.path)/fastcgi;
              uwsgi_temp_path \(dir.path)/uwsgi;
              scgi_temp_path \(dir.path)/scgi;
              server {
                listen 127.0.0.1:\(port) ssl;
                server_name kube.internal;
                ssl_certificate \(dir.file("server.crt"));
                ssl_certificate_key \(dir.file("server.key"));
                ssl_client_certificate \(dir.file("client-ca.crt"));
                ssl_verify_client on;
                default_type application/json;
                location = /api/v1/namespaces/default/secrets/who {
                  return 200 '{"kind":"Secret","metadata":{"name":"who","namespace":"default"},"client":"$ssl_client_s_dn"}';
                }
                location = /api/v1/namespaces/default/secrets/token-only {
                  if ($http_authorization != "Bearer token-1") {
                    return 401 '{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Unauthorized","message":"Unauthorized","code":401}';
                  }
                  return 200 '{"kind":"Secret","metadata":{"name":"token-only"}}';
                }
                location / {
                  return 404 '{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","message":"not found","code":404}';
                }
              }
            }
            """)
        let process = try ManagedProcess(executable: nginx, arguments: ["-p", dir.path, "-e", dir.file("error.log"), "-c", conf, "-g", "daemon off;"],
                                         logPath: dir.file("nginx.log"))
        do {
            try await Loopback.waitForTCP(port: port, timeout: 20, process: process, what: "nginx (mTLS)")
        } catch {
            process.stop()
            dir.remove()
            throw error
        }
        return MutualTLSServer(port: port, serverCA: serverCA, clientCA: clientCA, process: process, directory: dir)
    }

    init(port: Int, serverCA: CertificateAuthority, clientCA: CertificateAuthority, process: ManagedProcess, directory: TemporaryDirectory) {
        self.port = port
        self.serverCA = serverCA
        self.clientCA = clientCA
        self.process = process
        self.directory = directory
    }

    func stop() {
        process.stop()
        directory.remove()
    }

    func clientCertificate(cn: String) throws -> (cert: String, key: String) {
        let now = WallClock.nowEpochSeconds()
        let key = try PrivateKey.generateP256()
        let cert = try clientCA.issue(CertificateRequest(commonName: cn, notBefore: now - 60, notAfter: now + 86_400), key: key)
        return (cert.pem, key.pem)
    }
}

@Suite(.serialized) struct TLSTransportTests {
    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    @Test func mutualTLSWithDataAndWithFiles() async throws {
        let server = try await MutualTLSServer.start()
        defer { server.stop() }
        let s = try Scratch()
        let client = try server.clientCertificate(cn: "syncgate-ci")
        try s.write("pki/ca.crt", server.serverCA.certificatePEM)
        try s.write("pki/client.crt", client.cert)
        try s.write("pki/client.key", client.key)
        let kubeconfig = try s.write("config", """
            apiVersion: v1
            kind: Config
            current-context: data
            clusters:
            - name: by-data
              cluster:
                server: https://127.0.0.1:\(server.port)
                certificate-authority-data: \(Self.b64(server.serverCA.certificatePEM))
                tls-server-name: kube.internal
            - name: by-file
              cluster:
                server: https://127.0.0.1:\(server.port)
                certificate-authority: pki/ca.crt
                tls-server-name: kube.internal
            - name: no-server-name
              cluster:
                server: https://127.0.0.1:\(server.port)
                certificate-authority: pki/ca.crt
            users:
            - name: data
              user:
                client-certificate-data: \(Self.b64(client.cert))
                client-key-data: \(Self.b64(client.key))
            - name: files
              user: {client-certificate: pki/client.crt, client-key: pki/client.key}
            - name: none
              user: {}
            contexts:
            - {name: data, context: {cluster: by-data, user: data}}
            - {name: files, context: {cluster: by-file, user: files}}
            - {name: anonymous, context: {cluster: by-data, user: none}}
            - {name: wrong-name, context: {cluster: no-server-name, user: files}}
            """)
        for context in ["data", "files"] {
            let config = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: kubeconfig, context: context, environment: [:], homeDirectory: s.path))
            let kube = KubeClient(configuration: config, retry: .none, requestTimeout: 10)
            let who = try await kube.get(.secrets, namespace: "default", name: "who")
            #expect(who["client"]?.string?.contains("CN=syncgate-ci") == true, "context \(context)")
            await #expect(throws: KubeError.self) { _ = try await kube.get(.secrets, namespace: "default", name: "missing") }
            do { _ = try await kube.get(.secrets, namespace: "default", name: "missing") } catch let e as KubeError { #expect(e.isNotFound) }
        }
        // without a client certificate nginx refuses (400), and the error says so
        let anon = KubeClient(configuration: try ClientConfiguration.load(KubeConfigOptions(kubeconfig: kubeconfig, context: "anonymous", environment: [:], homeDirectory: s.path)),
                              retry: .none, requestTimeout: 10)
        do {
            _ = try await anon.get(.secrets, namespace: "default", name: "who")
            Issue.record("expected a failure without a client certificate")
        } catch let e as KubeError {
            #expect(e.status?.code == 400)
        }
        // the certificate names kube.internal, not 127.0.0.1: without tls-server-name verification fails, unretried
        let wrong = KubeClient(configuration: try ClientConfiguration.load(KubeConfigOptions(kubeconfig: kubeconfig, context: "wrong-name", environment: [:], homeDirectory: s.path)),
                               retry: RetryPolicy(maxAttempts: 3, sleep: { _ in }), requestTimeout: 10)
        do {
            _ = try await wrong.get(.secrets, namespace: "default", name: "who")
            Issue.record("expected a TLS verification failure")
        } catch let KubeError.transport(_, code, message) {
            #expect(code == 60 || code == 51, "curl \(code): \(message)")
            #expect(!RetryPolicy.isTransient(KubeError.transport(request: "", curlCode: code, message: message)))
        }
    }

    @Test func execPluginTokenOverMutualTLS() async throws {
        let server = try await MutualTLSServer.start()
        defer { server.stop() }
        let s = try Scratch()
        let client = try server.clientCertificate(cn: "exec-user")
        let plugin = try ExecPluginTests.plugin(in: s)
        let kubeconfig = try s.write("config", """
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:\(server.port)
                certificate-authority-data: \(Self.b64(server.serverCA.certificatePEM))
                tls-server-name: kube.internal
            users:
            - name: u
              user:
                client-certificate-data: \(Self.b64(client.cert))
                client-key-data: \(Self.b64(client.key))
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: \(plugin)
                  env:
                  - {name: COUNTER, value: \(s.path)/count}
                  - {name: INFO_OUT, value: \(s.path)/info}
                  - {name: EXPIRES, value: "2099-01-01T00:00:00Z"}
                  interactiveMode: Never
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let kube = KubeClient(configuration: try ClientConfiguration.load(KubeConfigOptions(kubeconfig: kubeconfig, environment: [:], homeDirectory: s.path)),
                              environment: ["PATH": "/usr/bin:/bin"], retry: .none, requestTimeout: 10)
        for _ in 0..<3 { _ = try await kube.get(.secrets, namespace: "default", name: "token-only") }
        #expect(await kube.credentials.execRuns == 1)  // cached until 2099
    }
}
