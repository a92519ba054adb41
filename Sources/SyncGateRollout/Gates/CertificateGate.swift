import Foundation
import SyncGateCore

/// The cert-manager objects of one Certificate, gathered once per check.
public struct CertificateInput: Sendable {
    public var certificate: ObjectName
    public var live: Value?
    /// CertificateRequests of this Certificate (annotation `cert-manager.io/certificate-name`).
    public var requests: [Value]
    /// Orders and Challenges of those requests.
    public var orders: [Value]
    public var challenges: [Value]
    /// `cm-acme-http-solver-*` routes in the namespace now, and when the wait began.
    public var solverRoutes: Int
    public var solverRoutesAtStart: Int
    /// The Gateways serving the host: must stay Programmed while the Certificate issues.
    public var gateways: [(ObjectName, Value?)]
    /// Requests that existed before this gate started (already failed ones are history, not news).
    public var requestsAtStart: Set<String>

    public init(certificate: ObjectName, live: Value?, requests: [Value] = [], orders: [Value] = [], challenges: [Value] = [],
                solverRoutes: Int = 0, solverRoutesAtStart: Int = 0, gateways: [(ObjectName, Value?)] = [], requestsAtStart: Set<String> = []) {
        self.certificate = certificate
        self.live = live
        self.requests = requests
        self.orders = orders
        self.challenges = challenges
        self.solverRoutes = solverRoutes
        self.solverRoutesAtStart = solverRoutesAtStart
        self.gateways = gateways
        self.requestsAtStart = requestsAtStart
    }
}

/// Certificate `Ready`, watching for early failure instead of waiting out the timeout (DESIGN §3):
/// CertificateRequest failed or denied, Order/Challenge `invalid`/`errored`/`expired`, solver routes multiplying,
/// the Gateway falling over.
public enum CertificateGate {
    static let failedStates: Set<String> = ["invalid", "errored", "expired"]

