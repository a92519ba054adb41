import Foundation
import Testing
@testable import SyncGateRollout

@Suite struct PolicyTests {
    static let header = "apiVersion: syncgate.dev/v1alpha1\nkind: SyncGatePolicy\n"

    @Test func defaultsWithoutStages() throws {
        let p = try PolicyParser.parse(text: Self.header, file: "syncgate.yaml")
        #expect(p.stages.map(\.name) == ["all"])
        #expect(p.guards.maxSolverRoutesPerNamespace == 200)
        #expect(p.onFailure.pauseAutoSync)
        #expect(p.blastRadius(gateway: "traefik/gw") == .gateway)
        #expect(p.verification.minDaysValid == 7)
        #expect(p.timeouts.certificate == 600)
        #expect(p.stage(for: ApplicationIdentity(name: "anything"))?.name == "all")
    }

    @Test func fullPolicy() throws {
        let text = Self.header + """
        stages:
          - name: canary
            applications: ["acme-*-sandbox"]
            issuer: letsencrypt-staging
            verification: {minDaysValid: 1, soak: 2m, trustBundle: trust/staging.pem}
          - name: production
            selector:
              matchLabels: {tier: prod}
            issuer: {name: letsencrypt-prod, kind: ClusterIssuer}
            promotion: manual
        ingress:
          addresses: ["127.0.0.1", "::1"]
          hostnames: [lb.example.com]
        gateways:
          traefik/traefik-gateway: {blastRadius: listener}
        verification: {minDaysValid: 21, soak: 30s, checkInterval: 5s}
        guards: {maxSolverRoutesPerNamespace: 50, rateLimitBudget: 0.25, maxFailedChallenges: 2}
        timeouts: {certificate: 1h, lease: 2d}
        onFailure: {pauseAutoSync: false}
        """
        let p = try PolicyParser.parse(text: text, file: "syncgate.yaml")
        #expect(p.stages.map(\.name) == ["canary", "production"])
        let canary = p.stages[0], prod = p.stages[1]
        #expect(canary.issuer == IssuerRequirement(name: "letsencrypt-staging"))
        #expect(prod.issuer?.kind == "ClusterIssuer")
        #expect(prod.promotion == .manual)
        #expect(p.verification(for: canary) == Verification(minDaysValid: 1, trustBundle: "trust/staging.pem", soakSeconds: 120, checkIntervalSeconds: 5))
        #expect(p.verification(for: prod).minDaysValid == 21)
        #expect(p.blastRadius(gateway: "traefik/traefik-gateway") == .listener)
        #expect(p.guards.certificateBudget == 12)
        #expect(p.timeouts.certificate == 3600 && p.timeouts.lease == 172_800)
        #expect(!p.onFailure.pauseAutoSync)
        #expect(p.stage(for: ApplicationIdentity(name: "acme-pay-sandbox"))?.name == "canary")
        #expect(p.stage(for: ApplicationIdentity(name: "x", labels: ["tier": "prod"]))?.name == "production")
        #expect(p.stage(for: ApplicationIdentity(name: "x")) == nil)
    }

    @Test func errorsNameFileLineAndRemedy() throws {
        let text = Self.header + """
        stages:
          - name: canary
            applications: ["a-*"]
            isuer: staging
          - name: canary
        gateways:
          traefik/gw: {blastRadius: everything}
        guards:
          rateLimitBudget: 1.5
        timeouts:
          certificate: soon
        ingress:
          addresses: [lb.example.com]
        """
        let error = #expect(throws: PolicyError.self) { try PolicyParser.parse(text: text, file: "repo/syncgate.yaml") }
        let problems = error?.problems ?? []
        let byField = Dictionary(grouping: problems, by: \.field)
        #expect(byField["stages[0].isuer"]?.first?.line == 6)
        #expect(byField["stages[0].isuer"]?.first?.remedy.contains("Did you mean `issuer`?") == true)
        #expect(byField["stages[1].name"]?.first?.message.contains("used twice") == true)
        #expect(byField["stages[1]"]?.first?.message.contains("selects no Application") == true)
        #expect(byField["gateways.traefik/gw.blastRadius"]?.first?.line == 9)
        #expect(byField["guards.rateLimitBudget"]?.first?.line == 11)
        #expect(byField["timeouts.certificate"]?.first?.message.contains("not a duration") == true)
        #expect(byField["ingress.addresses[0]"]?.first?.remedy.contains("hostnames") == true)
        #expect(error?.description.contains("repo/syncgate.yaml:6: stages[0].isuer") == true)
    }

    @Test func wrongKindAndSyntax() {
        #expect(throws: PolicyError.self) { try PolicyParser.parse(text: "apiVersion: v1\nkind: ConfigMap\n", file: "s.yaml") }
        let e = #expect(throws: PolicyError.self) { try PolicyParser.parse(text: Self.header + "stages: [\n", file: "s.yaml") }
        #expect(e?.problems.first?.field == "(syntax)")
    }

    @Test func globs() {
        #expect(Glob.matches("acme-*-sandbox", "acme-pay-sandbox"))
        #expect(!Glob.matches("acme-*-sandbox", "acme-pay-production"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a?c", "abc"))
        #expect(Glob.matches("[a-c]x*", "bxyz"))
        #expect(!Glob.matches("[!a-c]x", "bx"))
        let sel = ApplicationSelector(names: ["argocd/pay-*"])
        #expect(sel.matches(ApplicationIdentity(namespace: "argocd", name: "pay-web")))
        #expect(!sel.matches(ApplicationIdentity(namespace: "other", name: "pay-web")))
    }

    /// The lead's example policies stay parseable.
    @Test func examplesParse() throws {
        for example in ["incident-2026-03-22", "quickstart", "canary-production"] {
            let path = TestPaths.example(example)
            guard FileManager.default.fileExists(atPath: path + "/syncgate.yaml") else { continue }
            let p = try PolicyLoader.load(repo: path)
            #expect(!p.stages.isEmpty, "\(example)")
        }
        let incident = try PolicyLoader.load(repo: TestPaths.example("incident-2026-03-22"))
        #expect(incident.stages.map(\.name) == ["canary", "production"])
        #expect(incident.stage(for: ApplicationIdentity(name: "acme-rbac-sandbox"))?.issuer?.name == "letsencrypt-staging")
    }
}
