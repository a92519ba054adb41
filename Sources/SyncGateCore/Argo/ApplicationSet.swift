/// An Argo CD `ApplicationSet`: the generators SyncGate can resolve from files alone (list, git directories of this
/// repository) and its template. Computed accessors over the manifest.
public struct ApplicationSet: Sendable {
    public var manifest: Manifest
    public init(manifest: Manifest) { self.manifest = manifest }

    public var name: String { manifest.name }
    public var namespace: String {
        if let ns = manifest.metadata?["namespace"]?.scalarText, !ns.isEmpty { return ns }
        return "argocd"
    }
    public var id: String { "\(namespace)/\(name)" }
    public var goTemplate: Bool { manifest.value[path: "spec", "goTemplate"]?.bool ?? false }
    public var template: Value? { manifest.value[path: "spec", "template"] }
    public var generators: [Value] { manifest.value[path: "spec", "generators"]?.elements ?? [] }
    /// `spec.syncPolicy.applicationsSync`/`ignoreApplicationDifferences` matter to pausing (DESIGN §3).
    public var ignoresSyncPolicyDifferences: Bool {
        for entry in manifest.value[path: "spec", "ignoreApplicationDifferences"]?.elements ?? [] {
            for p in entry["jsonPointers"]?.elements ?? [] where p.scalarText?.hasPrefix("/spec/syncPolicy") == true { return true }
        }
        return false
    }

    /// The parameter sets its generators produce, and the generators it could not resolve (with why).
    public struct Expansion: Sendable {
        public var parameterSets: [[String: Value]] = []
        public var unresolved: [(kind: String, reason: String, location: SourceLocation)] = []
    }

    /// Resolves list and git-directory generators. `directories` lists the repo's directories (relative);
    /// `isThisRepo` tells whether a generator's repoURL is the repository being planned.
    public func expand(directories: [String], isThisRepo: (String) -> Bool) -> Expansion {
        var out = Expansion()
        for generator in generators {
            let location = manifest.location(of: generator)
            if let list = generator["list"] {
                for element in list["elements"]?.elements ?? [] {
                    guard let o = element.object else { continue }
                    var params: [String: Value] = [:]
                    for (k, v) in o.pairs { params[k] = v }
                    out.parameterSets.append(params)
                }
                if list["elementsYaml"] != nil {
                    out.unresolved.append(("list.elementsYaml", "elements computed at runtime", location))
                }
            } else if let git = generator["git"] {
                let repo = git["repoURL"]?.scalarText ?? ""
                guard isThisRepo(repo) else {
                    out.unresolved.append(("git", "repoURL \(repo) is another repository", location))
                    continue
                }
                let entries = git["directories"]?.elements ?? []
                if entries.isEmpty {
                    out.unresolved.append(("git.files", "git files generators are not resolved statically", location))
                    continue
                }
                var included: [String] = []
                var excluded: Set<String> = []
                for entry in entries {
                    guard let pattern = entry["path"]?.scalarText else { continue }
                    let cleaned = RepoURL.cleanPath(pattern)
                    let matches = directories.filter { PathGlob.matches(pattern: cleaned, path: $0) }
                    if entry["exclude"]?.bool == true { excluded.formUnion(matches) } else { included.append(contentsOf: matches) }
                }
                var seen: Set<String> = []
                for dir in included where !excluded.contains(dir) && seen.insert(dir).inserted {
                    out.parameterSets.append(ApplicationSet.pathParameters(dir, goTemplate: goTemplate))
                }
            } else {
                let kind = generator.object?.keys.first ?? "unknown"
                out.unresolved.append((kind, "the \(kind) generator needs the cluster or an external service", location))
            }
        }
        return out
    }

