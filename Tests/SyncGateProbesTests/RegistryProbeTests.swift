import Foundation
import Testing
import SyncGateProbes
import SyncGateTestSupport

/// Images against a real docker-registry on 127.0.0.1 (issue 3, part 3).
@Suite struct RegistryProbeTests {
    init() { CurlHTTPClient.globalInit() }

    func probe(_ credentials: RegistryCredentials = RegistryCredentials()) -> RegistryProbe {
        RegistryProbe(credentials: credentials, timeoutMilliseconds: 3_000, retry: RetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 10))
    }

    @Test func pushedTagIsPresentWithItsDigestAndMissingOnesAreMissing() async throws {
        try await withDockerRegistry { registry in
            let image = try registry.push(repository: "pay/web", tag: "1.4.2")
            let present = await probe().checkImage(ImageReference(image.reference)!)
            #expect(present.verdict == .pass, "\(present)")
            #expect(present.evidence("digest") == image.digest)
            #expect(present.evidence("presence") == "present")

            let missingTag = await probe().checkImage(ImageReference("\(registry.host)/pay/web:9.9.9")!)
            #expect(missingTag.verdict == .fail)
            #expect(missingTag.evidence("presence") == "missing")
            #expect(missingTag.evidence("errorCode") == "MANIFEST_UNKNOWN")

            let missingRepo = await probe().checkImage(ImageReference("\(registry.host)/pay/nothing:1.0")!)
            // distribution 2.8 answers MANIFEST_UNKNOWN for an unknown repository too; other registries NAME_UNKNOWN.
            #expect(["NAME_UNKNOWN", "MANIFEST_UNKNOWN"].contains(missingRepo.evidence("errorCode") ?? ""))
            #expect(missingRepo.evidence("presence") == "missing")
        }
    }

    @Test func digestPinnedReferencesAreCheckedByDigest() async throws {
        try await withDockerRegistry { registry in
            let image = try registry.push(repository: "pay/api", tag: "2.0", oci: false)
            let pinned = await probe().checkImage(ImageReference("\(registry.host)/pay/api:2.0@\(image.digest)")!)
            #expect(pinned.verdict == .pass, "\(pinned)")
            let wrongDigest = "sha256:" + String(repeating: "0", count: 64)
            let other = await probe().checkImage(ImageReference("\(registry.host)/pay/api@\(wrongDigest)")!)
            #expect(other.verdict == .fail)
            #expect(other.evidence("presence") == "missing")
        }
    }

    @Test func tokenAuthWithoutCredentialsIsUnauthorisedAndWithThemPresent() async throws {
        let auth = RegistryTokenAuth()
        try await withDockerRegistry(tokenAuth: auth) { registry in
            let image = try registry.push(repository: "private/app", tag: "3.1")
            let reference = ImageReference(image.reference)!
            let anonymous = await probe().checkImage(reference)
            #expect(anonymous.verdict == .fail)
            #expect(anonymous.evidence("presence") == "unauthorised")
            #expect(anonymous.summary.contains("no credentials"))

            var flagged = RegistryCredentials()
            try flagged.add(flag: "\(registry.host)=\(auth.username):\(auth.password)")
            let authorised = await probe(flagged).checkImage(reference)
            #expect(authorised.verdict == .pass, "\(authorised)")
            #expect(authorised.evidence("digest") == image.digest)

            var wrong = RegistryCredentials()
            try wrong.add(flag: "\(registry.host)=\(auth.username):nope")
            #expect(await probe(wrong).checkImage(reference).evidence("presence") == "unauthorised")
        }
    }

    @Test func dockerConfigCredentialsAreUsed() async throws {
        let auth = RegistryTokenAuth()
        try await withDockerRegistry(tokenAuth: auth) { registry in
            let image = try registry.push(repository: "private/cfg", tag: "1")
            let directory = try TemporaryDirectory(prefix: "dockercfg")
            defer { directory.remove() }
            let encoded = Data("\(auth.username):\(auth.password)".utf8).base64EncodedString()
            let path = try directory.write("config.json", #"{"auths": {"http://\#(registry.host)": {"auth": "\#(encoded)"}}}"#)
            let credentials = try RegistryCredentials.dockerConfig(path: path)
            #expect(credentials.login(for: registry.host)?.username == auth.username)
            #expect(await probe(credentials).checkImage(ImageReference(image.reference)!).verdict == .pass)
        }
    }

    @Test func aClosedRegistryPortIsUnreachable() async throws {
        let port = try Loopback.freePort()
        let result = await probe().checkImage(ImageReference("127.0.0.1:\(port)/a/b:1")!)
        #expect(result.verdict == .unknown)
        #expect(result.evidence("presence") == "unreachable")
    }

    @Test(arguments: [
        ("nginx", "registry-1.docker.io/library/nginx:latest"),
        ("nginx:1.27", "registry-1.docker.io/library/nginx:1.27"),
        ("docker.io/bitnami/redis:7", "registry-1.docker.io/bitnami/redis:7"),
        ("index.docker.io/library/alpine", "registry-1.docker.io/library/alpine:latest"),
        ("ghcr.io/org/app:v1", "ghcr.io/org/app:v1"),
        ("localhost:5000/team/app", "localhost:5000/team/app:latest"),
        ("registry.example.com/pay/web:1.4.2@sha256:abc", "registry.example.com/pay/web:1.4.2@sha256:abc"),
        ("quay.io/a/b/c@sha256:def", "quay.io/a/b/c@sha256:def"),
    ])
    func referencesAreNormalisedLikeDocker(input: String, expected: String) {
        #expect(ImageReference(input)?.description == expected)
    }

    @Test func malformedReferencesAreRejected() {
        #expect(ImageReference("") == nil)
        #expect(ImageReference("Upper/Case") == nil)
        #expect(ImageReference("a/b:") == nil)
        #expect(ImageReference("a@nodigest") == nil)
        #expect(ImageReference("ghcr.io/app@sha256:1")?.manifestReference == "sha256:1")
    }
}
