import Foundation
import SyncGateCore
import Testing

/// The shell in the CI files, run the way each CI system runs it, with the built `syncgate` on PATH, on a copy
/// of the incident repository (blocked: exit 2) and the quickstart (passes).
@Suite struct CIScriptTests {
    struct Workspace {
        let directory: URL
        var path: String { directory.path }
        init(copying repo: String) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-ci-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: RepoFiles.path(repo), toPath: directory.appendingPathComponent("repo").path)
        }
        func remove() { try? FileManager.default.removeItem(at: directory) }
        func read(_ name: String) -> String? { try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) }
    }

    static func binDirectory() -> String? {
        DockerfileTests.builtBinary().map { ($0 as NSString).deletingLastPathComponent }
    }

    static func environment(_ extra: [String: String], bin: String) -> [String: String] {
        var env = ["PATH": "\(bin):/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "NO_COLOR": "1"]
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
    static func githubStep(_ step: Value, inputs: [String: String], outputs: [String: [String: String]] = [:], workspace: Workspace, bin: String) throws -> (RepoFiles.Run, [String: String]) {
        let script = try #require(step["run"]?.string)
        var env: [String: String] = [:]
        for (name, value) in step["env"]?.object?.pairs.map({ ($0, $1) }) ?? [] {
            var text = value.scalarText ?? ""
            for (input, v) in inputs { text = text.replacingOccurrences(of: "${{ inputs.\(input) }}", with: v) }
            for (id, outs) in outputs { for (k, v) in outs { text = text.replacingOccurrences(of: "${{ steps.\(id).outputs.\(k) }}", with: v) } }
            #expect(!text.contains("${{"), "unresolved expression in env \(name): \(text)")
            env[name] = text
        }
        let file = workspace.directory.appendingPathComponent("step-\(UUID().uuidString).sh").path
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let outputFile = workspace.directory.appendingPathComponent("github-output-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: outputFile, contents: nil)
        env["GITHUB_OUTPUT"] = outputFile
        env["GITHUB_STEP_SUMMARY"] = workspace.directory.appendingPathComponent("summary.md").path
        env["GITHUB_WORKSPACE"] = workspace.path
        let run = try #require(try RepoFiles.run("/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", file],
                                                 environment: environment(env, bin: bin), cwd: workspace.path))
        var outputs: [String: String] = [:]
        for line in (try? String(contentsOfFile: outputFile, encoding: .utf8))?.split(separator: "\n") ?? [] {
            if let eq = line.firstIndex(of: "=") { outputs[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        return (run, outputs)
    }

    @Test(arguments: [("examples/incident-2026-03-22", "2"), ("examples/quickstart", "0")])
    func githubActionReportsAndFailsOnExit2(_ repo: String, _ expected: String) throws {
        guard let bin = Self.binDirectory() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return
        }
        let action = try #require(try RepoFiles.documents("pipelines/github/action.yml").first?.root)
        let steps = action[path: "runs", "steps"]?.elements ?? []
        let workspace = try Workspace(copying: repo)
        defer { workspace.remove() }
        var inputs: [String: String] = [:]
        for (name, input) in action["inputs"]?.object?.pairs.map({ ($0, $1) }) ?? [] { inputs[name] = input["default"]?.scalarText ?? "" }
        inputs["path"] = "repo"

        let (run, outputs) = try Self.githubStep(steps[0], inputs: inputs, workspace: workspace, bin: bin)
        #expect(run.status == 0, "the report step must not fail before the SARIF upload: \(run.status) \(run.stderr)")
        #expect(outputs["exit-code"] == expected, "exit-code output: \(outputs) \(run.stderr)")
        #expect(workspace.read("syncgate-reports/syncgate.sarif")?.contains("\"2.1.0\"") == true)
        #expect(workspace.read("syncgate-reports/syncgate.xml")?.contains("<testsuites") == true)
        #expect(workspace.read("summary.md")?.contains("SyncGate plan") == true, "Markdown in the job summary")

        // The upload step is a `uses:` (not runnable here); the verdict step fails the job on anything but 0.
        #expect(steps[1]["uses"]?.string?.hasPrefix("github/codeql-action/upload-sarif@") == true)
        let (verdict, _) = try Self.githubStep(steps[2], inputs: inputs, outputs: ["run": outputs], workspace: workspace, bin: bin)
        #expect(String(verdict.status) == expected, "verdict step exit: \(verdict.status) \(verdict.stdout)")
        if expected == "2" { #expect(verdict.stdout.contains("::error::SyncGate: blocked by a prerequisite")) }
    }

    @Test func gitlabJobFailsOnExit2WithArtifacts() throws {
        guard let bin = Self.binDirectory() else {
            Issue.record("the syncgate binary is not built next to the tests")
            return
        }
        let file = try #require(try RepoFiles.documents("pipelines/gitlab/syncgate.gitlab-ci.yml").first?.root)
        let template = try #require(file[".syncgate"])
        let lines = template["script"]?.elements.compactMap(\.string) ?? []
        for (expectedStatus, repo) in [(2, "examples/incident-2026-03-22"), (0, "examples/quickstart")] {
            let workspace = try Workspace(copying: repo)
            defer { workspace.remove() }
            // The runner stops at the first failing line, like `set -e`.
            let script = "set -e\n" + lines.joined(separator: "\n") + "\n"
            var variables: [String: String] = [:]
            for (k, v) in file["variables"]?.object?.pairs.map({ ($0, $1) }) ?? [] { variables[k] = v.scalarText ?? "" }
            for (k, v) in template["variables"]?.object?.pairs.map({ ($0, $1) }) ?? [] { variables[k] = v.scalarText ?? "" }
            variables["SYNCGATE_PATH"] = "repo"
            let run = try #require(try RepoFiles.run("/bin/sh", ["-c", script], environment: Self.environment(variables, bin: bin), cwd: workspace.path))
            #expect(run.status == Int32(expectedStatus), "\(repo): job exit \(run.status) \(run.stderr)")
            for artifact in ["syncgate-reports/junit.xml", "syncgate-reports/syncgate.md", "syncgate-reports/syncgate.sarif"] {
                #expect(workspace.read(artifact) != nil, "\(repo): \(artifact) missing")
            }
            #expect(template[path: "artifacts", "reports", "junit"]?.string == "syncgate-reports/junit.xml")
        }
    }

    @Test func tektonStepScriptWritesItsResults() throws {
        guard let bin = Self.binDirectory() else {
            Issue.record("the syncgate binary is not built next to the tests")
            return
        }
        let task = try #require(try RepoFiles.documents("pipelines/tekton/task.yaml").first?.root)
        let step = try #require(task[path: "spec", "steps"]?[0])
        for (format, expected) in [("markdown", "2"), ("sarif", "2"), ("bogus", "1")] {
            let workspace = try Workspace(copying: "examples/incident-2026-03-22")
            defer { workspace.remove() }
            var params: [String: String] = [:]
            for p in task[path: "spec", "params"]?.elements ?? [] { params[p["name"]?.string ?? ""] = p["default"]?.scalarText ?? "" }
            params["repo-path"] = "repo"
            params["output-format"] = format
            // What Tekton substitutes before running the script.
            var script = try #require(step["script"]?.string)
            let exitCode = workspace.directory.appendingPathComponent("result-exit-code").path
            let report = workspace.directory.appendingPathComponent("result-report").path
            script = script.replacingOccurrences(of: "$(results.exit-code.path)", with: exitCode)
                .replacingOccurrences(of: "$(results.report.path)", with: report)
                .replacingOccurrences(of: "$(workspaces.source.path)", with: workspace.path)
            var env: [String: String] = [:]
            for e in step["env"]?.elements ?? [] {
                var value = e["value"]?.scalarText ?? ""
                for (k, v) in params { value = value.replacingOccurrences(of: "$(params.\(k))", with: v) }
                env[e["name"]?.string ?? ""] = value
            }
            let file = workspace.directory.appendingPathComponent("script.sh").path
            try script.write(toFile: file, atomically: true, encoding: .utf8)
            let run = try #require(try RepoFiles.run("/bin/sh", [file], environment: Self.environment(env, bin: bin), cwd: workspace.path))
            #expect(String(run.status) == expected, "\(format): step exit \(run.status) \(run.stderr)")
            if expected == "2" {
                #expect(workspace.read("result-exit-code") == "2")
                let reportPath = try #require(workspace.read("result-report"))
                #expect(FileManager.default.fileExists(atPath: reportPath), "\(format): the report result points at \(reportPath)")
            }
        }
    }
}
