import Foundation
import SyncGateCore
import SyncGateMetrics
import Testing

/// pipelines/alerts/ uses only metrics SyncGateMetrics exports, with labels those metrics have.
@Suite struct AlertRulesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func rules() throws -> [(file: String, rule: Value)] {
        let directory = Self.root.appendingPathComponent("pipelines/alerts")
        var out: [(String, Value)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            for document in try YAMLDecoder.decodeAll(text, file: name).documents {
                for group in document.root[path: "spec", "groups"]?.elements ?? [] {
                    for rule in group["rules"]?.elements ?? [] { out.append((name, rule)) }
                }
            }
        }
        return out
    }

    static func metricNames(in expr: String) -> Set<String> {
        var names = Set<String>()
        var current = ""
        for c in expr + " " {
            if c.isLetter || c.isNumber || c == "_" || c == ":" { current.append(c) } else {
                if current.hasPrefix("syncgate_") { names.insert(current) }
                current = ""
            }
        }
        return names
    }

    @Test func theSeedAlertsAreThere() throws {
        let names = Set(try rules().compactMap { $0.rule["alert"]?.string })
        for required in ["SyncGateAcmeRetryStorm", "SyncGateAcmeSolverRoutesHigh", "SyncGateCertificateExpiring30d",
                         "SyncGateCertificateExpiring15d", "SyncGateCertificateExpiring7d",
                         "SyncGateEndpointCertificateOlderThanSecret", "SyncGateApplicationPausedTooLong",
                         "TraefikMemoryPressure", "TraefikHPAAtMaxReplicas", "TraefikHighConfigReloadRate", "TraefikCrashLoopBackOff"] {
            #expect(names.contains(required), "\(required) missing from pipelines/alerts")
        }
    }

    @Test func everyMetricAndLabelInTheRulesIsExported() throws {
        let all = try rules()
        #expect(!all.isEmpty)
        for (file, rule) in all {
            let alert = rule["alert"]?.string ?? "?"
            let expr = try #require(rule["expr"]?.scalarText, "\(file): \(alert) has no expr")
            let metrics = Self.metricNames(in: expr)
            // ingress-alerts.yaml is over kube-state-metrics/cAdvisor/Traefik; every other file over syncgate metrics.
            if file == "ingress-alerts.yaml" { continue }
            #expect(!metrics.isEmpty, "\(file): \(alert) uses no syncgate metric")
            var labels = Set<String>()
            for name in metrics {
                let descriptor = MetricCatalog.descriptor(named: name)
                #expect(descriptor != nil, "\(file): \(alert) uses \(name), which `syncgate metrics` does not export")
                labels.formUnion(descriptor?.labels ?? [])
            }
            // {{ $labels.x }} in annotations must be a label of some metric of the expression.
            for annotation in rule["annotations"]?.object?.values ?? [] {
                let text = annotation.scalarText ?? ""
                var rest = Substring(text)
                while let r = rest.range(of: "$labels.") {
                    let name = rest[r.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    #expect(labels.contains(String(name)), "\(file): \(alert) annotates with $labels.\(name), which its metrics do not carry")
                    rest = rest[r.upperBound...]
                }
            }
            // Matchers {label="…"} and by/on (…) name declared labels.
            for clause in Self.groupingClauses(expr) {
                #expect(labels.contains(clause), "\(file): \(alert) groups or matches on '\(clause)', not a label of \(metrics.sorted())")
            }
        }
    }

    static func groupingClauses(_ expr: String) -> [String] {
        var out: [String] = []
        let scanner = expr.replacingOccurrences(of: "\n", with: " ")
        for keyword in ["by (", "on (", "by(", "on("] {
            var rest = Substring(scanner)
            while let r = rest.range(of: keyword) {
                let inside = rest[r.upperBound...].prefix { $0 != ")" }
                out += inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                rest = rest[r.upperBound...]
            }
        }
        var rest = Substring(scanner)
        while let open = rest.firstIndex(of: "{") {
            let inside = rest[rest.index(after: open)...].prefix { $0 != "}" }
            out += inside.split(separator: ",").compactMap { $0.split(separator: "=").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " !~")) } }
            rest = rest[rest.index(after: open)...]
        }
        return out.filter { !$0.isEmpty }
    }
}
