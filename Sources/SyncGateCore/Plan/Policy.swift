import Foundation

/// What the planner reads of `syncgate.yaml` (kind `SyncGatePolicy`): ingress, blast radius, placeholders and the
/// CA's weekly limit. Every field has a default, so a repo without a policy file is planned with the defaults.
/// The rollout engine's `RolloutPolicy` validates the whole file (stages, verification, guards, timeouts); the
/// field names here are the same ones.
public struct Policy: Sendable {
    /// What one listener's missing Secret takes down.
    public enum BlastRadius: String, Sendable {
        /// The whole Gateway goes `Programmed: False` (seed 000's Traefik, Cilium): the worst case, the default.
        case gateway
        /// Only that listener fails (the Gateway API spec, today's Envoy Gateway and Traefik).
        case listener
    }

    /// Hostnames the ingress is reached at (DNS names must resolve to what these resolve to).
    public var ingressHostnames: [String] = []
    /// Addresses of the ingress.
    public var ingressAddresses: [String] = []
    /// Blast radius per Gateway (`namespace/name`); `defaultBlastRadius` for the others.
    public var blastRadius: [String: BlastRadius] = [:]
    public var defaultBlastRadius: BlastRadius = .gateway
    /// `onFailure.injectPlaceholders`: `syncgate rollout`/`hook` create placeholder Secrets where a listener would
    /// otherwise block a Gateway.
    public var injectPlaceholders: Bool = false
    /// `guards.weeklyCertificateLimit`: certificates per registered domain per week the CA allows (Let's Encrypt: 50).
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
        ingressHostnames = (value[path: "ingress", "hostnames"]?.elements ?? []).compactMap(\.scalarText)
        ingressAddresses = (value[path: "ingress", "addresses"]?.elements ?? []).compactMap(\.scalarText)
        if let gateways = value["gateways"]?.object {
            for (k, v) in gateways.pairs {
                if let r = v["blastRadius"]?.scalarText.flatMap(BlastRadius.init(rawValue:)) {
                    if k == "default" || k == "*" { defaultBlastRadius = r } else { blastRadius[k] = r }
                }
            }
        }
        if let b = value[path: "onFailure", "injectPlaceholders"]?.bool { injectPlaceholders = b }
        if let n = value[path: "guards", "weeklyCertificateLimit"]?.int { certificatesPerRegisteredDomainPerWeek = n }
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
