import Foundation
import Testing
import SyncGateCore
@testable import SyncGateKube

@Suite struct ExecPluginTests {
    /// A plugin that counts its runs, saves KUBERNETES_EXEC_INFO, and prints a token expiring at $EXPIRES.
    static func plugin(in s: Scratch) throws -> String {
        try s.write("plugin.sh", """
            #!/bin/sh
            n=$(cat "$COUNTER" 2>/dev/null || echo 0)
            n=$((n+1))
            echo $n > "$COUNTER"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO_OUT"
            echo "plugin diagnostics go to stderr" >&2
            cat <<JSON
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
             "status":{"token":"token-$n","expirationTimestamp":"$EXPIRES"}}
            JSON
            """, executable: true)
    }

    static func config(_ s: Scratch, command: String, expires: String, provideClusterInfo: Bool = true) -> KubeConfig.ExecConfig {
        KubeConfig.ExecConfig(apiVersion: "client.authentication.k8s.io/v1", command: command, args: [],
                              env: [("COUNTER", s.path + "/count"), ("INFO_OUT", s.path + "/info"), ("EXPIRES", expires)],
                              installHint: "install the test plugin", provideClusterInfo: provideClusterInfo, interactiveMode: "Never")
    }

    @Test func cachesUntilExpirationAndPassesExecInfo() async throws {
        let s = try Scratch()
        let cmd = try Self.plugin(in: s)
        let clock = TestClock()
        let expires = RFC3339.format(clock.now.addingTimeInterval(100))
        let info = Value.object(["server": .string("https://127.0.0.1:6443")])
        let source = CredentialSource(auth: .exec(Self.config(s, command: cmd, expires: expires)),
                                      environment: ["PATH": "/usr/bin:/bin"], clusterInfo: info, now: { clock.now })
        #expect(try await source.credentials().bearerToken == "token-1")
        #expect(try await source.credentials().bearerToken == "token-1")
        clock.advance(50)
        #expect(try await source.credentials().bearerToken == "token-1")
        #expect(await source.execRuns == 1)
        clock.advance(51)  // past expirationTimestamp
        #expect(try await source.credentials().bearerToken == "token-2")
        #expect(await source.execRuns == 2)
        #expect(try String(contentsOfFile: s.path + "/count", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "2")
        let execInfo = try YAMLDecoder.decodeOne(Array(try String(contentsOfFile: s.path + "/info", encoding: .utf8).utf8))
        #expect(execInfo["kind"]?.string == "ExecCredential")
        #expect(execInfo["apiVersion"]?.string == "client.authentication.k8s.io/v1")
        #expect(execInfo[path: "spec", "interactive"]?.bool == false)
        #expect(execInfo[path: "spec", "cluster", "server"]?.string == "https://127.0.0.1:6443")
        // a 401 forces a fresh run even before expiry
        #expect(try await source.credentials(refresh: true).bearerToken == "token-3")
    }

    @Test func concurrentRequestsShareOneRun() async throws {
        let s = try Scratch()
        let cmd = try Self.plugin(in: s)
        let source = CredentialSource(auth: .exec(Self.config(s, command: cmd, expires: "2099-01-01T00:00:00Z")),
                                      environment: ["PATH": "/usr/bin:/bin"])
        try await withThrowingTaskGroup(of: String?.self) { g in
            for _ in 0..<8 { g.addTask { try await source.credentials().bearerToken } }
            for try await t in g { #expect(t == "token-1") }
        }
        #expect(await source.execRuns == 1)
    }

    @Test func failuresSayWhatToDo() async throws {
        let s = try Scratch()
        let failing = try s.write("fail.sh", "#!/bin/sh\necho 'token expired, run login' >&2\nexit 3\n", executable: true)
        let source = CredentialSource(auth: .exec(Self.config(s, command: failing, expires: "")), environment: [:])
        do {
            _ = try await source.credentials()
            Issue.record("expected failure")
        } catch let e as KubeError {
            #expect("\(e)".contains("exited with status 3"))
            #expect("\(e)".contains("token expired, run login"))
        }
        let missing = CredentialSource(auth: .exec(Self.config(s, command: "no-such-plugin-xyz", expires: "")), environment: ["PATH": s.path])
        do {
            _ = try await missing.credentials()
            Issue.record("expected failure")
        } catch let e as KubeError {
            #expect("\(e)".contains("not found in PATH"))
            #expect("\(e)".contains("install the test plugin"))
        }
    }

    @Test func parsesClientCertificateCredentials() throws {
        let out = #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}"#
        let c = try ExecCredentialPlugin.parse(Array(out.utf8), apiVersion: "client.authentication.k8s.io/v1", command: "x")
        #expect(c.token == nil)
        #expect(c.clientCertificatePEM == Array("CERT".utf8))
        #expect(c.expiration == nil)
        #expect(throws: KubeError.self) {
            try ExecCredentialPlugin.parse(Array(#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{}}"#.utf8),
                                           apiVersion: "client.authentication.k8s.io/v1", command: "x")
        }
        #expect(throws: KubeError.self) {
            try ExecCredentialPlugin.parse(Array(#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"t"}}"#.utf8),
                                           apiVersion: "client.authentication.k8s.io/v1", command: "x")
        }
    }
}