    public static func evaluate(_ input: CertificateInput, guards: Guards) -> GateVerdict {
        let object = "certificate:\(input.certificate)"
        guard let live = input.live else { return .wait("Certificate \(input.certificate) not applied yet") }
        for (name, gw) in input.gateways {
            if let c = Condition.find("Programmed", in: gw?["status"]), c.isFalse {
                return .fail(GateFailure(gate: .certificate, failure: .verificationFailed, object: "gateway:\(name)",
                    evidence: "Gateway \(name) went \(c.summary) while \(input.certificate) was issuing",
                    remedy: "Every listener on it stopped serving: look at its failing listener (a Secret that does not exist?) and create a placeholder; SyncGate paused the Application."))
            }
        }
        let ready = Condition.find("Ready", in: live["status"])
        let issuing = Condition.find("Issuing", in: live["status"])
        let fresh = input.requests.filter { !input.requestsAtStart.contains($0[path: "metadata", "name"]?.scalarText ?? "") }
        if ready?.isTrue == true && issuing?.isTrue != true {
            return .pass("Certificate Ready: \(ready?.message ?? "")")
        }
        // cert-manager already gave up on the last attempt (and will retry with backoff): that is the failure.
        let failedAttempts = live[path: "status", "failedIssuanceAttempts"]?.int ?? 0
        let issuingFailed = issuing.map { $0.isFalse && $0.reason == "Failed" } ?? false
        let readyFailed = ready.map { $0.isFalse && $0.reason == "Failed" } ?? false
        if failedAttempts > 0 || issuingFailed || readyFailed {
            let message = [issuing, ready].compactMap { $0 }.filter { $0.reason == "Failed" }.first?.message ?? "failed issuance attempts: \(failedAttempts)"
            return .fail(failure(object, "Certificate \(input.certificate) failed to issue and cert-manager will retry with backoff: \(message)",
                                 "Fix what the Order/Challenge says (DNS, the HTTP-01 path through the ingress), then `syncgate heal` deletes the failed request so cert-manager retries at once."))
        }
        for request in fresh {
            let name = request[path: "metadata", "name"]?.scalarText ?? "?"
            if let c = Condition.find("Denied", in: request["status"]), c.isTrue {
                return .fail(failure(object, "CertificateRequest \(input.certificate.namespace)/\(name) was denied: \(c.summary)",
                                     "Approve requests for this issuer (cert-manager approver policy), then re-run."))
            }
            if let c = Condition.find("InvalidRequest", in: request["status"]), c.isTrue {
                return .fail(failure(object, "CertificateRequest \(input.certificate.namespace)/\(name) is invalid: \(c.summary)",
                                     "Fix the Certificate spec (names, key, issuer) and commit again."))
            }
            if let c = Condition.find("Ready", in: request["status"]), c.isFalse, c.reason == "Failed" || c.reason == "Denied" {
                return .fail(failure(object, "CertificateRequest \(input.certificate.namespace)/\(name) failed: \(c.summary)",
                                     "See the Order and Challenge below it (`kubectl describe order -n \(input.certificate.namespace)`); after fixing the cause, `syncgate heal` deletes the failed request so cert-manager retries at once."))
            }
        }
        for order in input.orders {
            let state = order[path: "status", "state"]?.scalarText ?? ""
            let name = order[path: "metadata", "name"]?.scalarText ?? "?"
            if failedStates.contains(state), isFresh(order, fresh) {
                let reason = order[path: "status", "reason"]?.scalarText ?? ""
                return .fail(failure(object, "Order \(input.certificate.namespace)/\(name) is \(state)\(reason.isEmpty ? "" : ": \(reason)")",
                                     "The CA refused the order: check DNS for the names and the HTTP-01 path through the ingress; cert-manager would otherwise retry with backoff for hours."))
            }
        }
        let failedChallenges = input.challenges.filter { failedStates.contains($0[path: "status", "state"]?.scalarText ?? "") }
        if failedChallenges.count >= guards.maxFailedChallenges {
            let reasons = failedChallenges.prefix(3).map { c -> String in
                "\(c[path: "metadata", "name"]?.scalarText ?? "?"): \(c[path: "status", "reason"]?.scalarText ?? c[path: "status", "state"]?.scalarText ?? "")"
            }
            return .fail(failure(object, "\(failedChallenges.count) Challenges failed (limit \(guards.maxFailedChallenges)): \(reasons.joined(separator: "; "))",
                                 "The CA cannot validate the names: check DNS and the challenge path, then re-run."))
        }
        let grown = input.solverRoutes - input.solverRoutesAtStart
        if input.solverRoutes > guards.maxSolverRoutesPerNamespace || grown > guards.maxFailedChallenges {
            return .fail(failure(object, "cm-acme-http-solver routes in \(input.certificate.namespace): \(input.solverRoutes) (\(grown >= 0 ? "+" : "")\(grown) since the sync; limit \(guards.maxSolverRoutesPerNamespace) per namespace)",
                                 "cert-manager is retrying and leaking solver routes (seed 000): SyncGate paused the Application; fix DNS or the challenge path, delete the leaked routes (`syncgate heal`), then resume."))
        }
        var why = ready.map { $0.summary } ?? "no Ready condition yet"
        if let issuing, issuing.isTrue { why = "issuing: \(issuing.message.isEmpty ? issuing.reason : issuing.message)" }
        return .wait("Certificate \(input.certificate) \(why)")
    }

    static func isFresh(_ order: Value, _ freshRequests: [Value]) -> Bool {
        let owners = (order[path: "metadata", "ownerReferences"]?.elements ?? []).compactMap { $0["name"]?.scalarText }
        if owners.isEmpty { return true }
        let names = Set(freshRequests.compactMap { $0[path: "metadata", "name"]?.scalarText })
        return owners.contains { names.contains($0) }
    }

    static func failure(_ object: String, _ evidence: String, _ remedy: String) -> GateFailure {
        GateFailure(gate: .certificate, failure: .verificationFailed, object: object, evidence: evidence, remedy: remedy)
    }
}
