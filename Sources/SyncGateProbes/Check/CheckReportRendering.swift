import Foundation
import SyncGateCore

/// The output formats of `syncgate check` (the same names as `plan`'s).
public enum CheckReportFormat: String, Sendable, CaseIterable {
    case text, json, mermaid, dot, junit, sarif, markdown
}

/// Renders a `CheckReport`. Pure and deterministic for a given report.
public struct CheckReportRenderer: Sendable {
    public let format: CheckReportFormat
    public let colour: Bool
    public init(format: CheckReportFormat, colour: Bool = false) {
        self.format = format
        self.colour = colour
    }

    public func render(_ report: CheckReport) -> String {
        switch format {
        case .text: return text(report)
        case .json: return json(report)
        case .markdown: return markdown(report)
        case .junit: return junit(report)
        case .sarif: return sarif(report)
        case .mermaid: return mermaid(report)
        case .dot: return dot(report)
        }
    }

    private func mark(_ verdict: Verdict) -> String {
        let word = verdict.rawValue.uppercased()
        guard colour else { return word }
        switch verdict {
        case .pass: return "\u{1B}[32m\(word)\u{1B}[0m"
        case .fail: return "\u{1B}[31m\(word)\u{1B}[0m"
        case .unknown: return "\u{1B}[33m\(word)\u{1B}[0m"
        }
    }

    private static func ms(_ value: Double) -> String { String(format: "%.0f ms", value) }

    func text(_ report: CheckReport) -> String {
        var out = "syncgate check (\(report.kinds.map(\.rawValue).joined(separator: ",")))\n\n"
        out += "Nodes:\n"
        let unprobed = report.nodes.filter { $0.probes.isEmpty }
        for node in report.nodes where !node.probes.isEmpty {
            out += "  \(mark(node.verdict).padding(toLength: colour ? 16 : 7, withPad: " ", startingAt: 0)) \(node.id)  [\(Self.ms(node.durationMilliseconds))]\n"
            out += "          \(node.summary)\n"
            for probe in node.probes where node.probes.count > 1 || probe.result.verdict != .pass {
                out += "          - \(probe.target.label): \(probe.result.verdict.rawValue) — \(probe.result.summary)\n"
            }
            if node.verdict == .fail, let location = node.location { out += "          at \(location)\n" }
        }
        // Nodes without probes, grouped by why (their summary): "9 nodes (1 service, …): only the cluster…".
        var groups: [(summary: String, nodes: [CheckReport.NodeResult])] = []
        for node in unprobed {
            if let index = groups.firstIndex(where: { $0.summary == node.summary }) { groups[index].nodes.append(node) }
            else { groups.append((node.summary, [node])) }
        }
        for group in groups {
            var byKind: [String: Int] = [:]
            for node in group.nodes { byKind[node.kind, default: 0] += 1 }
            let kinds = byKind.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            out += "  \(mark(.unknown).padding(toLength: colour ? 16 : 7, withPad: " ", startingAt: 0)) \(group.nodes.count) node\(group.nodes.count == 1 ? "" : "s") (\(kinds)): \(group.summary)\n"
        }
        if !report.chains.isEmpty {
            out += "\nChains:\n"
            for chain in report.chains {
                let links = chain.nodes.map { "\($0.id) \($0.verdict.rawValue)" }.joined(separator: " -> ")
                out += "  \(mark(chain.verdict)) \(chain.host): \(links)\n"
                if let first = chain.firstFailing { out += "          first failing link: \(first)\n" }
            }
        }
        out += "\n\(report.count(.pass)) pass, \(report.count(.fail)) fail, \(report.count(.unknown)) unknown in \(Self.ms(report.totalMilliseconds))"
        out += report.exitCode == 2 ? " — blocked: a prerequisite fails (exit 2)\n" : "\n"
        return out
    }

