import Foundation

/// `syncgate.yaml` at the repo root (kind `SyncGatePolicy`). Every field has a default, so a repo without a
/// policy file is planned with the defaults.
public struct Policy: Sendable {
    public struct Stage: Sendable, Hashable {
        public var name: String
        /// Application name patterns (`acme-*-sandbox`).
        public var applications: [String]
        public var issuer: String?

        public func contains(application name: String) -> Bool {
            applications.contains { PathGlob.matches(pattern: $0.replacingSlashes, path: name.replacingSlashes) }
        }
    }

    /// What one listener's missing Secret takes down.
    public enum BlastRadius: String, Sendable {
        /// The whole Gateway goes `Programmed: False` (seed 000's Traefik, Cilium): the worst case, the default.
        case gateway
        /// Only that listener fails (the Gateway API spec, today's Envoy Gateway and Traefik).
        case listener
    }

    public var stages: [Stage] = []
    /// Hostnames the ingress is reached at (DNS names must resolve to what these resolve to).
    public var ingressHostnames: [String] = []
    /// Addresses of the ingress.
    public var ingressAddresses: [String] = []
    /// Blast radius per Gateway (`namespace/name`); `defaultBlastRadius` for the others.
    public var blastRadius: [String: BlastRadius] = [:]
    public var defaultBlastRadius: BlastRadius = .gateway
    public var maxSolverRoutesPerNamespace: Int = 200
    public var pauseAutoSyncOnFailure: Bool = true
    /// `onFailure.injectPlaceholders`: `syncgate rollout`/`hook` create placeholder Secrets where a listener would
    /// otherwise block a Gateway.
    public var injectPlaceholders: Bool = false
    /// Certificates per registered domain per week allowed by the CA (Let's Encrypt: 50).
    public var certificatesPerRegisteredDomainPerWeek: Int = 50
    /// The whole policy document, for fields other modules read.
    public var raw: Value = .null
    /// Where it was read from (relative), nil when defaults.
    public var file: String?

    public init() {}

    public func blastRadius(ofGateway key: ObjectKey) -> BlastRadius {
        blastRadius[key.description] ?? defaultBlastRadius
    }

    /// Parses a policy document; unknown fields are kept in `raw`.
    public init(value: Value, file: String? = nil) {
        raw = value
        self.file = file
        for s in value["stages"]?.elements ?? [] {
            stages.append(Stage(name: s["name"]?.scalarText ?? "", applications: (s["applications"]?.elements ?? []).compactMap(\.scalarText),
                                issuer: s["issuer"]?.scalarText))
        }
        ingressHostnames = (value[path: "ingress", "hostnames"]?.elements ?? []).compactMap(\.scalarText)
        ingressAddresses = (value[path: "ingress", "addresses"]?.elements ?? []).compactMap(\.scalarText)
        if let gateways = value["gateways"]?.object {
            for (k, v) in gateways.pairs {
                if let r = v["blastRadius"]?.scalarText.flatMap(BlastRadius.init(rawValue:)) {
                    if k == "default" || k == "*" { defaultBlastRadius = r } else { blastRadius[k] = r }
                }
            }
        }
        if let n = value[path: "guards", "maxSolverRoutesPerNamespace"]?.int { maxSolverRoutesPerNamespace = n }
        if let b = value[path: "onFailure", "pauseAutoSync"]?.bool { pauseAutoSyncOnFailure = b }
        if let b = value[path: "onFailure", "injectPlaceholders"]?.bool { injectPlaceholders = b }
        if let n = value[path: "rateLimits", "certificatesPerRegisteredDomainPerWeek"]?.int { certificatesPerRegisteredDomainPerWeek = n }
    }

    /// Reads `path`; a missing file gives the defaults when `required` is false.
    public static func load(path: String, displayPath: String, required: Bool) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw PlanError.policyUnreadable(displayPath, "no such file") }
            return Policy()
        }
        do {
            let value = try YAMLDecoder.decodeOne(Array(data), file: displayPath)
            return Policy(value: value, file: displayPath)
        } catch {
            throw PlanError.policyUnreadable(displayPath, "\(error)")
        }
    }
}

extension String {
    var replacingSlashes: String { replacingOccurrences(of: "/", with: "\u{1}") }
}
