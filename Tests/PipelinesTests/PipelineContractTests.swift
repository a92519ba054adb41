import Foundation
import SyncGateCore
import Testing

/// The pipelines call `syncgate plan REPO [--policy FILE] --format F --output FILE` and read the exit code: run the
/// built binary exactly that way and check what the CI systems consume (SARIF 2.1.0 for code scanning, JUnit for
/// GitLab, Markdown for the job summary).
@Suite struct PipelineContractTests {
    struct Output {
        var status: Int32
        var files: [String: String]  // format -> content
    }

    static func plan(_ repo: String, formats: [String] = ["sarif", "junit", "markdown"], policy: String? = nil) throws -> Output? {
        guard let binary = DockerfileTests.builtBinary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var status: Int32 = -1
        var files: [String: String] = [:]
        for format in formats {
            let file = directory.appendingPathComponent("report.\(format)").path
            var arguments = ["plan", RepoFiles.path(repo)]
            if let policy { arguments += ["--policy", RepoFiles.path(policy)] }
            arguments += ["--format", format, "--output", file]
            let run = try #require(try RepoFiles.run(binary, arguments))
            #expect(status == -1 || status == run.status, "the exit code must not depend on the format (\(format): \(run.status))")
            status = run.status
            files[format] = try? String(contentsOfFile: file, encoding: .utf8)
            #expect(files[format] != nil, "--format \(format) --output wrote nothing; stderr: \(run.stderr)")
        }
        return Output(status: status, files: files)
    }

    @Test func theIncidentRepositoryIsBlockedWithExit2() throws {
        guard let out = try Self.plan("examples/incident-2026-03-22", policy: "examples/incident-2026-03-22/syncgate.yaml") else { return }
        #expect(out.status == 2, "the pipelines fail the job on exit 2")
        let sarif = try #require(out.files["sarif"])
        let problems = Self.sarifProblems(sarif, repo: "examples/incident-2026-03-22")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        let junit = try #require(out.files["junit"])
        #expect(junit.hasPrefix("<?xml") && junit.contains("<testsuites") && junit.contains("<failure"), "JUnit with failures for GitLab's report")
        let markdown = try #require(out.files["markdown"])
        #expect(markdown.utf8.count < 1_000_000, "fits GitHub's 1 MiB job summary")
        #expect(markdown.contains("platform/gateway/gateway.yaml:"), "findings carry file:line")
    }

    @Test func theQuickstartPassesWithExit0() throws {
        guard let out = try Self.plan("examples/quickstart") else { return }
        #expect(out.status == 0)
        #expect(Self.sarifProblems(try #require(out.files["sarif"]), repo: "examples/quickstart").isEmpty)
    }

    /// The required properties of SARIF 2.1.0 (sarif-schema-2.1.0.json) on every object SyncGate emits, plus what
    /// GitHub code scanning needs: locations relative to the repository that exist, lines from 1.
    static func sarifProblems(_ text: String, repo: String) -> [String] {
        guard let log = try? YAMLDecoder.decodeOne(Array(text.utf8)), log.object != nil else { return ["not JSON"] }
        var out: [String] = []
        if log["version"]?.string != "2.1.0" { out.append("sarifLog.version must be \"2.1.0\"") }
        guard let runs = log["runs"]?.array else { return out + ["sarifLog.runs is required"] }
        for (r, run) in runs.enumerated() {
            guard let driver = run[path: "tool", "driver"] else { out.append("runs[\(r)].tool.driver is required"); continue }
            if driver["name"]?.string?.isEmpty != false { out.append("runs[\(r)].tool.driver.name is required") }
            let rules = driver["rules"]?.elements ?? []
            for (i, rule) in rules.enumerated() where rule["id"]?.string == nil { out.append("rules[\(i)].id is required") }
            let ruleIDs = rules.compactMap { $0["id"]?.string }
            for (i, result) in (run["results"]?.elements ?? []).enumerated() {
                let at = "runs[\(r)].results[\(i)]"
                if result[path: "message", "text"]?.string == nil && result[path: "message", "id"]?.string == nil {
                    out.append("\(at).message needs text or id")
                }
                if let level = result["level"]?.string, !["none", "note", "warning", "error"].contains(level) { out.append("\(at).level '\(level)'") }
                if let id = result["ruleId"]?.string, !ruleIDs.contains(id) { out.append("\(at).ruleId \(id) is not in tool.driver.rules") }
                if let index = result["ruleIndex"]?.int, index < 0 || index >= rules.count || rules[index]["id"]?.string != result["ruleId"]?.string {
                    out.append("\(at).ruleIndex \(index) does not point at rule \(result["ruleId"]?.string ?? "?")")
                }
                for (j, location) in (result["locations"]?.elements ?? []).enumerated() {
                    guard let physical = location["physicalLocation"] else { continue }
                    guard let uri = physical[path: "artifactLocation", "uri"]?.string else { out.append("\(at).locations[\(j)]: artifactLocation.uri is required"); continue }
                    if uri.hasPrefix("/") || uri.contains("://") { out.append("\(at): uri \(uri) must be relative for code scanning") }
                    else if !FileManager.default.fileExists(atPath: RepoFiles.path("\(repo)/\(uri)")) { out.append("\(at): \(uri) does not exist in \(repo)") }
                    if let line = physical[path: "region", "startLine"]?.int, line < 1 { out.append("\(at): startLine \(line) < 1") }
                }
            }
        }
        return out
    }
}
