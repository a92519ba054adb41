import Foundation
import Testing

/// The image cannot be built here (no Docker engine): check what can be checked. The runtime stage installs every
/// Debian package that owns a shared library the `syncgate` binary loads, the build stage has the headers, the
/// image runs as non-root with `syncgate` as entrypoint, and pipelines/README.md lists the same packages.
@Suite struct DockerfileTests {
    struct Stage {
        var from: String
        var name: String?
        var instructions: [(String, String)]  // (INSTRUCTION, arguments)
        var aptPackages: [String] {
            instructions.filter { $0.0 == "RUN" }.flatMap { DockerfileTests.aptInstallPackages($0.1) }
        }
    }

    static func stages() throws -> [Stage] {
        let text = try String(contentsOfFile: RepoFiles.path("Dockerfile"), encoding: .utf8)
        var logical: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current.isEmpty && (trimmed.hasPrefix("#") || trimmed.isEmpty) { continue }
            if trimmed.hasPrefix("#") { continue }
            if trimmed.hasSuffix("\\") { current += trimmed.dropLast() + " "; continue }
            current += trimmed
            logical.append(current)
            current = ""
        }
        var stages: [Stage] = []
        for line in logical {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let instruction = parts[0].uppercased(), arguments = parts.count > 1 ? parts[1] : ""
            if instruction == "FROM" {
                let words = arguments.split(separator: " ").map(String.init)
                let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2] : nil
                stages.append(Stage(from: words[0], name: name, instructions: []))
            } else {
                guard !stages.isEmpty else { continue }
                stages[stages.count - 1].instructions.append((instruction, arguments))
            }
        }
        return stages
    }

    /// Package names of every `apt-get install` in a RUN command.
    static func aptInstallPackages(_ command: String) -> [String] {
        var out: [String] = []
        for segment in command.components(separatedBy: "&&") {
            let words = segment.split(separator: " ").map(String.init)
            guard let i = words.firstIndex(of: "install"), i > 0, words[i - 1] == "apt-get" || words[..<i].contains("apt-get") else { continue }
            out += words[(i + 1)...].filter { !$0.hasPrefix("-") }
        }
        return out
    }

    @Test func buildAndRuntimeStages() throws {
        let stages = try Self.stages()
        #expect(stages.count == 2)
        let build = try #require(stages.first), runtime = try #require(stages.last)
        #expect(build.from.hasPrefix("swift:6.") && build.from.hasSuffix("-bookworm"), "build stage: \(build.from)")
        #expect(Set(build.aptPackages).isSuperset(of: ["libyaml-dev", "libcurl4-openssl-dev", "libssl-dev"]))
        let buildCommand = build.instructions.filter { $0.0 == "RUN" }.map(\.1).joined(separator: " ")
        #expect(buildCommand.contains("swift build -c release --static-swift-stdlib --product syncgate"))
        #expect(runtime.from == "debian:bookworm-slim")
        #expect(Set(runtime.aptPackages).isSuperset(of: ["libcurl4", "libssl3", "libyaml-0-2", "ca-certificates"]))
        #expect(runtime.instructions.contains { $0.0 == "USER" && $0.1.hasPrefix("65532") })
        #expect(runtime.instructions.contains { $0.0 == "ENTRYPOINT" && $0.1.contains("syncgate") })
        #expect(runtime.instructions.contains { $0.0 == "COPY" && $0.1.contains("--from=build") })
    }

    /// The `syncgate` binary of this build (next to the test bundle).
    static func builtBinary() -> String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (exe as NSString).deletingLastPathComponent
        for _ in 0..<4 {
            let candidate = "\(directory)/syncgate"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = (directory as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// The Debian package owning each file (merged /usr: both spellings are asked), in one `dpkg -S` call.
    static func owners(of paths: [String]) throws -> [String: String] {
        var spellings: [String: [String]] = [:]  // path -> candidates
        for path in paths {
            var candidates = [path]
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                candidates.append(target.hasPrefix("/") ? target : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target))
            }
            for c in candidates where c.hasPrefix("/usr/lib/") { candidates.append(String(c.dropFirst(4))) }
            for c in candidates where c.hasPrefix("/lib") { candidates.append("/usr" + c) }
            spellings[path] = candidates
        }
        let all = Array(Set(spellings.values.joined())).sorted()
        guard !all.isEmpty, let run = try RepoFiles.run("dpkg", ["-S"] + all) else { return [:] }
        // "libcurl4:amd64: /usr/lib/x86_64-linux-gnu/libcurl.so.4" (dpkg exits 1 when some spelling is unknown)
        var byFile: [String: String] = [:]
        for line in run.stdout.split(separator: "\n") {
            guard let separator = line.range(of: ": /") else { continue }
            let packages = line[..<separator.lowerBound].split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces).split(separator: ":")[0]) }
            byFile[String(line[line.index(after: separator.lowerBound)...]).trimmingCharacters(in: .whitespaces)] = packages.first
        }
        var out: [String: String] = [:]
        for (path, candidates) in spellings {
            if let owner = candidates.lazy.compactMap({ byFile[$0] }).first { out[path] = owner }
        }
        return out
    }

    /// The packages and everything they depend on (Depends and Pre-Depends, recursively, as installed here),
    /// one `dpkg-query` call per level.
    static func closure(of packages: [String]) throws -> Set<String> {
        var seen = Set<String>()
        var level = Set(packages)
        while !level.isEmpty {
            seen.formUnion(level)
            guard let run = try RepoFiles.run("dpkg-query", ["-W", "-f=${Depends}, ${Pre-Depends}\n"] + level.sorted()) else { break }
            var next = Set<String>()
            for line in run.stdout.split(separator: "\n") {
                for clause in line.split(separator: ",") {
                    for alternative in clause.split(separator: "|") {
                        if let name = alternative.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map({ String($0.split(separator: ":")[0]) }),
                           !name.isEmpty, !seen.contains(name) { next.insert(name) }
                    }
                }
            }
            level = next
        }
        return seen
    }

    @Test func runtimePackagesCoverEverySharedLibraryTheBinaryLoads() throws {
        guard let binary = Self.builtBinary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` (builds every product) before `swift test`")
            return
        }
        guard let ldd = try RepoFiles.run("ldd", [binary]), ldd.status == 0 else {
            Issue.record("ldd is missing or failed on \(binary)")
            return
        }
        let runtime = try #require(try Self.stages().last).aptPackages
        let covered = try Self.closure(of: runtime)
        var paths: [String] = []
        for line in ldd.stdout.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            #expect(!text.contains("not found"), "\(binary): \(text)")
            // "libcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
            let path: String
            if let arrow = text.range(of: " => ") {
                path = String(text[arrow.upperBound...].split(separator: " ").first ?? "")
            } else {
                path = String(text.split(separator: " ").first ?? "")
            }
            if path.hasPrefix("/") { paths.append(path) }  // not linux-vdso
        }
        let owners = try Self.owners(of: paths)
        var needed: [String: String] = [:]  // library -> owning package
        for path in paths {
            if let package = owners[path] {
                needed[(path as NSString).lastPathComponent] = package
            } else {
                // Not from a Debian package: only the Swift runtime may be (static in the image: --static-swift-stdlib).
                let isSwiftRuntime = path.contains("/swift/") || path.contains("/swift-") || (path as NSString).lastPathComponent.hasPrefix("libswift")
                #expect(isSwiftRuntime, "\(path) belongs to no Debian package and is not the Swift runtime")
            }
        }
        #expect(needed["libcurl.so.4"] == "libcurl4")
        #expect(needed.keys.contains { $0.hasPrefix("libssl.so.3") } || needed.keys.contains { $0.hasPrefix("libcrypto.so.3") })
        #expect(needed["libyaml-0.so.2"] == "libyaml-0-2")
        // The check has teeth: without libyaml-0-2 in the list nothing else would pull it in.
        #expect(!(try Self.closure(of: runtime.filter { $0 != "libyaml-0-2" })).contains("libyaml-0-2"))
        for (library, package) in needed.sorted(by: { $0.key < $1.key }) {
            #expect(covered.contains(package), "\(library) comes from \(package), which the runtime stage does not install (directly or as a dependency of \(runtime.joined(separator: " ")))")
        }
    }

    @Test func theREADMEListsTheRuntimePackages() throws {
        let runtime = try #require(try Self.stages().last).aptPackages
        let readme = try String(contentsOfFile: RepoFiles.path("pipelines/README.md"), encoding: .utf8)
        for package in runtime { #expect(readme.contains("`\(package)`"), "pipelines/README.md does not list `\(package)`") }
        // The top-level README, once it has a container image section, must agree too.
        let top = try String(contentsOfFile: RepoFiles.path("README.md"), encoding: .utf8)
        if let section = top.range(of: "## Container image") {
            let body = String(top[section.upperBound...]).components(separatedBy: "\n## ").first ?? ""
            for package in runtime where !["libc6", "libgcc-s1", "libstdc++6"].contains(package) {
                #expect(body.contains(package), "README.md's Container image section does not list \(package)")
            }
        }
    }
}
