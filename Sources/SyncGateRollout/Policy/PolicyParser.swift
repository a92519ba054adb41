import Foundation
import SyncGateCore

/// Reads a `SyncGatePolicy` from a decoded `Value`, filling defaults and validating every field.
///
/// Unknown fields are errors (a typo would otherwise silently fall back to a default), with the closest known name.
public struct PolicyParser {
    public var file: String
    private var problems: [PolicyProblem] = []

    public init(file: String) { self.file = file }

    /// Parses `root` (the single document of `syncgate.yaml`). Throws `PolicyError` with every problem found.
    public static func parse(_ root: Value, file: String) throws -> RolloutPolicy {
        var parser = PolicyParser(file: file)
        let policy = parser.policy(root)
        if !parser.problems.isEmpty { throw PolicyError(parser.problems) }
        return policy
    }

    /// Parses policy text (YAML or JSON).
    public static func parse(text: String, file: String) throws -> RolloutPolicy {
        let decoded: [YAMLDocument]
        do {
            decoded = try YAMLDecoder.decodeAll(text, file: file).documents
        } catch let e as YAMLSyntaxError {
            throw PolicyError([PolicyProblem(file: file, line: Int(e.line), field: "(syntax)", message: e.problem,
                                             remedy: "Fix the YAML syntax (indentation, quotes, colons).")])
        }
        guard let first = decoded.first else { return RolloutPolicy(source: file) }
        if decoded.count > 1 {
            throw PolicyError([PolicyProblem(file: file, line: Int(decoded[1].line), field: "(document)",
                                             message: "syncgate.yaml holds \(decoded.count) documents",
                                             remedy: "Keep one SyncGatePolicy document in the file.")])
        }
        return try parse(first.root, file: file)
    }

    // MARK: - Top level

    mutating func policy(_ root: Value) -> RolloutPolicy {
        var policy = RolloutPolicy(source: file)
        guard let object = root.object else {
            fail(root, "(document)", "the policy is not a mapping", "Write `apiVersion: \(RolloutPolicy.apiVersion)`, `kind: \(RolloutPolicy.kind)` and the fields as a YAML mapping.")
            return policy
        }
        checkKeys(root, "", allowed: ["apiVersion", "kind", "metadata", "stages", "ingress", "gateways", "verification",
                                      "guards", "timeouts", "onFailure"])
        if let v = root["apiVersion"] {
            if v.string != RolloutPolicy.apiVersion {
                fail(v, "apiVersion", "is \(quoted(v)); this SyncGate reads \(RolloutPolicy.apiVersion)", "Set `apiVersion: \(RolloutPolicy.apiVersion)`.")
            }
        } else {
            fail(root, "apiVersion", "is missing", "Add `apiVersion: \(RolloutPolicy.apiVersion)` at the top.")
        }
        if let v = root["kind"] {
            if v.string != RolloutPolicy.kind { fail(v, "kind", "is \(quoted(v)), not \(RolloutPolicy.kind)", "Set `kind: \(RolloutPolicy.kind)`.") }
        } else {
            fail(root, "kind", "is missing", "Add `kind: \(RolloutPolicy.kind)` at the top.")
        }
        _ = object
        if let v = root["stages"], !v.isNull { policy.stages = stages(v) }
        if let v = root["ingress"], !v.isNull { policy.ingress = ingress(v) }
        if let v = root["gateways"], !v.isNull { policy.gateways = gateways(v) }
        if let v = root["verification"], !v.isNull {
            let o = verificationOverride(v, "verification")
            policy.verification = Verification().overridden(by: o)
        }
        if let v = root["guards"], !v.isNull { policy.guards = guards(v) }
        if let v = root["timeouts"], !v.isNull { policy.timeouts = timeouts(v) }
        if let v = root["onFailure"], !v.isNull { policy.onFailure = onFailure(v) }
        return policy
    }

    // MARK: - Stages

