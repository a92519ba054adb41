// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SyncGate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "syncgate", targets: ["syncgate"]),
        .executable(name: "kubesim", targets: ["kubesim"]),
        .library(name: "SyncGateCore", targets: ["SyncGateCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries (DESIGN §5). Each has a tiny header with shims for C macros and variadics.
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CResolv"),

        // Values: SyncGate's compact YAML/JSON value type and the streaming decoder over libyaml.
        .target(name: "SyncGateYAML", dependencies: ["CYAML"], linkerSettings: [.linkedLibrary("m")]),
        // X.509 and keys over OpenSSL: parse PEM, fingerprints, SANs, chain checks, key match, and generating
        // CAs, self-signed placeholders and CA-signed leaves (placeholders, KubeSim's issuer, test servers).
        .target(name: "SyncGateX509", dependencies: ["COpenSSL"]),
        // Pure planning core: manifests, Argo CD discovery, graph, waves, findings, renderers.
        .target(name: "SyncGateCore", dependencies: ["SyncGateYAML"]),
        // Live evidence: DNS, HTTP, TLS/X.509, OCI registries, ACME directories.
        .target(name: "SyncGateProbes", dependencies: ["SyncGateCore", "SyncGateX509", "CCurl", "COpenSSL", "CResolv"]),
        // Kubernetes client over libcurl.
        .target(name: "SyncGateKube", dependencies: ["SyncGateCore", "SyncGateX509", "CCurl", "COpenSSL"]),
        // The rollout engine: policy, stages, gates, verification, pause on failure, journal and lease, hook mode.
        .target(name: "SyncGateRollout", dependencies: ["SyncGateCore", "SyncGateProbes", "SyncGateKube", "SyncGateX509"]),
        // Prometheus metrics and alerts: certificate expiry (Secret vs served), renewals, gates, paused state, solver routes.
        .target(name: "SyncGateMetrics", dependencies: ["SyncGateCore", "SyncGateKube", "SyncGateProbes", "SyncGateX509"]),
        // Loopback Kubernetes API server with cert-manager, Gateway and Argo CD behaviour.
        .target(name: "KubeSim", dependencies: ["SyncGateCore", "SyncGateX509", "COpenSSL"]),
        .executableTarget(name: "kubesim", dependencies: [
            "KubeSim", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "syncgate", dependencies: [
            "SyncGateCore", "SyncGateProbes", "SyncGateKube", "SyncGateRollout", "SyncGateMetrics", "KubeSim",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Benchmarks (DESIGN §7): `swift run -c release syncgate-bench …`; not tests.
        .executableTarget(name: "syncgate-bench", dependencies: ["SyncGateCore", "CYAML"]),
        // `syncgate check --only dns,tls` on 500 hosts (one nginx, one dnsmasq) vs a sequential dig + openssl loop.
        .executableTarget(name: "syncgate-check-bench", dependencies: ["SyncGateProbes", "SyncGateTestSupport", "SyncGateX509"]),
        // Starts the real servers the integration tests need (dnsmasq, nginx, docker-registry, pebble) on 127.0.0.1.
        .target(name: "SyncGateTestSupport", dependencies: ["SyncGateX509"]),

        .testTarget(name: "SyncGateX509Tests", dependencies: ["SyncGateX509"]),
        .testTarget(name: "SyncGateYAMLTests", dependencies: ["SyncGateYAML"]),
        .testTarget(name: "SyncGateCoreTests", dependencies: ["SyncGateCore"]),
        .testTarget(name: "SyncGateProbesTests", dependencies: ["SyncGateProbes", "SyncGateCore", "SyncGateTestSupport"]),
        .testTarget(name: "SyncGateKubeTests", dependencies: ["SyncGateKube", "KubeSim", "SyncGateTestSupport"]),
        .testTarget(name: "KubeSimTests", dependencies: ["KubeSim", "SyncGateKube", "SyncGateTestSupport"]),
        .testTarget(name: "SyncGateRolloutTests", dependencies: ["SyncGateRollout", "SyncGateCore", "SyncGateKube", "SyncGateX509", "KubeSim", "SyncGateTestSupport"]),
        .testTarget(name: "SyncGateMetricsTests", dependencies: ["SyncGateMetrics", "SyncGateCore", "SyncGateX509", "SyncGateProbes", "KubeSim", "SyncGateTestSupport"]),
        // Every file under pipelines/ and examples/ is a valid object of its kind; the hook Job and RBAC apply to KubeSim.
        .testTarget(name: "PipelinesTests", dependencies: ["SyncGateCore", "KubeSim", "SyncGateTestSupport"]),
        // End-to-end: the built `syncgate` binary on the examples.
        .testTarget(name: "SyncGateCLITests", dependencies: ["SyncGateCore", "SyncGateTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
