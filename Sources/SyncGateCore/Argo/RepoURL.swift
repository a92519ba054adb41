/// Normalises git repository URLs so that the spellings Argo CD users write compare equal:
/// `https://GitHub.com/Org/Repo.git/`, `git@github.com:org/repo`, `ssh://git@github.com/org/repo.git` and
/// `github.com/org/repo` all become `github.com/org/repo`.
public enum RepoURL {
    public static func normalize(_ url: String) -> String {
        var s = url.trimmingSpaces
        // Tool schemes such as `git+ssh://` or `gitea::https://`.
        if let range = s.range(of: "::") { s = String(s[range.upperBound...]) }
        if let range = s.range(of: "://") {
            s = String(s[range.upperBound...])
            // ssh://git@host:22/org/repo: drop the port.
            if let slash = s.firstIndex(of: "/") {
                var host = String(s[..<slash])
                if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
                if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
                s = host + s[slash...]
            } else if let at = s.lastIndex(of: "@") {
                s = String(s[s.index(after: at)...])
            }
        } else {
            // scp-like `git@host:org/repo`.
            if let at = s.firstIndex(of: "@") { s = String(s[s.index(after: at)...]) }
            if let colon = s.firstIndex(of: ":") {
                s = String(s[..<colon]) + "/" + String(s[s.index(after: colon)...])
            }
        }
        while s.hasSuffix("/") { s.removeLast() }
        if s.hasSuffix(".git") { s.removeLast(4) }
        while s.hasSuffix("/") { s.removeLast() }
        return s.lowercased()
    }

    public static func same(_ a: String, _ b: String) -> Bool { normalize(a) == normalize(b) }

    /// `<GITOPS_REPO_URL>`-style tokens waiting for a bootstrap tool.
    public static func isPlaceholder(_ url: String) -> Bool {
        (url.contains("<") && url.contains(">")) || url.contains("${") || url.contains("{{") || url.isEmpty
    }

    /// An Argo CD source path made relative and clean: `./a/b/` -> `a/b`, `.` -> ``.
    public static func cleanPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }
}