    mutating func stages(_ v: Value) -> [Stage] {
        guard let list = v.array else {
            fail(v, "stages", "must be a list", "Write `stages:` as a list of `- name: …` entries, in rollout order.")
            return [Stage.all]
        }
        if list.isEmpty {
            fail(v, "stages", "is empty", "List at least one stage, or remove `stages` to roll every Application out as one stage.")
            return [Stage.all]
        }
        var out: [Stage] = []
        var seen: [String: Int] = [:]
        for (i, s) in list.enumerated() {
            let path = "stages[\(i)]"
            guard s.object != nil else {
                fail(s, path, "must be a mapping", "Write `- name: canary` with `applications:` under it.")
                continue
            }
            checkKeys(s, path, allowed: ["name", "applications", "selector", "issuer", "verification", "promotion"])
            guard let name = s["name"]?.scalarText, !name.isEmpty else {
                fail(s, "\(path).name", "is missing", "Give every stage a name (`canary`, `production`).")
                continue
            }
            if !isDNSLabel(name) {
                fail(s["name"]!, "\(path).name", "\"\(name)\" is not a DNS label", "Use lower-case letters, digits and '-' (it names journal entries and events).")
            }
            if let first = seen[name] {
                fail(s["name"]!, "\(path).name", "\"\(name)\" is used twice (first at line \(first))", "Give every stage a different name.")
            }
            seen[name] = Int(s.line)
            var selector = ApplicationSelector()
            if let apps = s["applications"] {
                selector.names = stringList(apps, "\(path).applications",
                                            remedy: "List Application name globs: `applications: [\"acme-*-sandbox\"]`.")
            }
            if let sel = s["selector"] {
                checkKeys(sel, "\(path).selector", allowed: ["names", "matchLabels"])
                if let n = sel["names"] {
                    selector.names += stringList(n, "\(path).selector.names", remedy: "List Application name globs.")
                }
                if let l = sel["matchLabels"] { selector.matchLabels = stringMap(l, "\(path).selector.matchLabels") }
            }
            if selector.isEmpty {
                fail(s, path, "stage \"\(name)\" selects no Application", "Add `applications: [\"glob\"]` or `selector.matchLabels`.")
            }
            for glob in selector.names where glob.isEmpty {
                fail(s, "\(path).applications", "has an empty name", "Remove the empty entry or write a glob such as `*-sandbox`.")
            }
            var issuer: IssuerRequirement?
            if let iv = s["issuer"], !iv.isNull { issuer = issuerRequirement(iv, "\(path).issuer") }
            var verification: VerificationOverride?
            if let vv = s["verification"], !vv.isNull { verification = verificationOverride(vv, "\(path).verification") }
            var promotion = Promotion.auto
            if let pv = s["promotion"] {
                if let p = pv.scalarText.flatMap(Promotion.init(rawValue:)) {
                    promotion = p
                } else {
                    fail(pv, "\(path).promotion", "is \(quoted(pv))", "Use `auto` (next stage starts once this one verifies) or `manual` (wait for `syncgate promote`).")
                }
            }
            out.append(Stage(name: name, selector: selector, issuer: issuer, verification: verification, promotion: promotion, line: Int(s.line)))
        }
        return out.isEmpty ? [Stage.all] : out
    }

    mutating func issuerRequirement(_ v: Value, _ path: String) -> IssuerRequirement? {
        if let name = v.string {
            if name.isEmpty { fail(v, path, "is empty", "Name the issuer, e.g. `issuer: letsencrypt-staging`.") ; return nil }
            return IssuerRequirement(name: name)
        }
        if v.object != nil {
            checkKeys(v, path, allowed: ["name", "kind"])
            guard let name = v["name"]?.scalarText, !name.isEmpty else {
                fail(v, "\(path).name", "is missing", "Write `issuer: {name: letsencrypt-staging, kind: ClusterIssuer}`.")
                return nil
            }
            var kind: String?
            if let k = v["kind"] {
                kind = k.scalarText
                if kind != "Issuer" && kind != "ClusterIssuer" {
                    fail(k, "\(path).kind", "is \(quoted(k))", "Use `Issuer` or `ClusterIssuer`.")
                }
            }
            return IssuerRequirement(name: name, kind: kind)
        }
        fail(v, path, "must be a name or {name, kind}", "Write `issuer: letsencrypt-staging`.")
        return nil
    }

