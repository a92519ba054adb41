import Foundation
import KubeSim
import SyncGateCore
import Testing

@Suite("server robustness")
struct RobustnessTests {
    @Test("plain HTTP to the TLS port and garbage bytes do not take the server down")
    func badClients() async throws {
        let f = try SimFixture.start(token: "tok") { $0.tls = true; $0.controllers = [] }
        defer { f.sim.stop() }
        for _ in 0..<3 {
            _ = try? await HTTP(base: "http://127.0.0.1:\(f.sim.port)").request("GET", "/version")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(f.sim.port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        _ = "\u{16}\u{03}\u{01}garbage\r\n\r\n".withCString { send(fd, $0, 14, Int32(MSG_NOSIGNAL)) }
        close(fd)
        let out = try f.kubectl().ok("get", "namespaces")
        #expect(out.contains("kube-system"))
    }

    @Test("kubectl get --watch prints changes as they happen")
    func kubectlWatch() throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let sim = f.sim
        let writer = Thread {
            Thread.sleep(forTimeInterval: 1.0)
            _ = try? sim.apply(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: later, namespace: default}\n")
        }
        writer.start()
        let r = try Kubectl(f.kubeconfig).run(["get", "configmaps", "--watch", "--request-timeout=3s", "-o", "name"])
        #expect(r.stdout.contains("configmap/later"), "stdout: \(r.stdout) stderr: \(r.stderr)")
    }

    @Test("many parallel clients")
    func parallel() async throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let http = HTTP(base: f.sim.baseURL)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await http.request("POST", "/api/v1/namespaces/default/configmaps",
                                           body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"p\#(i)"}}"#).status
                }
            }
            for try await status in group { #expect(status == 201) }
        }
        #expect(f.sim.list("ConfigMap", namespace: "default").count == 40)
        let rvs = Set(f.sim.list("ConfigMap", namespace: "default").compactMap { $0[path: "metadata", "resourceVersion"]?.string })
        #expect(rvs.count == 40, "every write gets its own resourceVersion")
    }
}

@Suite("kubectl typed generators (protobuf bodies)")
struct GeneratorTests {
    @Test("kubectl create namespace / secret tls / configmap, as seed 000's operators typed them")
    func create() throws {
        let f = try SimFixture.start { $0.controllers = [] }
        defer { f.sim.stop() }
        let k = try f.kubectl()
        try k.ok("create", "namespace", "acme-pay-production")
        let issued = try f.sim.ca.issue(commonName: "temp-bootstrap", dnsNames: ["temp-bootstrap"], notBefore: Date(), notAfter: Date().addingTimeInterval(86400))
        try f.dir.write("tls.crt", issued.certificatePEM)
        try f.dir.write("tls.key", issued.keyPEM)
        try k.ok("create", "secret", "tls", "acme-pay-prod-tls-secret", "-n", "acme-pay-production",
                 "--cert=\(f.dir.path)/tls.crt", "--key=\(f.dir.path)/tls.key")
        let secret = try #require(f.sim.get("Secret", "acme-pay-production", "acme-pay-prod-tls-secret"))
        #expect(secret["type"]?.string == "kubernetes.io/tls")
        #expect(secret[path: "data", "tls.crt"]?.string == Data(issued.certificatePEM.utf8).base64EncodedString())
        try k.ok("create", "configmap", "settings", "-n", "acme-pay-production", "--from-literal=level=info")
        #expect(f.sim.get("ConfigMap", "acme-pay-production", "settings")?[path: "data", "level"]?.string == "info")
        let unsupported = try k.run(["create", "deployment", "web", "--image=nginx"])
        #expect(unsupported.status != 0 && unsupported.stderr.contains("KubeSim does not speak"))
    }
}
