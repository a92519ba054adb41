import Foundation
import SyncGateCore
import SyncGateKube

/// The CA rate-limit budget (DESIGN §1, seed 004): certificates per registered domain per week. Before a stage
/// orders anything, what the cluster already issued in the last seven days plus what the stage would newly order
/// must stay within `guards.rateLimitBudget` x `guards.weeklyCertificateLimit`, or the stage is blocked before a
/// single order burns the budget.
public enum RateLimitGate {
    /// A Certificate of the stage and the DNS names it asks for.
    public struct Order: Sendable, Hashable {
        public var certificate: ObjectName
        public var dnsNames: [String]
        public init(certificate: ObjectName, dnsNames: [String]) {
            self.certificate = certificate
            self.dnsNames = dnsNames
        }
    }

    public struct Input: Sendable {
        /// Certificates of the stage that are not Ready in the cluster (each becomes a new ACME order).
        public var newOrders: [Order]
        /// Certificates issued within the last seven days (their `status.notBefore`), by registered domain.
        public var issuedThisWeek: [String: Int]
        public var weeklyLimit: Int
        public var budget: Double
        public var stage: String

        /// The registered domains over budget, worked out once (every host of the stage asks).
        public let overBudget: [String: (issued: Int, planned: [ObjectName])]

        public init(newOrders: [Order], issuedThisWeek: [String: Int], weeklyLimit: Int, budget: Double, stage: String) {
            self.newOrders = newOrders
            self.issuedThisWeek = issuedThisWeek
            self.weeklyLimit = weeklyLimit
            self.budget = budget
            self.stage = stage
            let allowance = Int((Double(weeklyLimit) * budget).rounded(.down))
            var planned: [String: Set<ObjectName>] = [:]
            for order in newOrders {
                for domain in Set(order.dnsNames.map { PublicSuffix.registeredDomain($0.lowercased()) }) {
                    planned[domain, default: []].insert(order.certificate)
                }
            }
            var over: [String: (issued: Int, planned: [ObjectName])] = [:]
            for (domain, certificates) in planned where (issuedThisWeek[domain] ?? 0) + certificates.count > allowance {
                over[domain] = (issuedThisWeek[domain] ?? 0, certificates.sorted())
            }
            overBudget = over
        }

        /// How many certificates per registered domain the budget allows this week.
        public var allowance: Int { Int((Double(weeklyLimit) * budget).rounded(.down)) }
    }

    /// Registered domains over budget, each with the Certificates that would order against it, sorted by domain.
    public static func overBudget(_ input: Input) -> [(domain: String, issued: Int, planned: [ObjectName])] {
        input.overBudget.keys.sorted().map { ($0, input.overBudget[$0]!.issued, input.overBudget[$0]!.planned) }
    }

    /// The failure for one host whose Certificate orders against an over-budget domain (nil when within budget).
    public static func evaluate(_ input: Input, host: String, certificate: ObjectName?) -> GateFailure? {
        guard let certificate else { return nil }
        let domain = PublicSuffix.registeredDomain(host.lowercased())
        guard let over = input.overBudget[domain], over.planned.contains(certificate) else { return nil }
        return GateFailure(gate: .prerequisites, failure: .blocked, object: "certificate:\(certificate)",
            evidence: "\(over.issued) certificate(s) for \(domain) issued in the last 7 days + \(over.planned.count) new order(s) in stage \(input.stage) (\(over.planned.map(\.description).joined(separator: ", "))) exceed the budget of \(input.allowance) (\(Int(input.budget * 100))% of \(input.weeklyLimit) per registered domain per week)",
            remedy: "Roll the stage out in parts (--stage, or fewer Applications per stage), combine names into fewer Certificates, wait for last week's issuances to age out, or raise guards.rateLimitBudget in syncgate.yaml if the CA's limit allows it.")
    }

    /// Counts, by registered domain, the live Certificates whose current certificate was issued within `window`
    /// seconds before `now` (`status.notBefore`). A Certificate counts once per registered domain it covers.
    public static func issuedWithin(_ certificates: [Value], now: Date, window: TimeInterval = 7 * 24 * 3600) -> [String: Int] {
        var counts: [String: Int] = [:]
        for certificate in certificates {
            guard let notBefore = certificate[path: "status", "notBefore"]?.string.flatMap(RFC3339.parse),
                  now.timeIntervalSince(notBefore) < window else { continue }
            let names = certificate[path: "spec", "dnsNames"]?.elements.compactMap(\.string) ?? []
            for domain in Set(names.map { PublicSuffix.registeredDomain($0.lowercased()) }) { counts[domain, default: 0] += 1 }
        }
        return counts
    }
}