    /// JSON written by hand (keys in a fixed order): deterministic, and fast on thousands of nodes.
    func json(_ report: CheckReport) -> String {
        var out = "{\n"
        out += "  \"kinds\": [\(report.kinds.map { JSONText.string($0.rawValue) }.joined(separator: ", "))],\n"
        out += "  \"summary\": {\"pass\": \(report.count(.pass)), \"fail\": \(report.count(.fail)), \"unknown\": \(report.count(.unknown)), "
        out += "\"durationMs\": \(JSONText.number(report.totalMilliseconds)), \"exitCode\": \(report.exitCode)},\n"
        out += "  \"nodes\": ["
        for (index, node) in report.nodes.enumerated() {
            out += index == 0 ? "\n    {" : ",\n    {"
            out += "\"id\": \(JSONText.string(node.id)), \"kind\": \(JSONText.string(node.kind)), \"verdict\": \(JSONText.string(node.verdict.rawValue)), "
            out += "\"summary\": \(JSONText.string(node.summary)), \"durationMs\": \(JSONText.number(node.durationMilliseconds))"
            if let location = node.location { out += ", \"location\": \(JSONText.string(location))" }
            out += ", \"probes\": ["
            for (probeIndex, probe) in node.probes.enumerated() {
                out += probeIndex == 0 ? "\n      {" : ",\n      {"
                out += "\"kind\": \(JSONText.string(probe.target.kind.rawValue)), \"check\": \(JSONText.string(probe.target.label)), "
                out += "\"verdict\": \(JSONText.string(probe.result.verdict.rawValue)), \"summary\": \(JSONText.string(probe.result.summary)), "
                out += "\"attempts\": \(probe.result.attempts), \"durationMs\": \(JSONText.number(probe.result.durationMilliseconds)), \"evidence\": {"
                out += probe.result.evidence.map { "\(JSONText.string($0.key)): \(JSONText.string($0.value))" }.joined(separator: ", ")
                out += "}}"
            }
            out += node.probes.isEmpty ? "]}" : "\n    ]}"
        }
        out += report.nodes.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"chains\": ["
        for (index, chain) in report.chains.enumerated() {
            out += index == 0 ? "\n    {" : ",\n    {"
            out += "\"host\": \(JSONText.string(chain.host)), \"verdict\": \(JSONText.string(chain.verdict.rawValue)), "
            if let first = chain.firstFailing { out += "\"firstFailing\": \(JSONText.string(first)), " }
            out += "\"nodes\": [" + chain.nodes.map { "{\"id\": \(JSONText.string($0.id)), \"verdict\": \(JSONText.string($0.verdict.rawValue))}" }.joined(separator: ", ") + "]}"
        }
        out += report.chains.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    func markdown(_ report: CheckReport) -> String {
        var out = "## syncgate check\n\n**\(report.count(.pass)) pass, \(report.count(.fail)) fail, \(report.count(.unknown)) unknown**"
        out += report.exitCode == 2 ? " — blocked: a prerequisite fails\n\n" : "\n\n"
        if !report.chains.isEmpty {
            out += "| host | verdict | first failing link |\n|---|---|---|\n"
            for chain in report.chains {
                out += "| `\(chain.host)` | \(chain.verdict.rawValue) | \(chain.firstFailing.map { "`\($0)`" } ?? "") |\n"
            }
            out += "\n"
        }
        out += "| node | verdict | evidence | time |\n|---|---|---|---|\n"
        for node in report.nodes {
            out += "| `\(node.id)` | \(node.verdict.rawValue) | \(Escape.markdownCell(node.summary)) | \(Self.ms(node.durationMilliseconds)) |\n"
        }
        return out
    }

    func junit(_ report: CheckReport) -> String {
        let seconds = { (ms: Double) in String(format: "%.3f", ms / 1000) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"syncgate check\" tests=\"\(report.nodes.count)\" failures=\"\(report.count(.fail))\" skipped=\"\(report.count(.unknown))\" time=\"\(seconds(report.totalMilliseconds))\">\n"
        out += "  <testsuite name=\"live evidence\" tests=\"\(report.nodes.count)\" failures=\"\(report.count(.fail))\" skipped=\"\(report.count(.unknown))\" time=\"\(seconds(report.totalMilliseconds))\">\n"
        for node in report.nodes {
            out += "    <testcase classname=\"\(Escape.xml(node.kind))\" name=\"\(Escape.xml(node.id))\" time=\"\(seconds(node.durationMilliseconds))\""
            switch node.verdict {
            case .pass: out += "/>\n"
            case .fail:
                let details = node.probes.flatMap { $0.result.evidence.map { "\($0.key): \($0.value)" } }.joined(separator: "\n")
                out += ">\n      <failure message=\"\(Escape.xml(node.summary))\">\(Escape.xml(details + (node.location.map { "\nat \($0)" } ?? "")))</failure>\n    </testcase>\n"
            case .unknown: out += ">\n      <skipped message=\"\(Escape.xml(node.summary))\"/>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    func sarif(_ report: CheckReport) -> String {
        let results: [[String: Any]] = report.nodes.filter { $0.verdict == .fail }.map { node in
            var result: [String: Any] = ["ruleId": "check-\(node.kind)", "level": "error",
                                         "message": ["text": "\(node.id): \(node.summary)"]]
            if let location = node.location, let colon = location.lastIndex(of: ":"), let line = Int(location[location.index(after: colon)...]) {
                result["locations"] = [["physicalLocation": ["artifactLocation": ["uri": String(location[..<colon])], "region": ["startLine": line]]]]
            }
            return result
        }
        let kinds = Set(report.nodes.filter { $0.verdict == .fail }.map(\.kind)).sorted()
        let document: [String: Any] = [
            "version": "2.1.0",
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "runs": [[
                "tool": ["driver": ["name": "syncgate check", "informationUri": "https://github.com/syncgate/syncgate",
                                    "rules": kinds.map { ["id": "check-\($0)", "shortDescription": ["text": "live evidence for \($0) nodes fails"]] }]],
                "results": results,
            ]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func slug(_ id: String) -> String {
        "n" + String(id.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "_" })
    }

    func mermaid(_ report: CheckReport) -> String {
        var out = "flowchart LR\n"
        out += "  classDef pass fill:#d4f7d4,stroke:#2a7a2a\n  classDef fail fill:#f9d0d0,stroke:#a02020\n  classDef unknown fill:#f3f3c8,stroke:#8a8a20\n"
        var seen = Set<String>()
        for node in report.nodes where !seen.contains(node.id) {
            seen.insert(node.id)
            out += "  \(Self.slug(node.id))[\"\(node.id.replacingOccurrences(of: "\"", with: "'"))\"]:::\(node.verdict.rawValue)\n"
        }
        var edges = Set<String>()
        for chain in report.chains {
            for (a, b) in zip(chain.nodes, chain.nodes.dropFirst()) where edges.insert("\(a.id)>\(b.id)").inserted {
                out += "  \(Self.slug(a.id)) --> \(Self.slug(b.id))\n"
            }
        }
        return out
    }

    func dot(_ report: CheckReport) -> String {
        let colours: [Verdict: String] = [.pass: "palegreen", .fail: "salmon", .unknown: "khaki"]
        var out = "digraph syncgate_check {\n  rankdir=LR;\n  node [shape=box, style=filled];\n"
        for node in report.nodes {
            out += "  \"\(node.id)\" [fillcolor=\(colours[node.verdict]!), tooltip=\"\(node.summary.replacingOccurrences(of: "\"", with: "'"))\"];\n"
        }
        var edges = Set<String>()
        for chain in report.chains {
            for (a, b) in zip(chain.nodes, chain.nodes.dropFirst()) where edges.insert("\(a.id)>\(b.id)").inserted {
                out += "  \"\(a.id)\" -> \"\(b.id)\";\n"
            }
        }
        return out + "}\n"
    }
}

/// Minimal JSON text helpers.
enum JSONText {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
