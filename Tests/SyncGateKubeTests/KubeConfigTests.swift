import Foundation
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct KubeConfigTests {
    static let caB64 = Data("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n".utf8).base64EncodedString()

    @Test func tokenUserWithCAData() throws {
        let s = try Scratch()
        let file = try s.write("config", """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - name: prod-cluster
              cluster:
                server: https://10.0.0.1:6443
                certificate-authority-data: \(Self.caB64)
                tls-server-name: kubernetes.default
                proxy-url: http://proxy.internal:3128
            users:
            - name: admin
              user:
                token: s3cret
            contexts:
            - name: prod
              context: {cluster: prod-cluster, user: admin, namespace: payments}
            """)
        let c = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: file, environment: [:], homeDirectory: s.path))
        #expect(c.server == "https://10.0.0.1:6443")
        #expect(c.auth == .token("s3cret"))
        #expect(c.namespace == "payments")
        #expect(c.tls.serverName == "kubernetes.default")
        #expect(c.tls.proxyURL == "http://proxy.internal:3128")
        #expect(String(decoding: c.tls.certificateAuthorityPEM ?? [], as: UTF8.self).contains("BEGIN CERTIFICATE"))
        #expect(c.warnings.isEmpty)
        // --namespace wins over the context's namespace
        let c2 = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: file, namespace: "other", environment: [:], homeDirectory: s.path))
        #expect(c2.namespace == "other")
    }

    @Test func mergesKubeconfigListFirstWins() throws {
        let s = try Scratch()
        let a = try s.write("a/config", """
            current-context: ctx-a
            clusters:
            - name: shared
              cluster: {server: "https://a.example:6443", certificate-authority: ca.pem}
            users:
            - name: u
              user: {client-certificate: certs/u.crt, client-key: certs/u.key}
            contexts:
            - name: ctx-a
              context: {cluster: shared, user: u}
            """)
        try s.write("a/ca.pem", "CA-A")
        try s.write("a/certs/u.crt", "CERT-U")
        try s.write("a/certs/u.key", "KEY-U")
        let b = try s.write("b/config", """
            current-context: ctx-b
            clusters:
            - name: shared
              cluster: {server: "https://b.example:6443", insecure-skip-tls-verify: true}
            - name: only-b
              cluster: {server: "https://only-b.example", insecure-skip-tls-verify: true}
            users:
            - name: u
              user: {token: from-b}
            contexts:
            - name: ctx-b
              context: {cluster: only-b, user: u, namespace: nb}
            """)
        let env = ["KUBECONFIG": "\(a):\(s.path)/missing:\(b)"]
        let c = try ClientConfiguration.load(KubeConfigOptions(environment: env, homeDirectory: s.path))
        // current-context from the first file; cluster "shared" and user "u" from the first file too
        #expect(c.server == "https://a.example:6443")
        #expect(c.tls.certificateAuthorityPEM == Array("CA-A".utf8))
        #expect(c.tls.clientCertificatePEM == Array("CERT-U".utf8))
        #expect(c.tls.clientKeyPEM == Array("KEY-U".utf8))
        #expect(c.auth == .none)
        #expect(c.namespace == "default")
        // --context picks the second file's context, which still resolves user "u" from the first file
        let cb = try ClientConfiguration.load(KubeConfigOptions(context: "ctx-b", environment: env, homeDirectory: s.path))
        #expect(cb.server == "https://only-b.example")
        #expect(cb.namespace == "nb")
        #expect(cb.auth == .none)
        #expect(cb.tls.insecureSkipVerify)
        #expect(cb.warnings.count == 1)
        #expect(cb.warnings[0].contains("insecure-skip-tls-verify"))
        // reversed order: b's definitions win
        let rev = try ClientConfiguration.load(KubeConfigOptions(environment: ["KUBECONFIG": "\(b):\(a)"], homeDirectory: s.path))
        #expect(rev.server == "https://only-b.example")
        #expect(rev.auth == .token("from-b"))
    }

    @Test func explicitKubeconfigIgnoresEnvironmentAndDefault() throws {
        let s = try Scratch()
        let only = try s.write("only", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://x:1"}}]
            users: [{name: u, user: {tokenFile: tok}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let c = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: only, environment: ["KUBECONFIG": "/nonexistent"], homeDirectory: "/nonexistent"))
        #expect(c.auth == .tokenFile(path: s.path + "/tok"))
        #expect(throws: KubeError.self) {
            try ClientConfiguration.load(KubeConfigOptions(kubeconfig: s.path + "/nope", environment: [:], homeDirectory: s.path))
        }
    }

    @Test func errorsNameTheProblem() throws {
        let s = try Scratch()
        let f = try s.write("config", """
            current-context: missing
            clusters: [{name: c, cluster: {server: "https://x:1"}}]
            contexts: [{name: ok, context: {cluster: nope, user: u}}]
            """)
        do {
            _ = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: f, environment: [:], homeDirectory: s.path))
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect("\(e)".contains("context \"missing\" not found"))
            #expect("\(e)".contains("ok"))
        }
        do {
            _ = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: f, context: "ok", environment: [:], homeDirectory: s.path))
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect("\(e)".contains("cluster \"nope\""))
            #expect("\(e)".contains(f))
        }
        let bad = try s.write("bad", """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://x:1", certificate-authority-data: "%%%"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """)
        #expect(throws: KubeError.self) { try ClientConfiguration.load(KubeConfigOptions(kubeconfig: bad, environment: [:], homeDirectory: s.path)) }
    }

    @Test func execUserAndRelativeCommand() throws {
        let s = try Scratch()
        let f = try s.write("kube/config", """
            current-context: x
            clusters:
            - name: c
              cluster:
                server: https://x:1
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension: {audience: syncgate}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/get-token
                  args: [--cluster, c]
                  env: [{name: FOO, value: bar}]
                  provideClusterInfo: true
                  interactiveMode: Never
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """)
        let c = try ClientConfiguration.load(KubeConfigOptions(kubeconfig: f, environment: [:], homeDirectory: s.path))
        guard case .exec(let e) = c.auth else { Issue.record("expected exec auth"); return }
        #expect(e.command == s.path + "/kube/./bin/get-token")
        #expect(e.args == ["--cluster", "c"])
        #expect(e.env.first?.name == "FOO")
        #expect(c.execClusterInfo?[path: "config", "audience"]?.string == "syncgate")
    }

    @Test func inClusterFromInjectedPaths() throws {
        let s = try Scratch()
        try s.write("sa/token", "tok-1\n")
        try s.write("sa/ca.crt", "CA")
        try s.write("sa/namespace", "argocd")
        let opts = KubeConfigOptions(environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                                     homeDirectory: s.path, inCluster: InClusterPaths(directory: s.path + "/sa"))
        // no kubeconfig anywhere: falls back to in-cluster
        let c = try ClientConfiguration.load(opts)
        #expect(c.server == "https://10.96.0.1:443")
        #expect(c.namespace == "argocd")
        #expect(c.tls.certificateAuthorityPEM == Array("CA".utf8))
        #expect(c.auth == .tokenFile(path: s.path + "/sa/token"))
        #expect(c.source == "in-cluster service account")
        var noEnv = opts
        noEnv.environment = [:]
        #expect(throws: KubeError.self) { try ClientConfiguration.inCluster(noEnv) }
    }

    @Test func tokenFileIsReReadWhenItRotates() async throws {
        let s = try Scratch()
        let path = try s.write("token", "first")
        let clock = TestClock()
        let source = CredentialSource(auth: .tokenFile(path: path), now: { clock.now }, tokenFileMaxAge: 60)
        #expect(try await source.credentials().bearerToken == "first")
        try s.write("token", "second")
        #expect(try await source.credentials().bearerToken == "first")  // cached within a minute
        clock.advance(61)
        #expect(try await source.credentials().bearerToken == "second")
        try s.write("token", "third")
        #expect(try await source.credentials(refresh: true).bearerToken == "third")  // after a 401
    }
}

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t = Date(timeIntervalSince1970: 1_774_000_000)
    var now: Date { lock.withLock { t } }
    func advance(_ s: TimeInterval) { lock.withLock { t = t.addingTimeInterval(s) } }
}