    /// The parameters of a git directory generator for `dir`.
    static func pathParameters(_ dir: String, goTemplate: Bool) -> [String: Value] {
        let segments = dir.split(separator: "/").map(String.init)
        let basename = segments.last ?? ""
        let normalized = String(basename.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? Character($0.lowercased()) : "-" })
        if goTemplate {
            var path = Object()
            path["path"] = .string(dir)
            path["basename"] = .string(basename)
            path["basenameNormalized"] = .string(normalized)
            path["segments"] = .array(segments.map { .string($0) })
            return ["path": .object(path)]
        }
        var params: [String: Value] = [
            "path": .string(dir), "path.basename": .string(basename), "path.basenameNormalized": .string(normalized),
        ]
        for (i, s) in segments.enumerated() { params["path[\(i)]"] = .string(s) }
        return params
    }

    /// The template with `params` substituted into every string (`{{name}}` or, with goTemplate, `{{.name}}`,
    /// `{{.path.basename}}`, `{{index .path.segments 1}}`).
    public func render(_ params: [String: Value]) -> Value? {
        guard let template else { return nil }
        return ApplicationSet.substitute(template, params: params, goTemplate: goTemplate)
    }

    static func substitute(_ value: Value, params: [String: Value], goTemplate: Bool) -> Value {
        switch value.content {
        case .string(let s):
            guard s.contains("{{") else { return value }
            return Value(.string(substituteText(s, params: params, goTemplate: goTemplate)), line: value.line, column: value.column)
        case .array(let items):
            return Value(.array(items.map { substitute($0, params: params, goTemplate: goTemplate) }), line: value.line, column: value.column)
        case .object(let o):
            var out = Object(minimumCapacity: o.count)
            for (k, v) in o.pairs { out[k] = substitute(v, params: params, goTemplate: goTemplate) }
            return Value(.object(out), line: value.line, column: value.column)
        default:
            return value
        }
    }

    static func substituteText(_ text: String, params: [String: Value], goTemplate: Bool) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                result += rest[open.lowerBound...]
                return result
            }
            var expr = String(rest[open.upperBound..<close.lowerBound]).trimmingSpaces
            if expr.hasPrefix("-") { expr = String(expr.dropFirst()).trimmingSpaces }
            if expr.hasSuffix("-") { expr = String(expr.dropLast()).trimmingSpaces }
            if let replacement = lookup(expr, params: params, goTemplate: goTemplate) {
                result += replacement
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        result += rest
        return result
    }

    static func lookup(_ expr: String, params: [String: Value], goTemplate: Bool) -> String? {
        if goTemplate {
            if expr.hasPrefix("index ") {
                // index .path.segments N
                let parts = expr.split(separator: " ")
                guard parts.count == 3, let n = Int(parts[2]), let list = dotted(String(parts[1]), params) else { return nil }
                return list[n]?.scalarText
            }
            guard expr.hasPrefix(".") else { return nil }
            return dotted(expr, params)?.scalarText
        }
        if let v = params[expr]?.scalarText { return v }
        // Nested list elements: {{values.x}}
        return dotted("." + expr, params)?.scalarText
    }

    static func dotted(_ expr: String, _ params: [String: Value]) -> Value? {
        let keys = expr.dropFirst().split(separator: ".").map(String.init)
        guard let first = keys.first, var current = params[first] else { return nil }
        for k in keys.dropFirst() {
            guard let next = current[k] else { return nil }
            current = next
        }
        return current
    }
}

/// Argo CD's git directory patterns: `*` matches within one path segment, `**` across segments, `?` one character.
public enum PathGlob {
    public static func matches(pattern: String, path: String) -> Bool {
        let p = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let s = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return match(p[...], s[...])
    }

    private static func match(_ p: ArraySlice<String>, _ s: ArraySlice<String>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "**" {
            var rest = s
            while true {
                if match(p.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        }
        guard let seg = s.first, segment(Array(first), Array(seg)) else { return false }
        return match(p.dropFirst(), s.dropFirst())
    }

    private static func segment(_ p: [Character], _ s: [Character]) -> Bool {
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == s[si]) { pi += 1; si += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = si; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; si = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