    // MARK: - Ingress and gateways

    mutating func ingress(_ v: Value) -> IngressPolicy {
        var ingress = IngressPolicy()
        guard v.object != nil else {
            fail(v, "ingress", "must be a mapping", "Write `ingress: {addresses: [\"203.0.113.10\"]}` or `hostnames: [lb.example.com]`.")
            return ingress
        }
        checkKeys(v, "ingress", allowed: ["addresses", "hostnames", "httpsPort"])
        if let a = v["addresses"] {
            ingress.addresses = stringList(a, "ingress.addresses", remedy: "List the load balancer's IP addresses.")
            for (i, addr) in ingress.addresses.enumerated() where !IPAddressText.isValid(addr) {
                fail(a[i] ?? a, "ingress.addresses[\(i)]", "\"\(addr)\" is not an IPv4 or IPv6 address",
                     "Put IP addresses under `addresses` and DNS names under `hostnames`.")
            }
        }
        if let h = v["hostnames"] {
            ingress.hostnames = stringList(h, "ingress.hostnames", remedy: "List the load balancer's DNS names.")
            for (i, host) in ingress.hostnames.enumerated() where IPAddressText.isValid(host) || !host.contains(".") {
                fail(h[i] ?? h, "ingress.hostnames[\(i)]", "\"\(host)\" is not a DNS name",
                     "Put IP addresses under `addresses` and fully qualified DNS names under `hostnames`.")
            }
        }
        if let p = v["httpsPort"] {
            if let port = p.int, (1...65535).contains(port) { ingress.httpsPort = port }
            else { fail(p, "ingress.httpsPort", "is \(quoted(p))", "Use a port number between 1 and 65535 (default 443).") }
        }
        return ingress
    }

    mutating func gateways(_ v: Value) -> [String: GatewaySettings] {
        guard let o = v.object else {
            fail(v, "gateways", "must be a mapping of `namespace/name` to settings", "Write `gateways: {traefik/traefik-gateway: {blastRadius: gateway}}`.")
            return [:]
        }
        var out: [String: GatewaySettings] = [:]
        for (key, settings) in o.pairs {
            let path = "gateways.\(key)"
            let parts = key.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count != 2 || parts.contains(where: \.isEmpty) {
                fail(settings, path, "\"\(key)\" is not `namespace/name`", "Key each Gateway by its namespace and name, e.g. `traefik/traefik-gateway`.")
            }
            var g = GatewaySettings()
            if settings.object != nil {
                checkKeys(settings, path, allowed: ["blastRadius"])
                if let b = settings["blastRadius"] {
                    if let r = b.scalarText.flatMap(BlastRadius.init(rawValue:)) { g.blastRadius = r }
                    else {
                        fail(b, "\(path).blastRadius", "is \(quoted(b))",
                             "Use `gateway` (one bad listener stops the whole Gateway: Traefik in seed 000, Cilium) or `listener` (only that listener: Gateway API spec, Envoy Gateway).")
                    }
                }
            } else if !settings.isNull {
                fail(settings, path, "must be a mapping", "Write `blastRadius: gateway` or `blastRadius: listener` under it.")
            }
            out[key] = g
        }
        return out
    }

    // MARK: - Verification, guards, timeouts, onFailure

    mutating func verificationOverride(_ v: Value, _ path: String) -> VerificationOverride {
        var o = VerificationOverride()
        guard v.object != nil else {
            fail(v, path, "must be a mapping", "Write `minDaysValid`, `trustBundle`, `soak`, `checkInterval` under it.")
            return o
        }
        checkKeys(v, path, allowed: ["minDaysValid", "trustBundle", "soak", "checkInterval"])
        if let d = v["minDaysValid"] {
            if let n = d.int, n >= 0, n <= 3650 { o.minDaysValid = n }
            else { fail(d, "\(path).minDaysValid", "is \(quoted(d))", "Use a whole number of days, 0 to 3650 (e.g. 7 for staging, 30 for production).") }
        }
        if let t = v["trustBundle"] {
            if let s = t.string, !s.isEmpty { o.trustBundle = s }
            else { fail(t, "\(path).trustBundle", "is \(quoted(t))", "Give the path of a PEM CA bundle relative to syncgate.yaml, or `system`.") }
        }
        if let s = v["soak"] { o.soakSeconds = duration(s, "\(path).soak", allowZero: true) }
        if let c = v["checkInterval"] { o.checkIntervalSeconds = duration(c, "\(path).checkInterval", allowZero: false) }
        return o
    }

