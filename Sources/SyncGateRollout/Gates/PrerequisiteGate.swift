import SyncGateCore

/// Everything the prerequisite gate of one host needs, gathered once.
public struct PrerequisiteInput: Sendable {
    public var application: ApplicationIdentity
    public var chain: HostTarget
    public var stage: Stage
    public var dns: DNSAnswer
    /// Addresses the host must resolve to (policy `ingress.addresses` plus what `ingress.hostnames` resolve to); empty: any.
    public var ingressAddresses: [String]
    /// Live backend Services (nil: absent) and their Deployments' available replicas when known.
    public var services: [ObjectName: Value?]
    public var images: [String: ImageAnswer]
    /// The live issuer object (nil: absent); not consulted when the Application deploys the issuer itself.
    public var issuer: Value?

    public init(application: ApplicationIdentity, chain: HostTarget, stage: Stage, dns: DNSAnswer, ingressAddresses: [String],
                services: [ObjectName: Value?], images: [String: ImageAnswer], issuer: Value?) {
        self.application = application
        self.chain = chain
        self.stage = stage
        self.dns = dns
        self.ingressAddresses = ingressAddresses
        self.services = services
        self.images = images
        self.issuer = issuer
    }
}

/// DNS, backend and image, issuer (DESIGN §1) as pure rules over the gathered input. All failures are reported,
/// not just the first, so one pause reason names everything missing.
public enum PrerequisiteGate {
    public static func evaluate(_ input: PrerequisiteInput) -> [GateFailure] {
        var failures: [GateFailure] = []
        let chain = input.chain
        let host = chain.host
        // DNS
        if chain.http01 || chain.certificate == nil {
            if let error = input.dns.error, input.dns.addresses.isEmpty {
                failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: "dns:\(host)",
                    evidence: "\(host) does not resolve (\(error))",
                    remedy: "Create the DNS record for \(host) pointing at the ingress\(ingressText(input)) before syncing; with HTTP-01 the CA must reach the cluster through it."))
            } else if input.dns.addresses.isEmpty {
                failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: "dns:\(host)",
                    evidence: "\(host) has no A/AAAA records",
                    remedy: "Create the DNS record for \(host) pointing at the ingress\(ingressText(input))."))
            } else if !input.ingressAddresses.isEmpty, Set(input.dns.addresses).isDisjoint(with: input.ingressAddresses) {
                let via = input.dns.cnames.isEmpty ? "" : " via \(input.dns.cnames.joined(separator: " -> "))"
                failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: "dns:\(host)",
                    evidence: "\(host) resolves\(via) to \(input.dns.addresses.joined(separator: ", ")), not to the ingress (\(input.ingressAddresses.joined(separator: ", ")))",
                    remedy: "Point \(host) at the ingress load balancer; HTTP-01 challenges for it would fail and cert-manager would retry for hours."))
            }
        }
        // Backend Services deployed elsewhere.
        for service in chain.services.sorted() {
            if case .some(.none) = input.services[service] {
                failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: "service:\(service)",
                    evidence: "Service \(service) that routes for \(host) does not exist",
                    remedy: "Deploy the backend Service \(service) (and its Deployment) first."))
            }
        }
        // Images.
        for image in chain.images.sorted() {
            switch input.images[image] ?? .unknown("not checked") {
            case .exists: break
            case .missing(let why):
                failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: "image:\(image)",
                    evidence: "image \(image) is not in its registry (\(why))",
                    remedy: "Build and push \(image) before syncing: without it the backend never starts and the route has no Service."))
            case .unknown:
                break  // not proof either way; reported as a note by the runner
            }
        }
        // Issuer: the stage's, and Ready.
        if let issuer = chain.issuer {
            if let required = input.stage.issuer, !required.accepts(name: issuer.name, kind: issuer.kind) {
                failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: issuer.nodeID,
                    evidence: "\(chain.certificate.map { "Certificate \($0)" } ?? host) uses \(issuer) but stage \(input.stage.name) requires \(required)",
                    remedy: "Use issuer \(required) for Applications of stage \(input.stage.name) (syncgate.yaml line \(input.stage.line)), or move the Application to another stage."))
            }
            if !chain.issuerInApplication {
                if let live = input.issuer {
                    if let ready = Condition.find("Ready", in: live["status"]), !ready.isTrue {
                        failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: issuer.nodeID,
                            evidence: "\(issuer) is not Ready: \(ready.summary)",
                            remedy: "Fix the issuer (ACME account, server URL, credentials) before issuing certificates with it."))
                    }
                } else {
                    failures.append(GateFailure(gate: .prerequisites, failure: .blocked, object: issuer.nodeID,
                        evidence: "\(issuer) does not exist in the cluster",
                        remedy: "Deploy \(issuer) (its Application must sync first)."))
                }
            }
        }
        return failures
    }

    static func ingressText(_ input: PrerequisiteInput) -> String {
        input.ingressAddresses.isEmpty ? "" : " (\(input.ingressAddresses.joined(separator: ", ")))"
    }
}
