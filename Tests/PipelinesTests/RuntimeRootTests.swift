import Foundation
import Testing

/// The container's runtime stage without a container engine: a root filesystem holding only the files of the
/// Dockerfile's runtime packages (and what they depend on), as dpkg installed them on this Debian, plus the
/// `syncgate` binary and the Swift runtime (which `--static-swift-stdlib` links into the image's binary). The
/// binary must start and work there under `chroot`, with an empty environment.
@Suite struct RuntimeRootTests {
    static func shell(_ script: String) throws -> RepoFiles.Run {
        try #require(try RepoFiles.run("/bin/sh", ["-c", script]))
    }

    @Test func theBinaryRunsWithOnlyTheRuntimePackages() throws {
        guard getuid() == 0 else {
            Issue.record("chroot needs root (CI runs the tests as root); this check cannot run as uid \(getuid())")
            return
        }
        guard let binary = DockerfileTests.builtBinary() else {
            Issue.record("the syncgate binary is not built next to the tests: run `swift build` before `swift test`")
            return
        }
        let runtime = try #require(try DockerfileTests.stages().last).aptPackages
        let packages = try DockerfileTests.closure(of: runtime).sorted()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("syncgate-runtime-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let r = root.path

        // Merged /usr as on the host: /lib, /lib64, /bin, /sbin are symlinks into /usr.
        var setup = "set -e; cd '\(r)'; mkdir -p usr/lib usr/bin usr/sbin usr/local/bin etc tmp work proc; chmod 1777 tmp\n"
        for top in ["lib", "lib64", "bin", "sbin"] {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/\(top)") {
                let inside = target.hasPrefix("/") ? String(target.dropFirst()) : target
                setup += "mkdir -p '\(inside)'; ln -s '\(target)' '\(top)'\n"
            }
        }
        var result = try Self.shell(setup)
        #expect(result.status == 0, "\(result.stderr)")

        // Every file dpkg installed for those packages (not docs), copied with symlinks preserved.
        let list = root.appendingPathComponent("files.txt").path
        result = try Self.shell("""
        dpkg -L \(packages.joined(separator: " ")) 2>/dev/null | grep -v -E '^/usr/share/(doc|man|info|locale|lintian)/' | sort -u > '\(list)'
        tar -C / --no-recursion -cf - -T '\(list)' 2>/dev/null | tar -C '\(r)' --keep-directory-symlink -xf -
        rm '\(list)'
        """)
        #expect(FileManager.default.fileExists(atPath: "\(r)/usr/lib/x86_64-linux-gnu/libcurl.so.4"), "copying the packages failed: \(result.stderr)")
        // ca-certificates' postinst builds the bundle; the image gets it the same way.
        result = try Self.shell("""
        set -e
        mkdir -p '\(r)/etc/ssl/certs' && cp -L /etc/ssl/certs/ca-certificates.crt '\(r)/etc/ssl/certs/'
        mkdir -p '\(r)/opt/swift/usr/lib/swift/linux' && cp -a /opt/swift/usr/lib/swift/linux/*.so* '\(r)/opt/swift/usr/lib/swift/linux/' 2>/dev/null || true
        cp '\(binary)' '\(r)/usr/local/bin/syncgate'
        cp -a '\(RepoFiles.path("examples/incident-2026-03-22"))' '\(r)/work/incident'
        cp -a '\(RepoFiles.path("examples/quickstart"))' '\(r)/work/quickstart'
        echo 'syncgate:x:65532:65532::/nonexistent:/usr/sbin/nologin' >> '\(r)/etc/passwd'
        """)
        #expect(result.status == 0, "\(result.stderr)")

        func run(_ args: String) throws -> RepoFiles.Run {
            // A container has /proc (Swift reads its arguments from /proc/self/cmdline): a private mount and PID
            // namespace gives the chroot its own /proc, gone when the command exits.
            try Self.shell("env -i /usr/bin/unshare --mount --pid --fork --mount-proc='\(r)/proc' /usr/sbin/chroot --userspec=65532:65532 '\(r)' /usr/local/bin/syncgate \(args)")
        }
        let help = try run("--help")
        #expect(help.status == 0 && help.stdout.contains("USAGE"), "syncgate --help in the runtime root: \(help.status) \(help.stderr)")
        let version = try run("plan --help")
        #expect(version.stdout.contains("syncgate plan"), "arguments reach the binary: \(version.stdout.prefix(200)) \(version.stderr)")
        let blocked = try run("plan /work/incident --format json --no-render")
        #expect(blocked.status == 2, "plan of the incident repository should block (2): \(blocked.status) \(blocked.stderr)")
        #expect(blocked.stdout.hasPrefix("{"), "JSON on standard output")
        let clean = try run("plan /work/quickstart --format sarif --no-render")
        #expect(clean.status == 0, "plan of the quickstart: \(clean.status) \(clean.stderr)")
        // libyaml, libcurl and OpenSSL load: metrics from a snapshot (YAML) and X.509 parsing of a Secret.
        let metrics = try run("metrics --snapshot /work/quickstart/apps/hello/certificate.yaml --once --no-endpoint-probes")
        #expect(metrics.status == 0 && metrics.stdout.contains("syncgate_certificate_ready"), "metrics in the runtime root: \(metrics.status) \(metrics.stderr)")
    }
}