    mutating func guards(_ v: Value) -> Guards {
        var g = Guards()
        guard v.object != nil else {
            fail(v, "guards", "must be a mapping", "Write `maxSolverRoutesPerNamespace`, `rateLimitBudget`, `maxFailedChallenges` under it.")
            return g
        }
        checkKeys(v, "guards", allowed: ["maxSolverRoutesPerNamespace", "rateLimitBudget", "weeklyCertificateLimit", "maxFailedChallenges"])
        if let x = v["maxSolverRoutesPerNamespace"] {
            g.maxSolverRoutesPerNamespace = positiveInt(x, "guards.maxSolverRoutesPerNamespace", "Use a positive number (default 200, seed 000's alert threshold).") ?? g.maxSolverRoutesPerNamespace
        }
        if let x = v["rateLimitBudget"] {
            if let d = x.double, d > 0, d <= 1 { g.rateLimitBudget = d }
            else { fail(x, "guards.rateLimitBudget", "is \(quoted(x))", "Use a fraction of the CA's weekly limit between 0 and 1, e.g. 0.5 (default).") }
        }
        if let x = v["weeklyCertificateLimit"] {
            g.weeklyCertificateLimit = positiveInt(x, "guards.weeklyCertificateLimit", "Use the CA's certificates-per-registered-domain-per-week limit (Let's Encrypt: 50).") ?? g.weeklyCertificateLimit
        }
        if let x = v["maxFailedChallenges"] {
            g.maxFailedChallenges = positiveInt(x, "guards.maxFailedChallenges", "Use a positive number (default 3).") ?? g.maxFailedChallenges
        }
        return g
    }

    mutating func timeouts(_ v: Value) -> Timeouts {
        var t = Timeouts()
        guard v.object != nil else {
            fail(v, "timeouts", "must be a mapping", "Write durations such as `certificate: 10m` under it.")
            return t
        }
        checkKeys(v, "timeouts", allowed: ["prerequisites", "secret", "listener", "certificate", "verification", "lease"])
        if let x = v["prerequisites"] { t.prerequisites = duration(x, "timeouts.prerequisites", allowZero: false) ?? t.prerequisites }
        if let x = v["secret"] { t.secret = duration(x, "timeouts.secret", allowZero: false) ?? t.secret }
        if let x = v["listener"] { t.listener = duration(x, "timeouts.listener", allowZero: false) ?? t.listener }
        if let x = v["certificate"] { t.certificate = duration(x, "timeouts.certificate", allowZero: false) ?? t.certificate }
        if let x = v["verification"] { t.verification = duration(x, "timeouts.verification", allowZero: false) ?? t.verification }
        if let x = v["lease"] { t.lease = duration(x, "timeouts.lease", allowZero: false) ?? t.lease }
        return t
    }

    mutating func onFailure(_ v: Value) -> OnFailure {
        var f = OnFailure()
        guard v.object != nil else {
            fail(v, "onFailure", "must be a mapping", "Write `pauseAutoSync: true` under it.")
            return f
        }
        checkKeys(v, "onFailure", allowed: ["pauseAutoSync", "injectPlaceholders"])
        if let x = v["pauseAutoSync"] {
            if let b = x.bool { f.pauseAutoSync = b } else { fail(x, "onFailure.pauseAutoSync", "is \(quoted(x))", "Use true or false (unquoted).") }
        }
        if let x = v["injectPlaceholders"] {
            if let b = x.bool { f.injectPlaceholders = b } else { fail(x, "onFailure.injectPlaceholders", "is \(quoted(x))", "Use true or false (unquoted).") }
        }
        return f
    }

