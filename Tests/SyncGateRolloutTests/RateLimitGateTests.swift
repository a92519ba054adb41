import Foundation
import Testing
import SyncGateCore
@testable import SyncGateRollout

/// The CA rate-limit budget: what was issued this week plus what a stage would order, per registered domain.
@Suite struct RateLimitGateTests {
    let pay = ObjectName("pay", "pay-cert")
    let rbac = ObjectName("rbac", "rbac-cert")
    let shop = ObjectName("shop", "shop-cert")

    func input(_ orders: [RateLimitGate.Order], issued: [String: Int] = [:], limit: Int = 50, budget: Double = 0.5) -> RateLimitGate.Input {
        RateLimitGate.Input(newOrders: orders, issuedThisWeek: issued, weeklyLimit: limit, budget: budget, stage: "production")
    }

    @Test func withinBudgetPasses() {
        let i = input([.init(certificate: pay, dnsNames: ["pay.acme.example.com"])], issued: ["example.com": 23])
        #expect(i.allowance == 25)
        #expect(RateLimitGate.overBudget(i).isEmpty)
        #expect(RateLimitGate.evaluate(i, host: "pay.acme.example.com", certificate: pay) == nil)
    }

    @Test func issuedThisWeekPlusNewOrdersOverBudgetBlocks() throws {
        let i = input([.init(certificate: pay, dnsNames: ["pay.acme.example.com"]),
                       .init(certificate: rbac, dnsNames: ["rbac.acme.example.com"])], issued: ["example.com": 24])
        let over = RateLimitGate.overBudget(i)
        #expect(over.count == 1)
        #expect(over.first?.domain == "example.com")
        #expect(over.first?.planned == [pay, rbac])
        let failure = try #require(RateLimitGate.evaluate(i, host: "rbac.acme.example.com", certificate: rbac))
        #expect(failure.failure == .blocked)
        #expect(failure.object == "certificate:rbac/rbac-cert")
        #expect(failure.evidence.contains("24 certificate(s) for example.com issued in the last 7 days + 2 new order(s)"))
        #expect(failure.remedy.contains("rateLimitBudget"))
    }

    @Test func registeredDomainsAreCountedApartAndPublicSuffixesRespected() {
        // shop.example.co.uk and pay.other.co.uk are two registered domains; neither is over a budget of 1.
        let i = input([.init(certificate: shop, dnsNames: ["shop.example.co.uk", "www.shop.example.co.uk"]),
                       .init(certificate: pay, dnsNames: ["pay.other.co.uk"])], limit: 2, budget: 0.5)
        #expect(i.allowance == 1)
        #expect(RateLimitGate.overBudget(i).isEmpty, "one Certificate with two names of one domain is one certificate")
        #expect(RateLimitGate.evaluate(i, host: "shop.example.co.uk", certificate: shop) == nil)
    }

    @Test func hostsWithoutACertificateAreNotJudged() {
        let i = input([.init(certificate: pay, dnsNames: ["pay.acme.example.com"])], issued: ["example.com": 99])
        #expect(RateLimitGate.evaluate(i, host: "pay.acme.example.com", certificate: nil) == nil)
        #expect(RateLimitGate.evaluate(i, host: "pay.acme.example.com", certificate: rbac) == nil, "rbac orders nothing new")
    }

    @Test func issuedWithinCountsOnlyTheLastSevenDays() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2026-03-22T18:00:00Z"))
        func cert(_ names: [String], notBefore: String?) -> Value {
            var status = Object()
            if let notBefore { status["notBefore"] = .string(notBefore) }
            return .object(["spec": .object(["dnsNames": .array(names.map(Value.string))]), "status": .object(status)])
        }
        let counts = RateLimitGate.issuedWithin([
            cert(["a.acme.example.com", "b.acme.example.com"], notBefore: "2026-03-20T10:00:00Z"),
            cert(["c.acme.example.com"], notBefore: "2026-03-10T10:00:00Z"),   // older than a week
            cert(["d.acme.example.com"], notBefore: nil),                       // never issued
            cert(["shop.example.co.uk"], notBefore: "2026-03-22T17:00:00.123Z"),
        ], now: now)
        #expect(counts == ["example.com": 1, "example.co.uk": 1])
    }
}
