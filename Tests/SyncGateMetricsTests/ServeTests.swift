import Foundation
import SyncGateMetrics
import Testing

@Suite struct ServeTests {
    @Test func scrapesMetricsOverHTTPOnLoopback() async throws {
        let endpoint = MetricsEndpoint()
        let server = try MetricsHTTPServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        server.start { method, path in endpoint.respond(method: method, path: path) }
        #expect(server.port > 0)

        let before = try HTTPGet.get(port: server.port, path: "/metrics")
        #expect(before.status == 503, "no collection yet")

        let fixture = try Fixture()
        endpoint.update(await MetricsCollector(reader: try fixture.reader(), probe: fixture.probe).collect(now: { Fixture.now }))
        let response = try HTTPGet.get(port: server.port, path: "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let parsed = try PrometheusTextParser.parse(response.body)
        #expect(parsed["syncgate_acme_solver_routes"]?.value(["namespace": "acme-rbac-production"]) == 250)
        #expect(parsed["syncgate_certificate_endpoint_divergence_seconds"]?.value(["host": "pay.example.com"]) == 15 * Fixture.day)

        #expect(try HTTPGet.get(port: server.port, path: "/metrics?x=1").status == 200)
        #expect(try HTTPGet.get(port: server.port, path: "/healthz").body == "ok\n")
        #expect(try HTTPGet.get(port: server.port, path: "/nope").status == 404)
        #expect(try HTTPGet.get(port: server.port, path: "/metrics", method: "POST").status == 405)
        let head = try HTTPGet.get(port: server.port, path: "/metrics", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
    }

    @Test func refusesANonIPv4ListenAddress() {
        #expect(throws: MetricsHTTPServer.StartError.self) { try MetricsHTTPServer(host: "localhost", port: 0) }
    }

    @Test func textfileIsReplacedAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-textfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("syncgate.prom").path
        let writer = TextfileWriter(path: path)
        #expect(writer.warning == nil)
        try writer.write("a 1\n")
        try writer.write("b 2\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "b 2\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["syncgate.prom"], "no temporary file left behind")
        #expect(TextfileWriter(path: directory.appendingPathComponent("x.txt").path).warning != nil)
        #expect(throws: TextfileWriter.WriteError.self) { try TextfileWriter(path: directory.path + "/missing/dir/x.prom").write("") }
    }
}