    // MARK: - Helpers

    mutating func duration(_ v: Value, _ path: String, allowZero: Bool) -> Double? {
        let remedy = "Write a duration such as `90s`, `10m`, `1h30m` or `2d`."
        var seconds: Double?
        if let n = v.int { seconds = Double(n) }  // a bare number is seconds
        else if let s = v.string {
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.hasSuffix("d"), let days = Double(t.dropLast()) { seconds = days * 86_400 }
            else { seconds = GoDuration.seconds(t) }
        }
        guard let seconds else { fail(v, path, "\(quoted(v)) is not a duration", remedy); return nil }
        if seconds < 0 || (!allowZero && seconds == 0) {
            fail(v, path, "\(quoted(v)) must be \(allowZero ? "zero or more" : "more than zero")", remedy)
            return nil
        }
        return seconds
    }

    mutating func positiveInt(_ v: Value, _ path: String, _ remedy: String) -> Int? {
        if let n = v.int, n > 0 { return n }
        fail(v, path, "is \(quoted(v))", remedy)
        return nil
    }

    mutating func stringList(_ v: Value, _ path: String, remedy: String) -> [String] {
        if let s = v.scalarText { return [s] }
        guard let list = v.array else { fail(v, path, "must be a list of strings", remedy); return [] }
        var out: [String] = []
        for (i, e) in list.enumerated() {
            if let s = e.scalarText { out.append(s) } else { fail(e, "\(path)[\(i)]", "is not a string", remedy) }
        }
        return out
    }

    mutating func stringMap(_ v: Value, _ path: String) -> [String: String] {
        guard let o = v.object else { fail(v, path, "must be a mapping of label to value", "Write `matchLabels: {tier: canary}`."); return [:] }
        var out: [String: String] = [:]
        for (k, e) in o.pairs {
            if let s = e.scalarText { out[k] = s } else { fail(e, "\(path).\(k)", "is not a string", "Label values are strings; quote them.") }
        }
        return out
    }

    mutating func checkKeys(_ v: Value, _ path: String, allowed: [String]) {
        guard let o = v.object else { return }
        for (k, child) in o.pairs where !allowed.contains(k) {
            let near = allowed.min { editDistance($0.lowercased(), k.lowercased()) < editDistance($1.lowercased(), k.lowercased()) }
            let hint = near.flatMap { editDistance($0.lowercased(), k.lowercased()) <= 3 ? " Did you mean `\($0)`?" : nil } ?? ""
            let field = path.isEmpty ? k : "\(path).\(k)"
            fail(child.line > 0 ? child : v, field, "is not a field of \(path.isEmpty ? RolloutPolicy.kind : path)",
                 "Remove it or use one of: \(allowed.joined(separator: ", ")).\(hint)")
        }
    }

    mutating func fail(_ at: Value, _ field: String, _ message: String, _ remedy: String) {
        problems.append(PolicyProblem(file: file, line: Int(at.line), field: field, message: message, remedy: remedy))
    }

    func quoted(_ v: Value) -> String {
        if let s = v.scalarText { return "\"\(s)\"" }
        if v.isNull { return "empty" }
        return v.array != nil ? "a list" : "a mapping"
    }

    func isDNSLabel(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 63, s.first != "-", s.last != "-" else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    for i in 1...a.count {
        var cur = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        prev = cur
    }
    return prev[b.count]
}

/// Textual checks of IP addresses (no sockets: the policy is pure).
enum IPAddressText {
    static func isValid(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }
    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isNumber), let n = Int(p) else { return false }
            return n <= 255
        }
    }
    static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":"), s.count >= 2 else { return false }
        let hex = Set("0123456789abcdefABCDEF:.")
        guard s.allSatisfy({ hex.contains($0) }) else { return false }
        let doubleColons = s.components(separatedByString: "::").count - 1
        return doubleColons <= 1
    }
}

extension String {
    func components(separatedByString sep: String) -> [String] {
        var out: [String] = []
        var rest = Substring(self)
        while let r = rest.range(of: sep) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}
