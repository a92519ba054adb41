import Foundation
import SyncGateCore
import SyncGateMetrics
import Testing

/// pipelines/alerts/ through Prometheus' own `promtool`: the rules compile, and unit tests with input series show
/// each seed alert firing when it should and staying quiet when it should not.
@Suite struct PromtoolTests {
    static func promtool() -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/promtool") {
            return "\(dir)/promtool"
        }
        return nil
    }

    static func run(_ arguments: [String], in directory: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(promtool()))
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The PrometheusRule's `spec` ({groups: …}), optionally without annotations (unit tests compare labels only).
    static func rules(annotations: Bool, file: String = "syncgate-alerts.yaml") throws -> Value {
        let url = AlertRulesTests.root.appendingPathComponent("pipelines/alerts/\(file)")
        let rule = try #require(try YAMLDecoder.decodeAll(String(contentsOf: url, encoding: .utf8)).documents.first?.root)
        guard !annotations else { return try #require(rule["spec"]) }
        var groups: [Value] = []
        for group in rule[path: "spec", "groups"]?.elements ?? [] {
            var g = Object()
            g["name"] = group["name"] ?? .null
            g["rules"] = .array((group["rules"]?.elements ?? []).map { r in
                var o = Object()
                for (k, v) in r.object?.pairs.map({ ($0, $1) }) ?? [] where k != "annotations" { o[k] = v }
                return .object(o)
            })
            groups.append(.object(g))
        }
        return .object(["groups": .array(groups)])
    }

    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-promtool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test(arguments: ["syncgate-alerts.yaml", "ingress-alerts.yaml"])
    func theRulesCompile(_ file: String) throws {
        guard Self.promtool() != nil else {
            Issue.record("promtool is not installed (Debian package `prometheus`; CI installs it)")
            return
        }
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try JSONWriter.string(try Self.rules(annotations: true, file: file), pretty: true).write(to: dir.appendingPathComponent("rules.json"), atomically: true, encoding: .utf8)
        let (status, output) = try Self.run(["check", "rules", "rules.json"], in: dir)
        #expect(status == 0, "promtool check rules \(file): \(output)")
    }

    @Test func theIngressAlertsFire() throws {
        guard Self.promtool() != nil else {
            Issue.record("promtool is not installed (Debian package `prometheus`; CI installs it)")
            return
        }
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try JSONWriter.string(try Self.rules(annotations: false, file: "ingress-alerts.yaml"), pretty: true).write(to: dir.appendingPathComponent("rules.json"), atomically: true, encoding: .utf8)
        let pod = ["namespace": "traefik", "pod": "traefik-749c566fd-zj2mb", "container": "traefik"]
        let hpa = ["namespace": "traefik", "horizontalpodautoscaler": "traefik"]
        let input: [Value] = [
            Self.series("container_memory_working_set_bytes", pod, "\(400 << 20)x5 \(900 << 20)x30"),
            Self.series("kube_pod_container_resource_limits", pod.merging(["resource": "memory"]) { $1 }, "\(1 << 30)x40"),
            Self.series("kube_pod_container_status_waiting_reason", pod.merging(["reason": "CrashLoopBackOff"]) { $1 }, "0x10 1x30"),
            Self.series("kube_horizontalpodautoscaler_status_current_replicas", hpa, "2x5 5x30"),
            Self.series("kube_horizontalpodautoscaler_spec_max_replicas", hpa, "5x40"),
            Self.series("traefik_config_reloads_total", ["namespace": "traefik", "pod": "traefik-749c566fd-zj2mb"], "0+60x40"),
        ]
        let tests: [Value] = [
            Self.expect("TraefikMemoryPressure", at: "4m", []),
            Self.expect("TraefikMemoryPressure", at: "12m", [pod.merging(["severity": "warning"]) { $1 }]),
            Self.expect("TraefikCrashLoopBackOff", at: "12m", []),
            Self.expect("TraefikCrashLoopBackOff", at: "20m", [pod.merging(["severity": "critical"]) { $1 }]),
            Self.expect("TraefikHPAAtMaxReplicas", at: "20m", [hpa.merging(["severity": "warning", "container": "", "pod": ""]) { $1 }.filter { !$0.value.isEmpty }]),
            Self.expect("TraefikHighConfigReloadRate", at: "15m", [["namespace": "traefik", "pod": "traefik-749c566fd-zj2mb", "severity": "warning"]]),
        ]
        let file: Value = .object([
            "rule_files": .array([.string("rules.json")]),
            "evaluation_interval": .string("1m"),
            "tests": .array([.object(["interval": .string("1m"), "input_series": .array(input), "alert_rule_test": .array(tests)])]),
        ])
        try JSONWriter.string(file, pretty: true).write(to: dir.appendingPathComponent("tests.json"), atomically: true, encoding: .utf8)
        let (status, output) = try Self.run(["test", "rules", "tests.json"], in: dir)
        #expect(status == 0, "promtool test rules (ingress):\n\(output)")
    }

    static func series(_ name: String, _ labels: [String: String], _ values: String) -> Value {
        let text = labels.keys.sorted().map { "\($0)=\"\(labels[$0]!)\"" }.joined(separator: ",")
        return .object(["series": .string("\(name){\(text)}"), "values": .string(values)])
    }

    static func expect(_ alert: String, at time: String, _ firing: [[String: String]]) -> Value {
        .object(["eval_time": .string(time), "alertname": .string(alert),
                 "exp_alerts": .array(firing.map { labels in
                     var o = Object()
                     for key in labels.keys.sorted() { o[key] = .string(labels[key]!) }
                     return .object(["exp_labels": .object(o)])
                 })])
    }

    @Test func theExpositionPassesPromtoolsLint() async throws {
        guard let promtool = Self.promtool() else {
            Issue.record("promtool is not installed (Debian package `prometheus`; CI installs it)")
            return
        }
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = try Fixture()
        let families = await MetricsCollector(reader: try fixture.reader(), probe: fixture.probe).collect(now: { Fixture.now })
        let file = dir.appendingPathComponent("metrics.prom")
        try PrometheusText.render(families).write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: file)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics:\n\(output)")
    }

    @Test func theSeedAlertsFireWhenTheyShould() throws {
        guard Self.promtool() != nil else {
            Issue.record("promtool is not installed (Debian package `prometheus`; CI installs it)")
            return
        }
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try JSONWriter.string(try Self.rules(annotations: false), pretty: true).write(to: dir.appendingPathComponent("rules.json"), atomically: true, encoding: .utf8)
        let day = 86_400
        let cert = ["namespace": "pay", "certificate": "pay-cert"]
        let input: [Value] = [
            // Seed 000: pay retries (routes +5/min, never Ready); catalog is Ready and quiet.
            Self.series("syncgate_certificate_ready", cert, "0x60"),
            Self.series("syncgate_acme_solver_routes", ["namespace": "pay"], "0+5x60"),
            Self.series("syncgate_certificate_ready", ["namespace": "catalog", "certificate": "catalog-cert"], "1x60"),
            Self.series("syncgate_acme_solver_routes", ["namespace": "catalog"], "0x60"),
            // Seed 004: Secret renewed (20 days), endpoint still serves the old one (10 days).
            Self.series("syncgate_certificate_expiry_seconds", cert.merging(["secret": "pay-tls", "source": "secret"]) { $1 }, "\(20 * day)x200"),
            Self.series("syncgate_certificate_expiry_seconds", cert.merging(["secret": "pay-tls", "source": "endpoint", "host": "pay.example.com"]) { $1 }, "\(10 * day)x200"),
            Self.series("syncgate_certificate_endpoint_divergence_seconds", cert.merging(["secret": "pay-tls", "host": "pay.example.com"]) { $1 }, "\(10 * day)x200"),
            // Paused at t=0; the collector last succeeded at t=0 and then stopped.
            Self.series("syncgate_application_paused_timestamp_seconds", ["namespace": "argocd", "application": "pay", "reason": "dns"], "0x400"),
            Self.series("syncgate_collector_last_success_timestamp_seconds", [:], "0x400"),
            // Seed 000's Gateway: Programmed until the new listener's Secret is missing at t=5m.
            Self.series("syncgate_gateway_programmed", ["namespace": "traefik", "gateway": "traefik-gateway"], "1x4 0x60"),
        ]
        let tests: [Value] = [
            Self.expect("SyncGateAcmeRetryStorm", at: "10m", []),
            Self.expect("SyncGateAcmeRetryStorm", at: "30m", [["namespace": "pay", "severity": "critical"]]),
            Self.expect("SyncGateAcmeSolverRoutesHigh", at: "40m", []),  // 200 routes: not more than 200
            Self.expect("SyncGateAcmeSolverRoutesHigh", at: "50m", [["namespace": "pay", "severity": "warning"]]),
            Self.expect("SyncGateCertificateExpiring30d", at: "3h", []),
            Self.expect("SyncGateCertificateExpiring15d", at: "3h", [cert.merging(["severity": "critical"]) { $1 }]),
            Self.expect("SyncGateCertificateExpiring7d", at: "3h", []),
            Self.expect("SyncGateEndpointCertificateOlderThanSecret", at: "3m", []),
            Self.expect("SyncGateEndpointCertificateOlderThanSecret", at: "10m",
                        [cert.merging(["secret": "pay-tls", "host": "pay.example.com", "severity": "critical"]) { $1 }]),
            Self.expect("SyncGateApplicationPausedTooLong", at: "3h", []),
            Self.expect("SyncGateApplicationPausedTooLong", at: "5h",
                        [["namespace": "argocd", "application": "pay", "reason": "dns", "severity": "warning"]]),
            Self.expect("SyncGateGatewayNotProgrammed", at: "4m", []),
            Self.expect("SyncGateGatewayNotProgrammed", at: "10m", [["namespace": "traefik", "gateway": "traefik-gateway", "severity": "critical"]]),
            Self.expect("SyncGateMetricsStale", at: "10m", []),
            Self.expect("SyncGateMetricsStale", at: "30m", [["severity": "warning"]]),
        ]
        let file: Value = .object([
            "rule_files": .array([.string("rules.json")]),
            "evaluation_interval": .string("1m"),
            "tests": .array([.object(["interval": .string("1m"), "input_series": .array(input), "alert_rule_test": .array(tests)])]),
        ])
        try JSONWriter.string(file, pretty: true).write(to: dir.appendingPathComponent("tests.json"), atomically: true, encoding: .utf8)
        let (status, output) = try Self.run(["test", "rules", "tests.json"], in: dir)
        #expect(status == 0, "promtool test rules:\n\(output)")
    }
}
